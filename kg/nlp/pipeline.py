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
from functools import cache

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


@Language.component(THRESHOLD_PIPE)
def threshold_component(doc: Doc) -> Doc:
    """Parse ``doc.text`` as a grade cell; grade-less (the caller knows 优/良/中/差)."""
    text = normalise_cell_text(doc.text)
    if not text:
        doc._.band = band_from_parsed_empty(doc.text)
        return doc
    parsed = _parse_cached(text)
    band = band_from_parsed(parsed, doc.text, text, "", 0)
    doc._.band = band
    span = _align(doc, text, parsed.span)
    if span is not None:
        span._.band = band
        doc.spans[THRESHOLD_SPANS] = [span]
    return doc


def band_from_parsed_empty(raw: str) -> Band:
    return Band(grade="", rank=0, raw=raw, text="")


def _align(doc: Doc, text: str, span: tuple[int, int] | None) -> Span | None:
    """Map a span of the normalised text back onto the Doc's tokens."""
    if span is None:
        return None
    fragment = text[span[0] : span[1]]
    start = doc.text.find(fragment)
    if start < 0:  # folding changed the characters (≧ → ≥): fall back to the whole cell
        start, end = 0, len(doc.text)
    else:
        end = start + len(fragment)
    return doc.char_span(start, end, label="THRESHOLD", alignment_mode="expand")


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
    nlp.add_pipe(THRESHOLD_PIPE)
    nlp.add_pipe(NAME_PIPE)
    return nlp


def pipe_cells(texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
    """Grade cells through ``nlp.pipe`` (the name component disabled)."""
    return get_nlp().pipe(texts, batch_size=batch_size, disable=[NAME_PIPE])


def pipe_names(texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
    """Indicator names through ``nlp.pipe`` (the threshold component disabled)."""
    return get_nlp().pipe(texts, batch_size=batch_size, disable=[THRESHOLD_PIPE])
