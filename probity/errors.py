"""Errors that reach users. Each carries enough context to fix the input without guessing."""

from __future__ import annotations

from dataclasses import dataclass


class ProbityError(Exception):
    """Base class for errors Probity reports to a user (CLI exit code 2, API 4xx)."""


class ConfigurationError(ProbityError):
    """Settings are missing, unsafe for production or contradictory."""


class NotFoundError(ProbityError):
    """An object does not exist, or exists outside the caller's force (indistinguishable on purpose)."""


class InvalidTransition(ProbityError):
    """A workflow object was asked to move to a status its state machine does not allow."""


@dataclass(frozen=True)
class RowError:
    """One problem with one input row: which row, which field, why."""

    row: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"


class InputFileError(ProbityError):
    """An input file was rejected as a whole; nothing from it was stored.

    ``errors`` may be the first few of many problems: ``total`` (default ``len(errors)``) is how
    many there were, so a file with a million bad rows gives a short report, not a long one.
    """

    SHOWN = 50

    def __init__(self, source: str, errors: list[RowError], total: int | None = None):
        self.source = source
        self.errors = errors
        self.total = max(total or 0, len(errors))
        shown = "\n".join(f"  {e}" for e in errors[: self.SHOWN])
        hidden = self.total - min(len(errors), self.SHOWN)
        more = f"\n  … and {hidden} more" if hidden > 0 else ""
        super().__init__(
            f"{source}: rejected, nothing imported ({self.total} problem(s)):\n{shown}{more}"
        )


class Conflict(InvalidTransition):
    """A state change lost to another one, or named a version that is no longer current.

    ``current`` is the object's state now (status, version, …), so the caller can decide again."""

    def __init__(self, message: str, current: dict[str, object]):
        super().__init__(message)
        self.current = current
