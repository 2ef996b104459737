"""Answer the retailer's cancellation request (issue 14 item 2, ``domain.cancel_request``):
accept it (the order is canceled with the request's reason) or reject it with a reason of
the vendor's own. It is the cancel modal's form (its reason list and text field are the
rejection's reason) with its own words and keys, plus a Reject button; it dismisses with
an ``Answer`` (None on esc) and the screen underneath writes it. Refusals (nothing to
cancel any more, no reason for a rejection) show inline at the form before anything is
written."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from dropship_tui.domain import workflow
from dropship_tui.domain.cancel_request import pending
from dropship_tui.domain.models import Reason
from dropship_tui.domain.words import DASH, local_time, terminal_text
from dropship_tui.tui.modals.cancel import CancelModal


@dataclass(frozen=True)
class Answer:
    accept: bool
    reason: Reason | None = None
    """Why the request is rejected (None when accepted)."""


class CancelAnswerModal(CancelModal):
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Accept: cancel", id="answer.accept",
                tooltip="Accept the request: the order is canceled with the retailer's reason"),
        Binding("ctrl+r", "reject", "Reject", id="answer.reject", tooltip="Reject the request with the reason chosen"),
        Binding("escape", "back", "Decide later", id="answer.back", tooltip="Close without answering"),
    ]

    CONFIRM = ("Accept  ctrl+s", "error")
    BACK = "Decide later  esc"
    REJECT = "Reject  ctrl+r"

    def heading(self) -> Text:
        return Text(f"The retailer asks to cancel PO {self.order.po_number}")

    def explanation(self) -> Static:
        request = pending(self.order)
        text = Text()
        if request is not None:
            text.append("Their reason: ", style="bold")
            text.append(terminal_text(request.reason.describe()))
            text.append(f"\nAsked by {terminal_text(request.requested_by)}, {local_time(request.requested_at, missing=DASH)}",
                        style="dim")
        text.append("\nAccept and the order is canceled with their reason; to reject, choose your reason below.")
        return Static(text, id="answer-request")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(Horizontal).mount(Button(self.REJECT, variant="warning", id="answer-reject", compact=True),
                                         before="#cancel-back")

    # (Textual runs the cancel modal's handler after these unless ``prevent_default``)
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "answer-reject":
            event.stop()
            event.prevent_default()
            self.action_reject()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the reason text rejects (the text is the rejection's)."""
        event.stop()
        event.prevent_default()
        self.action_reject()

    def _problem(self, problem: str) -> None:
        self.query_one("#cancel-problem", Static).update(Text(problem))

    def action_confirm(self) -> None:
        problem = workflow.answer_problem(self.order, True)
        if problem:
            self._problem(problem)
            return
        self.dismiss(Answer(True))  # type: ignore[arg-type]

    def action_reject(self) -> None:
        reason = self._reason()
        problem = workflow.answer_problem(self.order, False) or workflow.reason_message(reason)
        if problem:
            self._problem(problem)
            return
        self.dismiss(Answer(False, reason))  # type: ignore[arg-type]
