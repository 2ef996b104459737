"""Step 2's tracking numbers: one row per saved packing slip (the number, a carrier when
it is not recognised, and what the number would do), checked as it is typed."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from dropship_tui.domain import workflow
from dropship_tui.domain.models import Order, PackingSlip
from dropship_tui.domain.words import local_time, terminal_text, units
from dropship_tui.tui.widgets.key_order import InOrderInput


class TrackingInput(InOrderInput):
    """A slip's tracking number: enter (a scanner's last key) saves it (``on_save``,
    called right there, in typing order)."""

    BINDINGS = [
        Binding("enter", "save_tracking", "Save tracking", show=False, id="ship.save_tracking",
                tooltip="Save the tracking number of this slip"),
    ]

    def __init__(self, slip_number: int, value: str, on_save: Callable[[int], None]) -> None:
        super().__init__(
            value,
            placeholder="Scan or type the tracking number",
            id=f"track-{slip_number}",
            classes="t-number",
            compact=True,
            max_length=40,
        )
        self.slip_number = slip_number
        self.on_save = on_save

    def action_save_tracking(self) -> None:
        self.on_save(self.slip_number)


def tracking_row(slip: PackingSlip, slips: int, number: str, carrier: str, on_save: Callable[[int], None]) -> Vertical:
    """The row of ``slip`` (of ``slips``): ``#track-N``, ``#carrier-N`` and the state
    line ``#track-state-N``, prefilled with what was typed (``number``, ``carrier``)."""
    return Vertical(
        Horizontal(
            Static(Text(f"Slip {slip.number} of {slips} · {units(slip.units)}"), classes="t-slip"),
            TrackingInput(slip.number, number, on_save),
            InOrderInput(
                carrier,
                placeholder="Carrier (if not recognised)",
                id=f"carrier-{slip.number}",
                classes="t-carrier",
                compact=True,
                max_length=40,
            ),
            classes="track-inputs",
        ),
        Static("", id=f"track-state-{slip.number}", classes="t-state"),
        classes="track-row",
    )


def tracking_state(order: Order, slip: PackingSlip, raw: str, carrier: str) -> Text:
    """What the typed number would do: nothing typed, why it cannot be saved, saved
    already, or ready to save."""
    if not raw.strip():
        return Text("scan or type it, then enter", style="dim")
    check = workflow.tracking_problem(order, slip.number, raw, carrier or None)
    if isinstance(check, str):
        return Text(f"✗ {check}", style="bold red")
    if workflow.tracking_unchanged(order, slip.number, raw, carrier or None):
        text = Text(f"✓ saved: {terminal_text(slip.carrier) or 'carrier?'} ", style="green")
        text.append(f"· {local_time(slip.tracked_at, missing='—')}", style="dim")
        return text
    who = carrier.strip() or check.carrier or "?"
    return Text(f"{terminal_text(who)} number ✓ — press enter to save", style="yellow")


def invoice_note(order: Order) -> Text:
    """Whether the invoice can be generated yet, and why not (once it exists: that the
    tracking numbers stay editable until Done)."""
    if order.invoice is not None:
        return Text(
            f"Invoice {terminal_text(order.invoice.invoice_number)} is generated: the tracking numbers can "
            "still change until Done; ctrl+g opens the invoice",
            style="green",
        )
    problem = workflow.invoice_problem(order)
    if problem:
        return Text(f"Invoice: {problem}", style="dim")
    return Text("Every slip is tracked: ctrl+g generates the invoice", style="bold green")
