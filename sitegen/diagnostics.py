"""Problems found in user input: located, collected together and reported in one format."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    SUGGESTION = "suggestion"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    path: str
    """Path of the offending file, relative to the project root (POSIX separators)."""
    line: int
    """1-based line; 0 when the problem concerns the whole file."""
    column: int
    """1-based column; 0 when unknown."""
    level: Level
    code: str
    """Stable identifier such as `ref-unknown`, documented in docs/problems.md."""
    message: str
    hint: str = ""

    def format(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{max(self.column, 1)}"
        text = f"{where}: {self.level.value}: {self.message} [{self.code}]"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def error(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, column, Level.ERROR, code, message, hint)


def warning(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, column, Level.WARNING, code, message, hint)


def suggestion(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, column, Level.SUGGESTION, code, message, hint)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A "did you mean …?" hint naming the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def has_errors(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    failing = {Level.ERROR, Level.WARNING} if strict else {Level.ERROR}
    return any(d.level in failing for d in diagnostics)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics))


class SitegenError(Exception):
    """A problem that stops a command; carries the diagnostics that explain it."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics
