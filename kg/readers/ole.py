"""Names of the streams in an OLE2 compound file (legacy .doc/.xls, encrypted OOXML).

Only the directory is read: that is enough to tell a Word document (``WordDocument``) from an
Excel workbook (``Workbook``/``Book``) from a password-protected .docx/.xlsx
(``EncryptedPackage``), which Office stores inside an OLE2 container. Every offset is checked,
so a truncated or looping file raises :class:`ValueError` instead of hanging.

>>> stream_names(b"not ole")
Traceback (most recent call last):
...
ValueError: not an OLE2 compound file
"""

from __future__ import annotations

import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA


def stream_names(data: bytes) -> set[str]:
    """Return the names of all storages and streams in the compound file ``data``."""
    if not data.startswith(MAGIC) or len(data) < 512:
        raise ValueError("not an OLE2 compound file")
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError(f"bad sector size 2^{shift}")
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    first_difat, n_difat = struct.unpack_from("<II", data, 0x44)
    n_sectors = (len(data) - 512) // size + (1 if (len(data) - 512) % size else 0)

    def sector(number: int) -> bytes:
        if number > _MAX_SECTOR or number >= n_sectors:
            raise ValueError(f"sector {number} is beyond the end of the file (truncated?)")
        start = 512 + number * size
        return data[start : start + size].ljust(size, b"\x00")

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s <= _MAX_SECTOR]
    next_difat, seen = first_difat, set()
    while next_difat <= _MAX_SECTOR and len(seen) < n_difat:
        if next_difat in seen:
            raise ValueError("broken DIFAT chain")
        seen.add(next_difat)
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors.extend(s for s in entries[:-1] if s <= _MAX_SECTOR)
        next_difat = entries[-1]
    fat: list[int] = []
    for number in fat_sectors[:n_fat]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(number)))

    names: set[str] = set()
    current, visited = first_dir, set()
    while current not in (_END_OF_CHAIN, _FREE):
        if current in visited or current >= len(fat):
            raise ValueError("broken directory chain")
        visited.add(current)
        block = sector(current)
        for offset in range(0, size, 128):
            name_len, kind = struct.unpack_from("<HB", block, offset + 0x40)
            if kind in (1, 2, 5) and 2 <= name_len <= 64:
                raw = block[offset : offset + name_len - 2]
                names.add(raw.decode("utf-16-le", errors="replace"))
        current = fat[current]
    if not names:
        raise ValueError("empty directory")
    return names
