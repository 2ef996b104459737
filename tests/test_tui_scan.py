"""Keys as fast typists and barcode scanners send them, through the real app.

A scanner (or a terminal delivering a burst) hands the app many keys at once. Pilot's
``press`` waits for each key to be handled; ``burst`` posts them all before any is
handled, as the terminal driver does. Real SQLite store in ``tmp_path``.
"""

from __future__ import annotations

import factories
import pytest
from textual import events
from tui_support import make_app, screen_text, settle

from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen

pytestmark = pytest.mark.anyio



def burst(app, *keys: str) -> None:
    """Post every key to the app at once, as the terminal driver does for a burst."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def to_step_2(pilot) -> PrepareShipmentsScreen:
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PrepareShipmentsScreen)
    return pilot.app.screen


# --- the bug: backspace then a digit, typed quickly ------------------------------------


async def test_slip_count_backspace_then_digit_in_one_burst(tmp_path):
    """Default 1, backspace then 2 in one burst: the field shows 2 and no error (the
    backspace used to run after the 2, leaving an empty field saying 'must be from 1
    to 10' while the grid showed 2 slips)."""
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await to_step_2(pilot)
        burst(app, "backspace", "2")
        await settle(pilot)
        assert screen.query_one("#slip-count").value == "2"
        assert screen.count == 2
        text = screen_text(app)
        assert "Number of packing slips (1–10): 2" in text
        assert "must be from 1 to 10" not in text
        # And back: the cursor is after the 2 now.
        burst(app, "backspace", "3", "left", "backspace", "right")
        await settle(pilot)
        assert screen.query_one("#slip-count").value == "3"
        assert screen.count == 3


async def test_grid_cell_backspace_then_digit_in_one_burst(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await to_step_2(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("tab", "tab")  # slip 2's cell of the line
        await settle(pilot)
        assert app.focused.id == "line-editor" and (app.focused.row, app.focused.key) == (0, "slip2")
        burst(app, "backspace", "1", "backspace", "2")
        await settle(pilot)
        assert screen.query_one("#line-editor").value == "2"
        assert screen.cells[(1, 2)] == "2"


async def test_ack_quantity_backspace_then_digit_in_one_burst(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AcknowledgeScreen)
        burst(app, "backspace", "4")
        await settle(pilot)
        assert screen.fields[1] == "4"
        assert "SKU-123 4 of 5" in screen_text(app)


# --- scanning ------------------------------------------------------------------------------

UPC_1 = "000000000001"  # factories.line(1)'s UPC
UPC_2 = "000000000002"


def two_lines(po: int = 82):
    return factories.order(
        po=po,
        lines=[factories.line(1, qty=5, sku="SKU-123"), factories.line(2, qty=3, sku="SKU-456")],
    )


def other_order():
    return factories.order(po=1043, lines=[factories.line(1, qty=2, sku="SKU-1043")])


def count_bells(app) -> list[int]:
    """Observe the app's bell: the returned list grows by one per ring."""
    rings: list[int] = []
    app.bell = lambda: rings.append(1)
    return rings


def scan(app, code: str) -> None:
    """One scan as a scanner sends it: every character and enter, in one burst."""
    burst(app, *code, "enter")


async def open_ack(pilot) -> AcknowledgeScreen:
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AcknowledgeScreen)
    return pilot.app.screen


def drawn(screen) -> dict[str, str]:
    """Step 2's grid as drawn: cell-LINE-SLIP -> the number in it (the cursor's cell is
    the editor, the other cells are drawn by the grid)."""
    grid, shown = screen.grid, {}
    for row, line in enumerate(screen.lines()):
        for n in range(1, screen.count + 1):
            ident = f"cell-{line.line_id}-{n}"
            field = grid.field if grid.field is not None and grid.field.id == ident else None
            shown[ident] = field.value if field is not None else screen.cell(row, f"slip{n}")[0].plain
    return shown


def values(screen, prefix: str) -> dict[str, str]:
    return {w.id: w.value for w in screen.query(f"[id^={prefix}]") if hasattr(w, "value")}


async def test_ack_scans_count_from_zero(tmp_path):
    app = make_app(tmp_path, orders=[two_lines()])
    rings = count_bells(app)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_ack(pilot)
        assert "f2: scan to count from 0" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert app.focused.id == "ack-scan"
        # Pilot's own pace: one scan of SKU-123's UPC -> counting starts at 0 for every line.
        await pilot.press(*list(UPC_1), "enter")
        await settle(pilot)
        assert screen.fields[1] == "1"
        assert screen.fields[2] == "0"
        text = screen_text(app)
        assert "● counting: each scan adds 1" in text
        assert "✓ SKU-123: 1 of 5" in text
        # A scanner's pace: scans back to back, before any is handled; any code form, any case.
        scan(app, UPC_1)
        scan(app, "v-sku-123")
        scan(app, " sku-123 ")
        scan(app, "SKU-456")
        await settle(pilot)
        assert screen.fields[1] == "4"
        assert screen.fields[2] == "1"
        assert app.focused.id == "ack-scan" and app.focused.value == ""
        assert rings == []
        text = screen_text(app)
        assert "1 unit short" in text and "2 units short" in text
        assert "SKU-123 4 of 5" in text and "SKU-456 1 of 3" in text
        # Acknowledge with the counted quantities -> the reason modal asks for the short lines.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReasonModal"


async def test_ack_wrong_scans_ring_and_change_nothing(tmp_path):
    app = make_app(tmp_path, orders=[two_lines(), other_order()])
    rings = count_bells(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = AcknowledgeScreen(82)
        app.push_screen(screen)
        await settle(pilot)
        await pilot.press("f2")
        # Before any good scan: a wrong one keeps the prefilled quantities (no counting yet).
        scan(app, "SKU-1043")
        await settle(pilot)
        assert len(rings) == 1
        assert "✗ SKU-1043 is not on PO 82" in screen_text(app)
        assert (screen.fields[1], screen.fields[2]) == ("5", "3")
        assert not screen.counting
        # Counting: SKU-456 has 3 ordered; a 4th scan rings and changes nothing.
        for _ in range(3):
            scan(app, UPC_2)
        await settle(pilot)
        assert (screen.fields[1], screen.fields[2]) == ("0", "3")
        scan(app, UPC_2)
        await settle(pilot)
        assert len(rings) == 2
        assert (screen.fields[1], screen.fields[2]) == ("0", "3")
        assert "✗ SKU-456: all 3 units ordered are counted already" in screen_text(app)
        # Unknown code, then the other order's UPC-free SKU: each rings once, nothing moves.
        scan(app, "nope")
        scan(app, "sku-1043")
        await settle(pilot)
        assert len(rings) == 4
        assert (screen.fields[1], screen.fields[2]) == ("0", "3")
        assert "✗ sku-1043 is not on PO 82" in screen_text(app)
        # A good scan after the bad ones still counts (the field was cleared each time).
        scan(app, UPC_1)
        await settle(pilot)
        assert screen.fields[1] == "1"
        assert app.focused.id == "ack-scan" and app.focused.value == ""
        assert app.store.get_order(82).stage.value == "new"


async def test_ship_scans_fill_the_current_package_and_ctrl_n_moves_on(tmp_path):
    app = make_app(tmp_path, orders=[two_lines()])
    rings = count_bells(app)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await to_step_2(pilot)
        assert "f2: scan to pack" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert app.focused.id == "ship-scan"
        # The first scan empties the prefilled package; 3 + 1 into slip 1.
        await pilot.press(*list(UPC_1), "enter")
        scan(app, UPC_1)
        scan(app, "SKU-123")
        scan(app, "v-sku-456")
        await settle(pilot)
        assert screen.cells == {(1, 1): "3", (2, 1): "1"}
        text = screen_text(app)
        assert "Packing slip 1 of 1 ▸" in text
        assert "Packing slip 1: 4 units" in text
        # ctrl+n after the last package adds one; scans go there.
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.count == 2 and screen.query_one("#slip-count").value == "2"
        assert "Packing slip 2 of 2 ▸" in screen_text(app)
        assert app.focused.id == "ship-scan"
        scan(app, UPC_1)
        scan(app, UPC_1)
        scan(app, UPC_2)
        scan(app, UPC_2)
        await settle(pilot)
        assert screen.cells == {(1, 1): "3", (2, 1): "1", (1, 2): "2", (2, 2): "2"}
        assert drawn(screen) == {"cell-1-1": "3", "cell-2-1": "1", "cell-1-2": "2", "cell-2-2": "2"}
        assert rings == []
        text = screen_text(app)
        assert "Packing slip 2: 4 units" in text and "5 of 5 ✓" in text and "3 of 3 ✓" in text
        # Save: the scanned packages are stored.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [s.lines for s in app.store.get_order(82).slips] == [{1: 3, 2: 1}, {1: 2, 2: 2}]


async def test_ship_wrong_scans_ring_and_change_nothing(tmp_path):
    app = make_app(tmp_path, orders=[two_lines(), other_order()])
    rings = count_bells(app)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await to_step_2(pilot)
        await pilot.press("f2")
        await settle(pilot)
        prefilled = dict(screen.cells)
        scan(app, "SKU-1043")
        await settle(pilot)
        assert len(rings) == 1 and screen.cells == prefilled and not screen.packing
        assert "✗ SKU-1043 is not on PO 82" in screen_text(app)
        # Beyond what was accepted, across both packages: SKU-456 has 3.
        scan(app, UPC_2)
        scan(app, UPC_2)
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        scan(app, UPC_2)
        await settle(pilot)
        before = dict(screen.cells)
        assert before[(2, 1)] == "2" and before[(2, 2)] == "1"
        scan(app, UPC_2)
        scan(app, "unknown-code")
        await settle(pilot)
        assert len(rings) == 3
        assert screen.cells == before
        assert drawn(screen) == {
            "cell-1-1": "0", "cell-2-1": "2", "cell-1-2": "0", "cell-2-2": "1",
        }
        assert "✗ unknown-code is not on PO 82" in screen_text(app)
        scan(app, UPC_2)
        await settle(pilot)
        assert "✗ SKU-456: all 3 units accepted are packed already" in screen_text(app)
        assert len(rings) == 4
        assert app.focused.id == "ship-scan" and app.focused.value == ""
        assert app.store.get_order(82).slips == ()


async def test_scan_key_and_scans_in_one_burst(tmp_path):
    """f2 (or ctrl+n) straight followed by scans: every scan lands in the scan field, in
    the package chosen just before (the keys act in order, not after bubbling)."""
    app = make_app(tmp_path, orders=[two_lines()])
    rings = count_bells(app)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await to_step_2(pilot)
        assert app.focused.id == "slip-count"
        burst(app, "f2", *UPC_1, "enter", "ctrl+n", *UPC_2, "enter", "ctrl+b", *UPC_2, "enter")
        await settle(pilot)
        assert screen.query_one("#slip-count").value == "2"
        assert screen.cells == {(1, 1): "1", (2, 1): "0", (1, 2): "0", (2, 2): "2"}
        assert rings == []
        assert app.focused.id == "ship-scan"
