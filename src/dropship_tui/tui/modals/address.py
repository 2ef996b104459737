"""Correct the ship-to address (R14): every field of the contact, prefilled.

The modal asks the domain (``workflow.address_change_problems``) whether the change is
acceptable, shows a refusal inline, and dismisses with the new ``ShipTo``; the detail
screen writes it through the store.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from dropship_tui.domain import workflow
from dropship_tui.domain.models import Address, Order, ShipTo
from dropship_tui.tui.widgets.note import Note
from dropship_tui.tui.widgets.key_footer import KeyFooter

FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("company", "Company"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("line1", "Address line 1"),
    ("line2", "Address line 2"),
    ("city", "City"),
    ("state", "State / province"),
    ("postal_code", "Postal code"),
    ("country_code", "Country code"),
)
ADDRESS_FIELDS = {"line1", "line2", "city", "state", "postal_code", "country_code"}


class AddressModal(ModalScreen[ShipTo | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save address", id="address.save", tooltip="Save the corrected ship-to address"),
        Binding("escape", "back", "Back", id="address.back", tooltip="Close without changing the address"),
    ]
    CSS_PATH = "../styles/fulfillment.tcss"
    DEFAULT_CSS = """
    AddressModal { align: center middle; }
    AddressModal > Vertical {
        width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    AddressModal .title { text-style: bold; margin-bottom: 1; }
    AddressModal Grid { grid-size: 2; grid-columns: 20 1fr; grid-rows: 1; grid-gutter: 0 1; height: auto; }
    AddressModal Grid Input { background: $boost; }
    AddressModal Grid Input:focus { background: $accent 40%; }
    AddressModal #address-problem { height: auto; color: $error; margin-top: 1; }
    AddressModal Horizontal { height: auto; margin-top: 1; }
    AddressModal Button { margin-right: 2; }
    """

    def __init__(self, order: Order) -> None:
        super().__init__(classes="dim-modal")
        self.order = order

    def compose(self) -> ComposeResult:
        ship_to = self.order.ship_to
        with Vertical():
            yield Static(Text(f"Correct the ship-to address of PO {self.order.po_number}"), classes="title")
            yield Static(
                Text("Allowed until the packing slips are saved; the old and new address go into the activity."),
            )
            with Grid():
                for name, label in FIELDS:
                    value = getattr(ship_to.address if name in ADDRESS_FIELDS else ship_to, name)
                    yield Label(label)
                    yield Input(value, id=f"addr-{name}", compact=True, max_length=200)
            yield Note("", id="address-problem")
            with Horizontal():
                yield Button("Save address  ctrl+s", variant="primary", id="address-save", compact=True)
                yield Button("Back  esc", id="address-back", compact=True)

        yield KeyFooter()

    def ship_to(self) -> ShipTo:
        values = {name: self.query_one(f"#addr-{name}", Input).value.strip() for name, _ in FIELDS}
        values["country_code"] = values["country_code"].upper()  # ISO codes are upper case: "de" is DE
        address = Address(**{k: v for k, v in values.items() if k in ADDRESS_FIELDS})
        return ShipTo(**{k: v for k, v in values.items() if k not in ADDRESS_FIELDS}, address=address)

    def on_input_changed(self) -> None:
        self.query_one("#address-problem", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "address-save":
            self.action_save()
        else:
            self.action_back()

    def action_save(self) -> None:
        new = self.ship_to()
        problems = workflow.address_change_problems(self.order, new)
        if problems:
            self.query_one("#address-problem", Static).update(Text("; ".join(problems)))
            return
        self.dismiss(new)

    def action_back(self) -> None:
        self.dismiss(None)
