"""Errors a user can act on. The CLI prints them as one line, never as a traceback."""

from __future__ import annotations


class KgError(Exception):
    """A problem with the user's input or environment, named by file and line where known."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"
