r"""Writing output safely: every byte or one clear error, and document text made harmless.

Document text is untrusted. Wherever it leaves pikg it goes through one of these helpers:

* :func:`write_all` loops until the stream took every byte. A single ``write`` on a pipe can
  accept less than it was given (Linux caps one ``write(2)`` at 2,147,479,552 bytes) and
  :class:`io.BufferedWriter` passes that short count on; ignoring it silently truncates.
  A broken pipe or a full disk becomes a :class:`~kg.errors.KgError` naming the output.
* :func:`csv_cell` neutralises spreadsheet formulas (OWASP "CSV injection": a cell starting
  with ``=``, ``+``, ``-``, ``@``, TAB or CR gets a leading ``'``; plain numbers stay).
* :func:`md_text` escapes HTML and Markdown syntax, so a name cannot become a tag or a link.
* :func:`visible` shows control, invisible and bidi-control characters as ``<U+202E>`` marks,
  so a terminal table or report never runs an escape sequence or reverses text.

>>> csv_cell('=HYPERLINK("http://x","y")'), csv_cell("-12.5"), csv_cell("-1+2")
('\'=HYPERLINK("http://x","y")', '-12.5', "'-1+2")
>>> print(md_text("[x](javascript:alert(1)) <img>"))
\[x\]\(javascript\:alert\(1\)\) &lt;img&gt;
>>> visible("abc\u202e\x1b[2J")
'abc<U+202E><U+001B>[2J'
"""

from __future__ import annotations

import csv
import errno
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, BinaryIO

from kg.errors import KgError

STDOUT = "stdout"


def _error(exc: OSError, name: str) -> KgError:
    if exc.errno == errno.EPIPE or isinstance(exc, BrokenPipeError):
        return KgError("output closed before everything was written (broken pipe)", name)
    return KgError(f"cannot write: {exc.strerror or exc}", name)


def write_all(stream: BinaryIO, data: bytes | bytearray | memoryview, name: str = STDOUT) -> int:
    """Write every byte of ``data`` to ``stream`` (looping over short writes); return the count.

    A stream that accepts nothing, or an OS error (broken pipe, full disk), is a
    :class:`KgError` naming ``name``.
    """
    view = memoryview(data).cast("B")
    total = len(view)
    try:
        while view:
            written = stream.write(view)
            if written is None:  # a non-blocking stream that would block: nothing taken
                written = 0
            if written <= 0:
                raise KgError("the output accepted no more data", name)
            view = view[written:]
    except OSError as exc:
        raise _error(exc, name) from None
    return total


def flush(stream: IO[Any], name: str = STDOUT) -> None:
    """Flush ``stream``; an OS error is a :class:`KgError` naming ``name``."""
    try:
        stream.flush()
    except OSError as exc:
        raise _error(exc, name) from None


class TextSink:
    """A text stream over a binary one that writes every byte (UTF-8) or raises :class:`KgError`.

    It also answers ``isatty``/``fileno`` so Rich and ``csv`` treat it like the real stream.
    """

    def __init__(self, stream: BinaryIO, name: str = STDOUT, encoding: str = "utf-8"):
        self.stream = stream
        self.name = name
        self.encoding = encoding
        self.written = 0

    def write(self, text: str) -> int:
        self.written += write_all(self.stream, text.encode(self.encoding), self.name)
        return len(text)

    def flush(self) -> None:
        flush(self.stream, self.name)

    def isatty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def fileno(self) -> int:
        return self.stream.fileno()


@contextmanager
def open_output(path: str | Path | None) -> Iterator[tuple[BinaryIO, str]]:
    """A binary stream for ``path`` (``None``: standard output) and the name errors give it.

    The stream is flushed (and a file closed) on the way out, each failure one :class:`KgError`.
    """
    if path is None:
        sys.stdout.flush()  # text printed earlier comes first
        yield sys.stdout.buffer, STDOUT
        flush(sys.stdout.buffer)
        return
    name = str(path)
    try:
        stream = open(path, "wb")  # noqa: SIM115 (closed below, errors translated)
    except OSError as exc:
        raise KgError(f"cannot open for writing: {exc.strerror or exc}", name) from None
    try:
        yield stream, name
        flush(stream, name)
    finally:
        with suppress(OSError):  # a flush failure was already reported above
            stream.close()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """``value`` as a CSV cell a spreadsheet will not run as a formula (OWASP's rule).

    Plain numbers (``-12.5``) stay as they are: a spreadsheet reads them as numbers anyway.
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        try:
            Decimal(text)
            if text.strip() == text:
                return text
        except InvalidOperation:
            pass
        return "'" + text
    return text


class SafeCsvWriter:
    """:func:`csv.writer` whose every cell goes through :func:`csv_cell`.

    A row with a line break the line terminator does not contain (a bare CR when rows end
    in LF) is written fully quoted, so no reader splits the row there.
    """

    def __init__(self, stream: IO[str], **options: Any):
        self._writer = csv.writer(stream, **options)
        self._quoted = csv.writer(stream, **{**options, "quoting": csv.QUOTE_ALL})
        self._breaks = set("\r\n") - set(self._writer.dialect.lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        cells = [csv_cell(value) for value in row]
        quote = self._breaks and any(char in cell for cell in cells for char in self._breaks)
        (self._quoted if quote else self._writer).writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")
_LAYOUT = re.compile(r"[\t\n\r\f\v\x1c-\x1e\x85\u2028\u2029]+")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def md_text(value: Any) -> str:
    """``value`` as inline Markdown text: HTML escaped, Markdown punctuation backslashed.

    Brackets, parentheses and ``:`` are escaped, so no link, image or autolink can form;
    line breaks and tabs become spaces (and the ends are trimmed) so a value stays in its
    table cell or list item and never starts an indented code block.
    """
    text = visible(_LAYOUT.sub(" ", str(value)).strip())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return "".join(_HTML.get(char, char) for char in text)


# C0/C1 controls (TAB and newline are layout, kept), and invisible or bidi-control characters.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def visible(text: str) -> str:
    """``text`` with control, invisible and bidi-control characters shown as ``<U+XXXX>``."""
    return _HIDDEN.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


__all__ = [
    "SafeCsvWriter",
    "TextSink",
    "csv_cell",
    "flush",
    "md_text",
    "open_output",
    "visible",
    "write_all",
]
