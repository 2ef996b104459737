"""Reopen the order (R15): the warning first (what goes: the acknowledgement, slips and
tracking numbers), then a reason from R3's list. It is the cancel modal's form with its
own words and keys; it dismisses with the ``Reason`` (None on esc) and the screen
underneath writes it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from dropship_tui.domain import workflow
from dropship_tui.domain.models import REASON_TEXT_MAX
from dropship_tui.domain.words import terminal_text
from dropship_tui.tui.modals.cancel import CancelModal
from dropship_tui.tui.widgets.key_footer import KeyFooter
from dropship_tui.tui.widgets.note import Note
from dropship_tui.tui.widgets.reason_select import ReasonSelect


class ReopenModal(CancelModal):
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Reopen", id="reopen.confirm", tooltip="Take the order back to New with this reason"),
        Binding("escape", "back", "Keep it", id="reopen.back", tooltip="Close without reopening"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Reopen PO {self.order.po_number}? It goes back to New."), classes="title")
            warning = Text("This drops: ", style="bold")
            warning.append(terminal_text("; ".join(workflow.reopen_losses(self.order))))
            warning.append(". The activity keeps a record of all of it.", style="")
            yield Static(warning, id="reopen-warning")
            yield Label("Reason")
            yield ReasonSelect(prompt="Choose a reason (1-7)", id="cancel-reason")
            yield Input(
                placeholder=f"Why? (required for Other, at most {REASON_TEXT_MAX} characters)",
                max_length=REASON_TEXT_MAX,
                id="cancel-text",
            )
            yield Note("", id="cancel-problem")
            with Horizontal():
                yield Button("Reopen  ctrl+s", variant="warning", id="cancel-confirm", compact=True)
                yield Button("Keep it  esc", id="cancel-back", compact=True)
        yield KeyFooter()
