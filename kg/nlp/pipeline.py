"""The spaCy pipelines: blank Chinese with pikg's two components.

* ``pikg_threshold`` parses a grade cell with the patterns of :mod:`kg.nlp.thresholds` and
  attaches the result to the Doc (``doc._.band``) and to a span over the expression that carried
  it (``doc.spans["threshold"]``, ``span._.band``). Grade cells are never segmented (domain.md
  §4.1: a word segmenter splits "≥90%以上" apart and costs more than the parse itself), so
  :func:`pipe_cells` runs them through :func:`get_cell_nlp`, whose tokenizer makes one token per
  character: the span then covers exactly the expression.
* ``pikg_name`` analyses an indicator name (``doc._.name_analysis``) and keeps the jieba tokens;
  :func:`pipe_names` runs names through :func:`get_nlp` (jieba + the domain user dictionary).

Nothing is downloaded: jieba ships its dictionary, and the domain user dictionary
(``kg/nlp/data/userdict.txt``) is loaded into jieba once per process by :func:`get_nlp`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache, lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import get_words_and_spaces, registry
from spacy.vocab import Vocab

from kg.model import Band
from kg.nlp.lexicon import user_dictionary_path
from kg.nlp.names import analyze_name_text
from kg.nlp.thresholds import (
    _parse_cached,
    band_from_parsed,
    convert_chinese_numerals,
    normalise_cell_text,
)

THRESHOLD_SPANS = "threshold"
THRESHOLD_PIPE = "pikg_threshold"
NAME_PIPE = "pikg_name"
CHAR_TOKENIZER = "pikg.CharTokenizer.v1"
JIEBA_CONFIG = {
    "nlp": {"tokenizer": {"@tokenizers": "spacy.zh.ChineseTokenizer", "segmenter": "jieba"}}
}
CELL_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": CHAR_TOKENIZER}}}
# What pikg's tokenizers already know, kept in ``doc.user_data`` so the components need not
# rebuild it token by token (``doc.text`` joins every token; so does a token list).
TEXT_KEY = "pikg.text"
WORDS_KEY = "pikg.words"  # jieba's words without whitespace tokens, a tuple shared by the cache
_SPACE = re.compile(r"\s")


def _set_extensions() -> None:
    for cls, name in ((Doc, "band"), (Doc, "name_analysis"), (Span, "band")):
        if not cls.has_extension(name):
            cls.set_extension(name, default=None)


class CharTokenizer:
    """One token per character, whitespace included, so ``doc.text`` is the cell as written.

    No segmentation and no whitespace alignment to compute, and the vocabulary stays bounded by
    the character set however many distinct cells pass through.
    """

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.orths: dict[str, int] = {}  # character → string-store hash (skips re-hashing)

    def __call__(self, text: str) -> Doc:
        orths = self.orths
        words = [orths.get(c) or self._orth(c) for c in text]
        return Doc(self.vocab, words=words, spaces=[False] * len(words), user_data={TEXT_KEY: text})

    def _orth(self, char: str) -> int:
        self.orths[char] = orth = self.vocab.strings.add(char)
        return orth


@registry.tokenizers(CHAR_TOKENIZER)
def create_char_tokenizer():
    """spaCy factory of :class:`CharTokenizer` (``[nlp.tokenizer] @tokenizers = ...``)."""

    def make(nlp: Language) -> CharTokenizer:
        return CharTokenizer(nlp.vocab)

    return make


class CachedTokenizer:
    """Memoises jieba's segmentation per text: ladders and names repeat a lot in a batch.

    The words are those of spaCy's own ``ChineseTokenizer`` (jieba, ``cut_all=False``, spaces
    aligned by ``get_words_and_spaces``), computed here so they are kept without reading the Doc
    back token by token. The cache is bounded and cleared wholesale when full, so memory stays
    flat on long runs.
    """

    def __init__(self, inner, maxsize: int = 100_000):
        self.inner = inner
        self.vocab = inner.vocab
        self.maxsize = maxsize
        self.words: dict[str, tuple[list[str], list[bool], tuple[str, ...]]] = {}

    def __call__(self, text: str) -> Doc:
        known = self.words.get(text)
        if known is None:
            words = [w for w in self.inner.jieba_seg.cut(text, cut_all=False) if w]
            if _SPACE.search(text) is None and "".join(words) == text:
                spaces = [False] * len(words)  # what the alignment below finds, without the walk
            else:
                words, spaces = get_words_and_spaces(words, text)
            known = (words, spaces, tuple(w for w in words if not w.isspace()))
            if len(self.words) >= self.maxsize:
                self.words.clear()
            self.words[text] = known
        user_data = {TEXT_KEY: text, WORDS_KEY: known[2]}
        return Doc(self.vocab, words=known[0], spaces=known[1], user_data=user_data)

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
    if convert_chinese_numerals(text)[0] != text:  # the span counts in the rewritten text
        return band, (0, len(raw))
    fragment = text[parsed.span[0] : parsed.span[1]]
    start = raw.find(fragment)
    if start < 0:  # folding changed the characters (≧ → ≥): the whole cell carries it
        return band, (0, len(raw))
    return band, (start, start + len(fragment))


def _text_of(doc: Doc) -> str:
    text = doc.user_data.get(TEXT_KEY)
    return doc.text if text is None else text


@Language.component(THRESHOLD_PIPE)
def threshold_component(doc: Doc) -> Doc:
    """Parse ``doc.text`` as a grade cell; grade-less (the caller knows 优/良/中/差)."""
    text = _text_of(doc)
    band, chars = _cell_reading(text)
    doc._.band = band
    if chars is not None:
        if len(doc) == len(text):  # one token per character: offsets are token indices
            span = Span(doc, chars[0], chars[1], label="THRESHOLD")
        else:
            span = doc.char_span(chars[0], chars[1], label="THRESHOLD", alignment_mode="expand")
        if span is not None:
            span._.band = band
            doc.spans[THRESHOLD_SPANS] = [span]
    return doc


@Language.component(NAME_PIPE)
def name_component(doc: Doc) -> Doc:
    """Analyse ``doc.text`` as an indicator name, keeping the jieba tokens."""
    tokens = doc.user_data.get(WORDS_KEY)
    if tokens is None:  # a Doc from another tokenizer
        tokens = [t.text for t in doc if not t.is_space]
    doc._.name_analysis = analyze_name_text(_text_of(doc), tokens=tokens)
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


@cache
def get_cell_nlp() -> Language:
    """The process-wide pipeline for grade cells: ``spacy.blank("zh")`` with
    :class:`CharTokenizer` and the threshold component (built once).

    >>> get_cell_nlp().pipe_names
    ['pikg_threshold']
    """
    _set_extensions()
    nlp = spacy.blank("zh", config=CELL_CONFIG)
    nlp.add_pipe(THRESHOLD_PIPE)
    return nlp


def cache_clear() -> None:
    """Forget memoised segmentations and cell readings (for cold benchmarks)."""
    get_nlp().tokenizer.clear()
    _cell_reading.cache_clear()


def pipe_cells(texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
    """Grade cells through ``nlp.pipe`` of :func:`get_cell_nlp` (one token per character)."""
    return get_cell_nlp().pipe(texts, batch_size=batch_size)


def pipe_names(texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
    """Indicator names through ``nlp.pipe`` (the threshold component disabled)."""
    return get_nlp().pipe(texts, batch_size=batch_size, disable=[THRESHOLD_PIPE])
