"""Legacy Word ``.doc`` (and RTF) through LibreOffice: converted headless to .docx, then read.

The conversion runs in a private temporary directory with its own LibreOffice profile (so it
neither sees nor disturbs a user's running office), without standard input and with a time
limit; on timeout the whole process group is killed. Without ``soffice`` on PATH the file gets
one error saying how to get it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from kg.errors import KgError
from kg.readers.base import ReadResult
from kg.readers.docx_reader import read_docx_bytes

CONVERT_SECONDS = 120
"""Time limit for one LibreOffice conversion."""

_NAMES = {"doc": "legacy Word .doc", "rtf": "RTF document"}


def soffice() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, path: str, fmt: str, program: str) -> bytes:
    """Convert ``data`` (a .doc or .rtf) to .docx bytes with LibreOffice ``program``."""
    what = _NAMES[fmt]
    with tempfile.TemporaryDirectory(prefix="kg-doc-") as work:
        source = Path(work) / f"input.{fmt}"
        source.write_bytes(data)
        profile = Path(work, "profile").as_uri()
        command = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            work,
            str(source),
        ]
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=work,
            start_new_session=True,
        )
        try:
            _out, err = process.communicate(timeout=CONVERT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise KgError(
                f"{what}: LibreOffice did not convert it within {CONVERT_SECONDS} s", path=path
            ) from exc
        target = Path(work) / "input.docx"
        if process.returncode != 0 or not target.is_file():
            detail = (err.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
            raise KgError(
                f"{what}: LibreOffice could not convert it ({detail}); is it damaged or "
                "password-protected?",
                path=path,
            )
        return target.read_bytes()


def read_doc_bytes(data: bytes, path: str, fmt: str) -> ReadResult:
    """Read a legacy .doc or .rtf (``fmt``) by converting it; one clear error without LibreOffice."""
    program = soffice()
    if program is None:
        raise KgError(
            f"{_NAMES[fmt]}: install LibreOffice (apt-get install libreoffice-writer) so pikg "
            "can convert it, or save it as .docx",
            path=path,
        )
    result = read_docx_bytes(convert_to_docx(data, path, fmt, program), path)
    result.format = fmt
    result.encoding = fmt
    result.sha256 = hashlib.sha256(data).hexdigest()
    return result
