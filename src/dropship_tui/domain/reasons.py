"""R3's reasons: what makes a reason complete, in the words every caller shows."""

from __future__ import annotations

from dropship_tui.domain.change import require
from dropship_tui.domain.models import REASON_TEXT_MAX, Reason, ReasonCode


def reason_problem(reason: Reason | None) -> str | None:
    if reason is None:
        return "needs a reason"
    if reason.code is ReasonCode.OTHER and not reason.text.strip():
        return "'other' needs a text saying why"
    if len(reason.text) > REASON_TEXT_MAX:
        return f"the reason text is longer than {REASON_TEXT_MAX} characters"
    return None


def reason_message(reason: Reason | None) -> str | None:
    """The whole sentence for a reason that cannot be used (cancel dialog, CLI), or None."""
    if reason is None:
        return "Choose a reason"
    problem = reason_problem(reason)
    if problem is None:
        return None
    return f"The reason {problem}"


def check_reason(reason: Reason) -> Reason:
    require(reason_message(reason))
    return reason
