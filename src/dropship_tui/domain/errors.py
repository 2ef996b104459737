"""One family of errors for every caller: the CLI maps them to exit codes, the server to
HTTP statuses, the TUI to an inline message. Messages are written for the person at the
keyboard and say what has to happen first."""

from __future__ import annotations


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


class NotFoundError(DomainError):
    code = "not_found"


class InvalidInputError(DomainError):
    """Malformed input (an import file, a CLI value): nothing was changed."""

    code = "invalid"
