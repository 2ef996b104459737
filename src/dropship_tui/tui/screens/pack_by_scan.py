"""Step 2's packing by scan: each scan of a line's UPC, vendor SKU or SKU puts one unit
into the current package ("Packing slip 2 of 3 ▸"); ctrl+n moves to the next package
(after the last one it adds a package). The first scan empties the prefilled packages —
the packer fills them as the units go in. A code not on the order, or a unit beyond the
line's accepted quantity (across every package), beeps and changes nothing.

``PackByScan`` is a part of ``PrepareShipmentsScreen`` (its host): it reads and changes the
host's grid state (``cells``, ``count``, ``plan()``, ``lines()``, ``seed()``,
``build_grid()``, ``refresh_plan()``) and keeps ``packing`` and ``package``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Input, Static

from dropship_tui.domain import scan
from dropship_tui.domain.models import MAX_SLIPS
from dropship_tui.domain.words import terminal_text
from dropship_tui.tui.keymap import key_of
from dropship_tui.tui.widgets.note import Note
from dropship_tui.tui.widgets.line_grid import GridHead
from dropship_tui.tui.widgets.qty_input import QtyInput
from dropship_tui.tui.widgets.scan_field import ScanField


class PackByScan:
    """Mixin for the prepare-shipments screen (put it first in the bases)."""

    packing: bool = False
    """True from the first scan: the packages are filled one scanned unit at a time."""
    package: int = 1
    """The package (packing slip) the next scan goes into."""
    scan_wanted: bool = False
    """The user went to the scan field (a reload leaves the focus there)."""

    cells: dict[tuple[int, int], str]
    count: int
    confirm_drop: bool
    built: bool
    order: Any
    grid: Any

    def resize(self, count: int) -> None:
        """Packing by scan: keep what is packed; new packages start empty."""
        self.count = count
        self.cells = {
            (line.line_id, n): self.cells.get((line.line_id, n), "0")
            for line in self.lines()
            for n in range(1, count + 1)
        }
        self.package = min(self.package, count)

    @property
    def showing_package(self) -> bool:
        """Packing by scan, or a package chosen with ctrl+n: show which one is current."""
        return self.packing or self.package > 1

    def package_text(self) -> Text:
        if not self.showing_package:
            return Text(f"{key_of(self.app, 'ship.scan')}: scan to pack (starts empty)", style="dim")
        text = Text(f"Packing slip {self.package} of {self.count} ▸", style="bold cyan")
        text.append(f"  {key_of(self.app, 'ship.next_package')} next package", style="dim")
        return text

    def show_package(self) -> None:
        self.query_one("#scan-mode", Static).update(self.package_text())
        head = self.query_one("#grid-head", GridHead)
        head.looks = {f"slip{self.package}": "current"} if self.showing_package else {}
        head.refresh()

    def action_focus_scan(self) -> None:
        self.scan_wanted = True
        # At once (a priority binding, focus set now rather than later): a scan that
        # follows the key straight away lands in the field.
        self.set_focus(self.query_one("#ship-scan", ScanField))

    async def action_next_package(self) -> None:
        if self.order is None:
            return
        note = self.query_one("#scan-note", Note)
        if self.package < self.count:
            self.package += 1
        elif self.count < MAX_SLIPS:
            count = self.count + 1
            if self.packing:
                self.resize(count)
            else:
                self.seed(count)
            self.package = count
            field = self.query_one("#slip-count", QtyInput)
            with field.prevent(Input.Changed):
                field.value = str(count)
            self.query_one("#count-note", Static).update("")
            self.confirm_drop = False
            await self.build_grid()
        else:
            self.app.bell()
            note.update(Text(f"✗ {MAX_SLIPS} packing slips at most", style="bold red"))
            return
        note.update("")
        self.show_package()

    def scanned(self, code: str) -> None:
        """One scan (the scan field calls this in typing order)."""
        self.scan_wanted = True
        order = self.order
        note = self.query_one("#scan-note", Note)
        if order is None or not self.built:
            self.app.bell()
            note.update(Text("✗ the order is still loading", style="bold red"))
            return
        plan = self.plan() if self.packing else []
        packed = {line.line_id: sum(slip.get(line.line_id, 0) for slip in plan) for line in self.lines()}
        limits = {line.line_id: line.quantity_accepted or 0 for line in self.lines()}
        problem = scan.scan_problem(order, code, packed, limits, limit_name="accepted", done="packed")
        line = scan.scan_line(order, code, packed, limits)
        if problem or line is None:
            self.app.bell()
            note.update(Text(f"✗ {problem}", style="bold red"))
            return
        if not self.packing:
            self.packing = True
            self.cells = {key: "0" for key in self.cells}
        key = (line.line_id, self.package)
        raw = self.cells.get(key, "0")
        self.cells[key] = str((int(raw) if raw.isdigit() else 0) + 1)
        cell = self.grid.field  # the one field of the grid; the other cells are drawn
        if cell is not None:
            value = self.cells.get(self.cell_of(cell), "0")
            if cell.value != value:
                with cell.prevent(Input.Changed):
                    cell.value = value
        self.confirm_drop = False
        self.clear_status()
        self.grid.redraw()
        self.refresh_plan()
        self.show_package()
        in_package = int(self.cells[key])
        note.update(
            Text(
                f"✓ {terminal_text(line.sku)} ×{in_package} in slip {self.package} "
                f"({packed.get(line.line_id, 0) + 1} of {limits[line.line_id]} packed)",
                style="green",
            )
        )

