"""`kg ingest` in a terminal: the progress bar leaves no blank line before what follows
(issue 16: "a blank line before some errors"). Run under a pseudo-terminal and read back as a
screen, so cursor moves and line erases count as a terminal applies them."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

_TOKEN = re.compile(r"(\x1b\[[0-9;?]*[A-Za-z]|\r|\n)")


def screen(raw: str) -> list[str]:
    """The lines a terminal shows after ``raw`` (newline, carriage return, cursor up, erase
    line; other escape sequences are colours or cursor visibility and show nothing)."""
    lines, row, col = [""], 0, 0
    for token in _TOKEN.split(raw):
        if token == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        elif token == "\r":
            col = 0
        elif re.fullmatch(r"\x1b\[\d*A", token):
            row = max(0, row - int(token[2:-1] or 1))
        elif token == "\x1b[2K":
            lines[row] = ""
        elif token and not token.startswith("\x1b"):
            line = lines[row].ljust(col)
            lines[row] = line[:col] + token + line[col + len(token) :]
            col += len(token)
    while lines and not lines[-1].strip():
        lines.pop()
    return [line.rstrip() for line in lines]


def run_in_terminal(args: list[str], cwd: Path) -> list[str]:
    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("KG_STORE", None)
    kg = [sys.executable, "-c", "from kg.cli import main; main()"]
    with subprocess.Popen(
        [*kg, *args], stdin=terminal, stdout=terminal, stderr=terminal, cwd=cwd, env=env
    ) as child:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the child is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        child.wait(timeout=120)
    os.close(controller)
    return screen(b"".join(chunks).decode("utf-8", "replace"))


def test_the_screen_reader_applies_cursor_moves():
    assert screen("bar 0/1\r\n\x1b[?25h\r\x1b[1A\x1b[2Kkg: error: x\r\n") == ["kg: error: x"]


@pytest.mark.parametrize(
    ("args", "first_line"),
    [
        (["ingest", "missing-folder"], "kg: error: missing-folder: no such file or folder"),
        (["ingest", "empty"], "kg: warning: no documents in empty; nothing ingested"),
        (["ingest", "bad.txt"], "1 file(s): 0 ingested, 0 replaced, 0 unchanged, 1 failed;"),
    ],
    ids=["missing", "empty", "unreadable"],
)
def test_after_the_progress_bar_the_message_is_the_first_line(tmp_path, args, first_line):
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.txt").write_text("   \n", encoding="utf-8")
    shown = run_in_terminal([*args, "--store", str(tmp_path / "store")], tmp_path)
    assert shown and shown[0].startswith(first_line), shown
    assert "" not in shown, shown  # no blank line anywhere
