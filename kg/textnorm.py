"""Text folding shared by every stage: Unicode width, glyph variants and Word leftovers.

Documents mix ``≥``/``≧``, ``<``/``＜``/``﹤``, ``%``/``％`` and full-width digits in one table
(domain.md §1.3 item 6), so comparisons of any kind start with :func:`fold`.

>>> fold("≧９０％")
'≥90%'
>>> strip_artifacts("[bookmark: _GoBack]第一部分")
'第一部分'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

COMPARATOR_GLYPHS: dict[str, str] = {"≧": "≥", "≦": "≤", "﹥": ">", "﹤": "<"}
"""Comparator variants that NFKC leaves alone; on their own, the glyph folding of the copy
rules' N1 (:func:`kg.duplicates.rules.n1`, duplicates.md §3), which keeps dashes and ``>=``."""

_GLYPHS = str.maketrans(
    {
        **COMPARATOR_GLYPHS,
        "＞": ">",
        "＜": "<",
        "％": "%",
        "－": "-",
        "—": "-",
        "–": "-",
        "～": "~",
        "〜": "~",
        "\u3000": " ",
        "\u00a0": " ",
        "\ufeff": "",
        "\x00": "",
    }
)
_DOUBLE_OPS = ((">=", "≥"), ("<=", "≤"), ("=>", "≥"), ("=<", "≤"))

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_TC_FIELD = re.compile(r"\s*TC\s+.*?\\f\s+\w+\s*\\l\s*\d+\s*")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """NFKC plus the glyph folding of domain.md §4.3 step 1 (keeps ``‰``, ``≥``, ``≤``).

    Memoised: names, cells and ladders repeat across the documents of a corpus."""
    text = strip_invisible(text).translate(_GLYPHS)
    text = unicodedata.normalize("NFKC", text)
    # NFKC turns ＜ into <, but leaves the ASCII pairs; fold those to one symbol.
    for pair, symbol in _DOUBLE_OPS:
        text = text.replace(pair, symbol)
    return text.translate(_GLYPHS)


_WHITESPACE = re.compile(r"\s+")


def compact_fold(text: str | None) -> str:
    """:func:`fold` with no whitespace at all: the key of a name or grade cell, where spacing
    is typesetting (``办 结 率`` is ``办结率``), not meaning.

    >>> compact_fold(" ≧９０ ％ ")
    '≥90%'
    """
    return _WHITESPACE.sub("", fold(text or ""))


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Soft hyphen, zero-width and joiner characters, bidi embeddings, overrides and isolates."""


def strip_invisible(text: str) -> str:
    """Text without invisible and bidi-control characters, for matching only.

    A zero-width space or a right-to-left override in a copied name changes nothing a reader
    sees but splits it from its copies; :func:`fold` drops them, the raw text keeps them and
    extraction reports them (:func:`hidden_characters`).

    >>> strip_invisible("办结\u200b率\u202e")
    '办结率'
    """
    return _INVISIBLE.sub("", text) if not text.isascii() else text


def hidden_characters(text: str) -> list[str]:
    """The invisible and bidi-control characters in ``text``, as sorted ``U+XXXX`` names.

    >>> hidden_characters("a\u202eb\u200bc\u200b")
    ['U+200B', 'U+202E']
    """
    return sorted({f"U+{ord(char):04X}" for char in _INVISIBLE.findall(text)})


def strip_artifacts(text: str) -> str:
    """Remove Word conversion leftovers: ``[bookmark: …]`` tags and ``TC … \\f A \\l 1`` fields."""
    text = _BOOKMARK.sub("", text)
    return _TC_FIELD.sub("", text)


@lru_cache(maxsize=1 << 16)
def simplify(text: str) -> str:
    """Traditional glyphs folded to simplified ones (OpenCC ``t2s``), for matching only.

    Pages from mirrors and some regions print 績效目標表 and 指標值 (layouts.md §3); every
    comparison of layout words and values goes through this, while the raw text is kept.

    >>> simplify("績效目標表 指標值")
    '绩效目标表 指标值'
    """
    if text.isascii():
        return text
    return _t2s().convert(text)


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # imported on first use: most documents never need it

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1 << 16)
def clean_cell(raw: str) -> str:
    """Cleaned cell text: artefacts and Excel-style wrapping quotes removed, padding trimmed.

    Internal newlines are kept (a cell can span paragraphs). Memoised: extraction cleans the
    same cells several times, and cells repeat across documents.

    >>> clean_cell('  "做好工作。\\n"  ')
    '做好工作。'
    >>> clean_cell('\"\"\"内容\"\"\"')
    '内容'
    """
    text = strip_artifacts(raw.replace("\x00", "").replace("\r", ""))
    text = text.strip(" \t\u3000\n")
    while len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].strip(" \t\u3000\n")
    if text.startswith('"') and text.count('"') == 1:
        text = text[1:].strip(" \t\u3000\n")
    if text.endswith('"') and text.count('"') == 1:
        text = text[:-1].strip(" \t\u3000\n")
    text = text.replace('""', '"')
    lines = [line.strip(" \t\u3000") for line in text.split("\n")]
    return "\n".join(lines).strip("\n")
