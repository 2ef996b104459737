"""Step 2's tracking numbers (R7): a row per saved packing slip, checked as typed with
``tracking_problem`` and saved one slip at a time with enter (a scanner ends with enter).
Editable until the order is completed, so also once the invoice exists.

``SlipTracking`` is a part of ``PrepareShipmentsScreen`` (its host): it reads the host's
``order`` and ``typed_tracking`` and writes through the host's ``call_store``.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from dropship_tui.domain import workflow
from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.models import Order
from dropship_tui.tui.widgets.note import error_text
from dropship_tui.tui.widgets.tracking_rows import TrackingInput, invoice_note, tracking_row, tracking_state


def no_slips_hint() -> Static:
    """What the tracking section says before the slips are saved."""
    return Static(Text("Save the packing slips first; then each slip gets its tracking number.", style="dim"),
                  classes="hint no-slips")


class SlipTracking:
    """Mixin for the prepare-shipments screen (put it first in the bases)."""

    order: Order | None
    typed_tracking: dict[int, tuple[str, str]]

    async def build_tracking(self) -> None:
        section = self.query_one("#tracking-section", Vertical)
        order = self.order
        if order is None or not order.slips:
            if not section.query(".no-slips"):  # composed with it: no remount as it opens
                await section.remove_children()
                await section.mount(no_slips_hint())
            self.refresh_invoice_note()
            return
        await section.remove_children()
        rows = []
        for slip in order.slips:
            number, carrier = self.typed_tracking.get(slip.number) or (slip.tracking_number or "", "")
            rows.append(tracking_row(slip, len(order.slips), number, carrier, self.save_tracking))
        await section.mount_all(rows)
        for slip in order.slips:
            self.refresh_tracking(slip.number)
        self.refresh_invoice_note()

    def _tracking_fields(self, number: int) -> tuple[TrackingInput, Input, Static] | None:
        try:
            return (
                self.query_one(f"#track-{number}", TrackingInput),
                self.query_one(f"#carrier-{number}", Input),
                self.query_one(f"#track-state-{number}", Static),
            )
        except Exception:
            return None

    def refresh_tracking(self, number: int) -> None:
        order = self.order
        fields = self._tracking_fields(number)
        if order is None or fields is None:
            return
        field, carrier_field, state = fields
        raw, carrier = field.value, carrier_field.value
        self.typed_tracking[number] = (raw, carrier)
        try:
            slip = order.slip(number)
        except KeyError:
            return
        state.update(tracking_state(order, slip, raw, carrier))

    def save_tracking(self, number: int) -> None:
        order = self.order
        fields = self._tracking_fields(number)
        if order is None or fields is None:
            return
        field, carrier_field, state = fields
        raw, carrier = field.value, carrier_field.value.strip() or None
        check = workflow.tracking_problem(order, number, raw, carrier)
        if isinstance(check, str):
            state.update(Text(f"✗ {check}", style="bold red"))
            field.select_all()  # the next scan replaces the refused number, never appends to it
            return
        state.update(Text("saving…", style="dim"))

        def failed(error: DomainError) -> None:
            state.update(error_text(error))
            field.select_all()

        self.call_store(
            lambda store: store.save_tracking(order.po_number, order.version, number, raw, carrier),
            lambda new: self._tracking_saved(new, number),
            failed,
            write=True,
        )

    def _tracking_saved(self, order: Order, number: int) -> None:
        self.order = order
        slip = order.slip(number)
        self.typed_tracking.pop(number, None)
        # no toast: the slip's own line says "✓ saved" (a toast would cover the next rows)
        self.clear_status()
        for other in order.slips:
            self.refresh_tracking(other.number)
        self.refresh_invoice_note()
        self.refresh_plan()
        untracked = [s for s in order.slips if not s.tracking_number]
        if untracked:
            later = [s for s in untracked if s.number > number] or untracked
            self.query_one(f"#track-{later[0].number}", TrackingInput).focus()
        else:
            self.query_one("#generate-invoice", Button).focus()

    def refresh_invoice_note(self) -> None:
        order = self.order
        if order is None:
            return
        self.query_one("#invoice-note", Static).update(invoice_note(order))
