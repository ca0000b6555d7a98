"""The spaCy pipeline: blank Chinese with the jieba segmenter and pikg's two components.

* ``pikg_threshold`` parses a grade cell with the patterns of :mod:`kg.nlp.thresholds` and
  attaches the result to the Doc (``doc._.band``) and to a span over the expression that carried
  it (``doc.spans["threshold"]``, ``span._.band``); jieba splits "≥90%以上" apart, so the parse
  runs on the text and the span is aligned afterwards with ``alignment_mode="expand"``.
* ``pikg_name`` analyses an indicator name (``doc._.name_analysis``) and keeps the jieba tokens.

Nothing is downloaded: jieba ships its dictionary, and the domain user dictionary
(``kg/nlp/data/userdict.txt``) is loaded into jieba once per process by :func:`get_nlp`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache, lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.model import Band
from kg.nlp.lexicon import user_dictionary_path
from kg.nlp.names import analyze_name_text
from kg.nlp.thresholds import _parse_cached, band_from_parsed, normalise_cell_text

THRESHOLD_SPANS = "threshold"
THRESHOLD_PIPE = "pikg_threshold"
NAME_PIPE = "pikg_name"
JIEBA_CONFIG = {
    "nlp": {"tokenizer": {"@tokenizers": "spacy.zh.ChineseTokenizer", "segmenter": "jieba"}}
}


def _set_extensions() -> None:
    for cls, name in ((Doc, "band"), (Doc, "name_analysis"), (Span, "band")):
        if not cls.has_extension(name):
            cls.set_extension(name, default=None)


class CachedTokenizer:
    """Memoises jieba's segmentation per text: ladders and names repeat a lot in a batch.

    Building the Doc from known words skips jieba's DAG search; the cache is bounded and
    cleared wholesale when full, so memory stays flat on long runs.
    """

    def __init__(self, inner, maxsize: int = 100_000):
        self.inner = inner
        self.vocab = inner.vocab
        self.maxsize = maxsize
        self.words: dict[str, tuple[list[str], list[bool]]] = {}

    def __call__(self, text: str) -> Doc:
        known = self.words.get(text)
        if known is None:
            doc = self.inner(text)
            if len(self.words) >= self.maxsize:
                self.words.clear()
            self.words[text] = ([t.text for t in doc], [bool(t.whitespace_) for t in doc])
            return doc
        return Doc(self.vocab, words=known[0], spaces=known[1])

    def clear(self) -> None:
        self.words.clear()


@lru_cache(maxsize=100_000)
def _cell_reading(raw: str) -> tuple[Band, tuple[int, int] | None]:
    """Grade-less Band and the character span (in ``raw``) of the expression that carried it.

    Shared between identical texts: read ``doc._.band`` as read-only (``kg.nlp.parse_cell``
    and ``analyze_document`` hand out private copies).
    """
    text = normalise_cell_text(raw)
    if not text:
        return Band(grade="", rank=0, raw=raw, text=""), None
    parsed = _parse_cached(text)
    band = band_from_parsed(parsed, raw, text, "", 0)
    if parsed.span is None:
        return band, None
    fragment = text[parsed.span[0] : parsed.span[1]]
    start = raw.find(fragment)
    if start < 0:  # folding changed the characters (≧ → ≥): the whole cell carries it
        return band, (0, len(raw))
    return band, (start, start + len(fragment))


@Language.component(THRESHOLD_PIPE)
def threshold_component(doc: Doc) -> Doc:
    """Parse ``doc.text`` as a grade cell; grade-less (the caller knows 优/良/中/差)."""
    band, chars = _cell_reading(doc.text)
    doc._.band = band
    if chars is not None:
        span = doc.char_span(chars[0], chars[1], label="THRESHOLD", alignment_mode="expand")
        if span is not None:
            span._.band = band
            doc.spans[THRESHOLD_SPANS] = [span]
    return doc


@Language.component(NAME_PIPE)
def name_component(doc: Doc) -> Doc:
    """Analyse ``doc.text`` as an indicator name, keeping the jieba tokens."""
    doc._.name_analysis = analyze_name_text(
        doc.text, tokens=[t.text for t in doc if not t.is_space]
    )
    return doc


@cache
def load_user_dictionary() -> None:
    """Quiet jieba and add the domain words (完成率, 工管委 …); once per process."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for line in user_dictionary_path().read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts:
            freq = int(parts[1]) if len(parts) > 1 else None
            jieba.add_word(parts[0], freq=freq, tag=parts[2] if len(parts) > 2 else None)


@cache
def get_nlp() -> Language:
    """The process-wide pipeline (built once): ``spacy.blank("zh")`` + jieba + pikg components.

    >>> nlp = get_nlp()
    >>> nlp.pipe_names
    ['pikg_threshold', 'pikg_name']
    """
    _set_extensions()
    load_user_dictionary()
    nlp = spacy.blank("zh", config=JIEBA_CONFIG)
    nlp.tokenizer = CachedTokenizer(nlp.tokenizer)
    nlp.add_pipe(THRESHOLD_PIPE)
    nlp.add_pipe(NAME_PIPE)
    return nlp


def cache_clear() -> None:
    """Forget memoised segmentations and cell readings (for cold benchmarks)."""
    get_nlp().tokenizer.clear()
    _cell_reading.cache_clear()


def pipe_cells(texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
    """Grade cells through ``nlp.pipe`` (the name component disabled)."""
    return get_nlp().pipe(texts, batch_size=batch_size, disable=[NAME_PIPE])


def pipe_names(texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
    """Indicator names through ``nlp.pipe`` (the threshold component disabled)."""
    return get_nlp().pipe(texts, batch_size=batch_size, disable=[THRESHOLD_PIPE])
