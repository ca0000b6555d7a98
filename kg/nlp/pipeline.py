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
The components call :mod:`kg.nlp.segment`, which :func:`kg.nlp.analyze_document` (the ingest
path) calls directly without importing spaCy: both read names and cells alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import get_words_and_spaces, registry
from spacy.vocab import Vocab

from kg.nlp.names import analyze_name_text
from kg.nlp.segment import cache_clear as _segment_cache_clear
from kg.nlp.segment import cell_reading as _cell_reading
from kg.nlp.segment import load_user_dictionary, words_of

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
    """jieba's segmentation as spaCy's ``ChineseTokenizer`` makes it, memoised per text.

    The words come from :func:`kg.nlp.segment.words_of` (jieba, ``cut_all=False``, shared
    with the spaCy-free ingest path); spaces are aligned by ``get_words_and_spaces`` as spaCy
    does. The cache is bounded and cleared wholesale when full, so memory stays flat.
    """

    def __init__(self, inner, maxsize: int = 100_000):
        self.inner = inner
        self.vocab = inner.vocab
        self.maxsize = maxsize
        self.words: dict[str, tuple[list[str], list[bool], tuple[str, ...]]] = {}

    def __call__(self, text: str) -> Doc:
        known = self.words.get(text)
        if known is None:
            words, tokens = words_of(text)
            if _SPACE.search(text) is None and "".join(words) == text:
                spaces = [False] * len(words)  # what the alignment below finds, without the walk
            else:
                words, spaces = get_words_and_spaces(words, text)
            known = (words, spaces, tokens)
            if len(self.words) >= self.maxsize:
                self.words.clear()
            self.words[text] = known
        user_data = {TEXT_KEY: text, WORDS_KEY: known[2]}
        return Doc(self.vocab, words=known[0], spaces=known[1], user_data=user_data)

    def clear(self) -> None:
        self.words.clear()


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
    _segment_cache_clear()


def pipe_cells(texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
    """Grade cells through ``nlp.pipe`` of :func:`get_cell_nlp` (one token per character)."""
    return get_cell_nlp().pipe(texts, batch_size=batch_size)


def pipe_names(texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
    """Indicator names through ``nlp.pipe`` (the threshold component disabled)."""
    return get_nlp().pipe(texts, batch_size=batch_size, disable=[THRESHOLD_PIPE])
