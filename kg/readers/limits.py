"""Caps on what a reader accepts, and a zip opener that enforces them.

Published files are small (a target table is a few hundred cells); a file far beyond these caps
is broken or hostile (a zip bomb, a sheet whose used range is a million rows), and reading it
would only exhaust memory. Each cap is named in the error so the user knows what was refused.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from kg.errors import KgError

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Largest file read at all (a scanned 500-page PDF stays below it)."""
MAX_MEMBER_BYTES = 64 * 1024 * 1024
"""Largest uncompressed zip member (a worksheet or document part) we inflate."""
MAX_TOTAL_BYTES = 256 * 1024 * 1024
"""Largest uncompressed size of all members of one zip container together."""
MAX_MEMBERS = 10_000
"""Most members in one zip container (Office files hold a few dozen)."""
MAX_CELLS = 2_000_000
"""Most grid positions (rows × columns actually read) in one document."""
MAX_PDF_PAGES = 2_000
"""Most pages of one PDF."""


def describe(exc: BaseException) -> str:
    """A library's exception as one short line (messages of XML and PDF parsers span lines).

    >>> describe(ValueError("bad\\n  value"))
    'ValueError: bad value'
    """
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= 200 else text[:199] + "…"


def is_parser_crash(exc: BaseException) -> bool:
    """What a parser library may raise on a strange file and a reader turns into one
    :class:`KgError` line: any ``Exception``, and a Rust panic (PyO3's ``PanicException``, as
    calamine raises on some damaged files, derives from ``BaseException``). Interrupts and
    exits are not crashes: they propagate.

    >>> is_parser_crash(ValueError("bad")), is_parser_crash(KeyboardInterrupt())
    (True, False)
    """
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def parse_xml(data: bytes, path: str, what: str, member: str = ""):
    """An XML document parsed without entities, network access or huge trees; malformed XML is
    a :class:`KgError` "not a readable {what} file ({member}: …)"."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        where = f"{member}: " if member else ""
        raise KgError(f"not a readable {what} file ({where}{describe(exc)})", path=path) from exc


ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,  # an unsupported compression method or zip version
)
"""What zipfile raises on a damaged or unusual archive."""

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def open_zip(data: bytes, path: str, what: str) -> zipfile.ZipFile:
    """Open an Office zip container after checking its sizes and its XML for DTDs.

    Office parts never carry a DTD; one that does is the "billion laughs" entity bomb, so it is
    refused before any XML parser sees it. ``what`` names the expected format in messages.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except ZIP_ERRORS as exc:
        raise KgError(
            f"not a readable {what} file (corrupt zip archive: {describe(exc)})", path=path
        ) from exc
    if len(members) > MAX_MEMBERS:
        raise KgError(
            f"not a readable {what} file: {len(members)} zip members (cap {MAX_MEMBERS:,})",
            path=path,
        )
    total = 0
    for info in members:
        if info.file_size > MAX_MEMBER_BYTES:
            raise KgError(
                f"refused {what} file: member {info.filename} inflates to {info.file_size:,} "
                f"bytes (cap {MAX_MEMBER_BYTES:,}; a zip bomb or a far too large sheet)",
                path=path,
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise KgError(
            f"refused {what} file: inflates to {total:,} bytes (cap {MAX_TOTAL_BYTES:,})",
            path=path,
        )
    for info in members:
        if info.filename.lower().endswith((".xml", ".rels")):
            head = read_member(archive, info.filename, path, what, limit=4096)
            if _DTD.search(head):
                raise KgError(
                    f"refused {what} file: {info.filename} declares a DTD or entities "
                    "(never in Office files; an XML entity bomb?)",
                    path=path,
                )
    return archive


def read_member(
    archive: zipfile.ZipFile, name: str, path: str, what: str, limit: int = -1
) -> bytes:
    """Inflate one member (at most ``limit`` bytes); a damaged member is a :class:`KgError`."""
    try:
        with archive.open(name) as member:
            return member.read(limit)
    except KeyError as exc:
        raise KgError(f"not a readable {what} file: {name} is missing", path=path) from exc
    except ZIP_ERRORS as exc:
        raise KgError(f"not a readable {what} file ({name}: {describe(exc)})", path=path) from exc


def check_cells(count: int, path: str, where: str) -> None:
    """Refuse a document whose grid is larger than :data:`MAX_CELLS`."""
    if count > MAX_CELLS:
        raise KgError(
            f"{where} has {count:,} cells (cap {MAX_CELLS:,}); split the file or trim its used range",
            path=path,
        )
