"""One family of errors for every caller: the CLI maps them to exit codes, the server to
HTTP statuses, the TUI to an inline message. Messages are written for the person at the
keyboard and say what has to happen first."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Base of every error a user may see. ``code`` is stable for machines (API bodies)."""

    code = "error"

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [message]

    def __str__(self) -> str:
        return self.message


class WorkflowError(DomainError):
    """An action the rules (R1-R14) refuse in the order's current state."""

    code = "refused"


class ConflictError(WorkflowError):
    """A write based on a stale read: someone else changed the order in between."""

    code = "conflict"

    @classmethod
    def stale(cls, po_number: int) -> "ConflictError":
        return cls(f"PO {po_number} was changed by someone else; reload")


class UnknownOutcomeError(DomainError):
    """A write was sent and no answer came back: it may or may not have been applied.
    ``po_number`` names the order it was about, so the caller can say how to check."""

    code = "unknown_outcome"

    def __init__(self, message: str, po_number: int | None = None) -> None:
        super().__init__(message)
        self.po_number = po_number


class NotFoundError(DomainError):
    code = "not_found"


class InvalidInputError(DomainError):
    """Malformed input (an import file, a CLI value): nothing was changed."""

    code = "invalid"


def bad_rows(problems: "Sequence[tuple[int, str]]") -> InvalidInputError:
    """A file refused whole for its bad rows: "2 bad rows, nothing imported: line 3: why;
    line 5: why" (``problems`` are (line, why); each line's reasons said once)."""
    by_line: dict[int, list[str]] = {}
    for line, why in problems:
        if why not in by_line.setdefault(line, []):
            by_line[line].append(why)
    lines = [f"line {line}: {'; '.join(whys)}" for line, whys in sorted(by_line.items())]
    noun = "row" if len(lines) == 1 else "rows"
    return InvalidInputError(f"{len(lines)} bad {noun}, nothing imported: " + "; ".join(lines), lines)
