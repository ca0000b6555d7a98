"""jieba without spaCy: word segmentation, the part-of-speech cut, and the grade-cell reading.

:func:`kg.nlp.analyze_document` (the ingest path) calls these directly: importing spaCy costs
about 0.7 s per process, more than a small document takes to analyse. The spaCy pipelines of
:mod:`kg.nlp.pipeline` wrap the same functions, so both give the same words and bands.

jieba's state (the prefix dictionary with pikg's user words, and the part-of-speech table of
:mod:`jieba.posseg`) is kept in a persistent cache folder (``$PIKG_CACHE_DIR``, else
``$XDG_CACHE_HOME/pikg``, else ``~/.cache/pikg``), cut into one packed piece per first
character: a document touches a few hundred characters, so a process unpacks only the words
that can occur in its texts (:class:`PackedTable`) instead of 850,000 entries (0.6 s from
jieba's own marshal cache, plus 0.4 s to re-parse ``dict.txt`` for the part-of-speech table).
After :data:`UNPACK_ALL_AFTER` pieces a table is unpacked whole and handed to jieba as a plain
``dict``, so a long run segments at jieba's own speed. The file name carries a fingerprint of
the jieba version, its dictionary, pikg's user dictionary and the Python version, so a change
to any of them builds a new one; a cache that cannot be read or written is rebuilt or skipped,
never an error, and a cache file another user owns is never loaded (a pickle can run code).

>>> segment("网络故障次数 (次)")  # jieba's words, pikg's 故障次数 among them; no space
('网络', '故障次数', '(', '次', ')')
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import pickle
import sys
import tempfile
import threading
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType

from kg.model import Band
from kg.nlp.lexicon import user_dictionary_path
from kg.nlp.thresholds import (
    _parse_cached,
    band_from_parsed,
    convert_chinese_numerals,
    normalise_cell_text,
)

log = logging.getLogger(__name__)

_CACHE_FORMAT = "2"
UNPACK_ALL_AFTER = 2000
"""Pieces (first characters) unpacked one by one before a table is unpacked whole."""
WORD_CACHE_SIZE = 100_000
"""Distinct texts whose segmentation is kept (cleared wholesale when full: memory stays flat)."""

_words: dict[str, tuple[list[str], tuple[str, ...]]] = {}


class PackedTable(dict):
    """A ``dict`` of words whose entries are unpacked per first character on first touch.

    Holds what jieba reads of its tables (``in``, ``[]``, ``get``, item assignment and
    ``update``); every other use of the whole table (iteration, ``len``, comparison, copying)
    first unpacks everything, so it never answers from a part.

    >>> table = PackedTable.pack({"网络": 5, "网": 3, "故障": 2})
    >>> "网络" in table, sorted(table.packed)  # only the words that start with 网 unpacked
    (True, ['故'])
    >>> table.get("故障"), table.get("故"), table.packed
    (2, None, {})
    >>> dict(table) == {"网络": 5, "网": 3, "故障": 2}
    True
    """

    __slots__ = ("_lock", "packed", "unpacked")

    def __init__(self, packed: dict[str, bytes]):
        super().__init__()
        self.packed = packed
        self.unpacked = 0
        self._lock = threading.Lock()

    @classmethod
    def pack(cls, table: dict) -> PackedTable:
        return cls(cls.pieces(table))

    @staticmethod
    def pieces(table: dict) -> dict[str, bytes]:
        """``table`` cut by first character, each piece pickled."""
        groups: dict[str, dict] = {}
        for key, value in table.items():
            groups.setdefault(key[:1], {})[key] = value
        return {
            first: pickle.dumps(group, pickle.HIGHEST_PROTOCOL) for first, group in groups.items()
        }

    def _unpack(self, key: str) -> None:
        first = key[:1]
        if first in self.packed:
            # A piece leaves ``packed`` only once its words are in: another thread that finds
            # it gone reads them. No assignment is lost: assigning a key unpacks its piece first.
            with self._lock:
                piece = self.packed.get(first)
                if piece is not None:
                    dict.update(self, pickle.loads(piece))
                    del self.packed[first]
                    self.unpacked += 1

    def unpack_all(self) -> dict:
        """Everything, as a plain ``dict``."""
        for first in list(self.packed):
            self._unpack(first)
        return dict(self.items())

    def __contains__(self, key: object) -> bool:
        if self.packed and isinstance(key, str):
            self._unpack(key)
        return dict.__contains__(self, key)

    def __getitem__(self, key: str):
        if self.packed:
            self._unpack(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default=None):
        if self.packed:
            self._unpack(key)
        return dict.get(self, key, default)

    def __setitem__(self, key: str, value) -> None:
        if self.packed:
            self._unpack(key)
        dict.__setitem__(self, key, value)

    def update(self, other=(), **more) -> None:
        for key, value in dict(other, **more).items():
            self[key] = value

    def _whole(self) -> dict:
        if self.packed:
            self.unpack_all()
        return self

    def __iter__(self):
        return dict.__iter__(self._whole())

    def __len__(self) -> int:
        return dict.__len__(self._whole())

    def __eq__(self, other: object) -> bool:
        return dict.__eq__(self._whole(), other)

    __hash__ = None  # type: ignore[assignment]

    def keys(self):
        return dict.keys(self._whole())

    def values(self):
        return dict.values(self._whole())

    def items(self):
        return dict.items(self._whole())

    def copy(self) -> dict:
        return dict(self._whole().items())

    def __reduce__(self):
        return (dict, (self.copy(),))


def _import_jieba() -> ModuleType:
    """``import jieba`` without ``pkg_resources``, which jieba imports only to open its own
    package files (``jieba._compat`` falls back to plain ``open``) and which costs ~0.1 s."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # → ImportError
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


def cache_dir() -> Path:
    """Where pikg keeps caches that outlive a process (``$PIKG_CACHE_DIR`` first)."""
    if explicit := os.environ.get("PIKG_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pikg"


def _cache_file(jieba: ModuleType) -> Path:
    digest = hashlib.sha256(_CACHE_FORMAT.encode())
    digest.update(f"{jieba.__version__} {sys.version_info[:2]}".encode())
    dictionary = jieba.dt.dictionary or os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with contextlib.suppress(OSError):
        info = os.stat(dictionary)
        digest.update(f"{dictionary} {info.st_size} {info.st_mtime_ns}".encode())
    digest.update(user_dictionary_path().read_bytes())
    return cache_dir() / f"jieba-{digest.hexdigest()[:16]}.pickle"


def _user_words() -> list[tuple[str, int | None, str | None]]:
    words = []
    for line in user_dictionary_path().read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts:
            freq = int(parts[1]) if len(parts) > 1 else None
            words.append((parts[0], freq, parts[2] if len(parts) > 2 else None))
    return words


def _build_state(jieba: ModuleType) -> tuple:
    """jieba's state after its own initialisation and pikg's user words, as the cache holds it."""
    from jieba.posseg import POSTokenizer

    jieba.initialize()
    for word, freq, tag in _user_words():
        jieba.add_word(word, freq=freq, tag=tag)
    table = object.__new__(POSTokenizer)
    POSTokenizer.load_word_tag(table, jieba.dt.get_dict_file())  # jieba's own parser
    return (
        PackedTable.pieces(jieba.dt.FREQ),
        jieba.dt.total,
        dict(jieba.dt.user_word_tag_tab),
        PackedTable.pieces(table.word_tag_tab),
    )


def _write_cache(path: Path, state: tuple) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jieba-")
        with os.fdopen(fd, "wb") as out:
            pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError as exc:  # a read-only home: every process builds it, as jieba did
        log.debug("jieba cache not written to %s: %s", path, exc)
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)


def _read_cache(path: Path) -> tuple | None:
    try:
        with open(path, "rb") as cached:
            if os.fstat(cached.fileno()).st_uid != os.getuid():
                log.debug("jieba cache %s belongs to another user: not loaded", path)
                return None  # a pickle runs code: only one this user wrote is loaded
            state = pickle.load(cached)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file is rebuilt, never trusted
        log.debug("jieba cache %s unreadable (%s): rebuilding it", path, exc)
        return None
    return state if isinstance(state, tuple) and len(state) == 4 else None


_word_tags: dict[str, bytes] | None = None


@cache
def load_user_dictionary() -> None:
    """Quiet jieba, initialise it and add the domain words (完成率, 工管委 …); once per process.

    From the persistent cache when there is one (and jieba is not initialised already, by
    someone else's dictionary), else through jieba's own ``initialize`` and ``add_word``.
    """
    global _word_tags
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    if jieba.dt.initialized:
        jieba.initialize()
        for word, freq, tag in _user_words():
            jieba.add_word(word, freq=freq, tag=tag)
        return
    path = _cache_file(jieba)
    state = _read_cache(path)
    if state is None:
        state = _build_state(jieba)
        _write_cache(path, state)
    freq, total, user_tags, _word_tags = state
    with jieba.dt.lock:
        jieba.dt.FREQ, jieba.dt.total = PackedTable(freq), total
        jieba.dt.user_word_tag_tab = dict(user_tags)
        jieba.dt.initialized = True
    for word, count, _tag in _user_words():
        if count == 0:  # what add_word does besides the tables
            jieba.finalseg.add_force_split(word)


@cache
def _posseg() -> ModuleType:
    """:mod:`jieba.posseg` with its part-of-speech table from the cache.

    Importing the module builds that table from ``dict.txt`` (~0.4 s); while it is imported
    here the dictionary reads as empty, and the cached table is put in afterwards.
    """
    load_user_dictionary()
    if "jieba.posseg" in sys.modules or _word_tags is None:
        import jieba.posseg

        return jieba.posseg
    jieba = _import_jieba()
    jieba.dt.get_dict_file = lambda: io.BytesIO(b"")  # type: ignore[method-assign]
    try:
        import jieba.posseg
    finally:
        del jieba.dt.get_dict_file
    jieba.posseg.dt.word_tag_tab = PackedTable(dict(_word_tags))
    return jieba.posseg


def pos_cut(text: str) -> list[tuple[str, str]]:
    """``(word, part-of-speech tag)`` pairs of :func:`jieba.posseg.cut` with pikg's words.

    >>> pos_cut("云溪区人民政府")[0]
    ('云溪区', 'ns')
    """
    posseg = _posseg()
    tags = posseg.dt.word_tag_tab
    if type(tags) is PackedTable and tags.unpacked > UNPACK_ALL_AFTER:
        posseg.dt.word_tag_tab = tags.unpack_all()
    return [(pair.word, pair.flag) for pair in posseg.cut(text)]


def words_of(text: str) -> tuple[list[str], tuple[str, ...]]:
    """jieba's words of ``text`` (``cut_all=False``, empty strings dropped, as spaCy's
    ``ChineseTokenizer`` takes them) and the same without whitespace tokens; memoised."""
    known = _words.get(text)
    if known is None:
        load_user_dictionary()
        jieba = sys.modules["jieba"]
        freq = jieba.dt.FREQ
        if type(freq) is PackedTable and freq.unpacked > UNPACK_ALL_AFTER:
            jieba.dt.FREQ = freq.unpack_all()  # a long run: jieba's plain dict from now on
        words = [w for w in jieba.cut(text, cut_all=False) if w]
        known = (words, tuple(w for w in words if not w.isspace()))
        if len(_words) >= WORD_CACHE_SIZE:
            _words.clear()
        _words[text] = known
    return known


def segment(text: str) -> tuple[str, ...]:
    """The words of ``text`` without whitespace: the tokens of an indicator name."""
    return words_of(text)[1]


@lru_cache(maxsize=100_000)
def cell_reading(raw: str) -> tuple[Band, tuple[int, int] | None]:
    """Grade-less Band and the character span (in ``raw``) of the expression that carried it.

    Shared between identical texts: read the Band as read-only (``kg.nlp.parse_cell`` and
    ``analyze_document`` hand out private copies).
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


def cache_clear() -> None:
    """Forget memoised segmentations and cell readings (for cold benchmarks)."""
    _words.clear()
    cell_reading.cache_clear()


__all__ = [
    "cache_clear",
    "cache_dir",
    "cell_reading",
    "load_user_dictionary",
    "pos_cut",
    "segment",
    "words_of",
]
