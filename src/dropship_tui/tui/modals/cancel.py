"""Cancel the order (R10): a reason from R3's list, free text for ``other``.

The modal dismisses with the ``Reason`` (or None on esc); the screen underneath writes it
through the store and shows any refusal.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from dropship_tui.domain import workflow
from dropship_tui.domain.models import REASON_TEXT_MAX, Order, Reason, ReasonCode
from dropship_tui.domain.words import units
from dropship_tui.tui.widgets.note import Note
from dropship_tui.tui.widgets.reason_select import ReasonSelect
from dropship_tui.tui.widgets.key_footer import KeyFooter


class CancelModal(ModalScreen[Reason | None]):
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Cancel the order", id="cancel.confirm", tooltip="Cancel the order with this reason"),
        Binding("escape", "back", "Keep the order", id="cancel.back", tooltip="Close without canceling"),
    ]
    CSS_PATH = "../styles/fulfillment.tcss"
    DEFAULT_CSS = """
    CancelModal { align: center middle; }
    CancelModal > Vertical {
        width: 72; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    CancelModal .title { text-style: bold; margin-bottom: 1; }
    CancelModal #cancel-text { display: none; }
    CancelModal #cancel-text.shown { display: block; }
    CancelModal #cancel-problem { color: $error; height: auto; }
    CancelModal Horizontal { height: auto; margin-top: 1; }
    CancelModal Button { margin-right: 2; }
    """

    def __init__(self, order: Order) -> None:
        super().__init__(classes="dim-modal")
        self.order = order

    CONFIRM = ("Cancel the order  ctrl+s", "error")
    BACK = "Keep the order  esc"

    def heading(self) -> Text:
        return Text(f"Cancel PO {self.order.po_number}?")

    def explanation(self) -> Static:
        """What confirming does, said before it is done."""
        remaining = workflow.units_to_cancel(self.order)
        return Static(Text(
            f"Every unit not yet canceled ({units(remaining)}) becomes a canceled item "
            "and the order moves to Canceled. This cannot be undone."
        ))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.heading(), classes="title")
            yield self.explanation()
            yield Label("Reason")
            yield ReasonSelect(prompt="Choose a reason (1-7)", id="cancel-reason")
            yield Input(
                placeholder=f"Why? (required for Other, at most {REASON_TEXT_MAX} characters)",
                max_length=REASON_TEXT_MAX,
                id="cancel-text",
            )
            yield Note("", id="cancel-problem")
            with Horizontal():
                label, variant = self.CONFIRM
                yield Button(label, variant=variant, id="cancel-confirm", compact=True)
                yield Button(self.BACK, id="cancel-back", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#cancel-reason", ReasonSelect).focus()

    def _reason(self) -> Reason | None:
        value = self.query_one("#cancel-reason", ReasonSelect).value
        if not isinstance(value, ReasonCode):
            return None
        text = self.query_one("#cancel-text", Input).value if value is ReasonCode.OTHER else ""
        return Reason(code=value, text=text)

    def on_select_changed(self, event: Select.Changed) -> None:
        other = event.value is ReasonCode.OTHER
        field = self.query_one("#cancel-text", Input)
        field.set_class(other, "shown")
        if other:
            field.focus()
        self.query_one("#cancel-problem", Static).update("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#cancel-problem", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel-confirm":
            self.action_confirm()
        else:
            self.action_back()

    def action_confirm(self) -> None:
        reason = self._reason()
        problem = workflow.reason_message(reason)
        if problem:
            self.query_one("#cancel-problem", Static).update(Text(problem))
            return
        self.dismiss(reason)

    def action_back(self) -> None:
        self.dismiss(None)
