"""Errors that carry a file and line, because users fix YAML and inputs by line."""
from __future__ import annotations


class InputError(Exception):
    """Bad user input; ``str()`` is one line ``file:line: message`` for the terminal."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

