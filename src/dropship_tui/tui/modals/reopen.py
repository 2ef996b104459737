"""Reopen the order (R15): the warning first (what goes: the acknowledgement, slips and
tracking numbers), then a reason from R3's list. It is the cancel modal's form with its
own words and keys; it dismisses with the ``Reason`` (None on esc) and the screen
underneath writes it."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from dropship_tui.domain import workflow
from dropship_tui.domain.words import terminal_text
from dropship_tui.tui.modals.cancel import CancelModal


class ReopenModal(CancelModal):
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Reopen", id="reopen.confirm", tooltip="Take the order back to New with this reason"),
        Binding("escape", "back", "Keep it", id="reopen.back", tooltip="Close without reopening"),
    ]

    CONFIRM = ("Reopen  ctrl+s", "warning")
    BACK = "Keep it  esc"

    def heading(self) -> Text:
        return Text(f"Reopen PO {self.order.po_number}? It goes back to New.")

    def explanation(self) -> Static:
        warning = Text("This drops: ", style="bold")
        warning.append(terminal_text("; ".join(workflow.reopen_losses(self.order))))
        warning.append(". The activity keeps a record of all of it.", style="")
        return Static(warning, id="reopen-warning")
