"""The tracking CSV import from the dashboard (ctrl+t): a report of applied, unchanged and
refused rows in the modal; a missing file is told at the field and changes nothing."""

from __future__ import annotations

import factories
import pytest
from tui_support import make_app, screen_text, settle

from dropship_tui.tui.screens.dashboard import DashboardScreen
from dropship_tui.tui.modals.tracking_import import TrackingImportModal

pytestmark = pytest.mark.anyio

UPS_1 = "1Z999AA10123456784"
UPS_2 = "1Z5R89390357567127"


def packed_app(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    store.acknowledge(82, None, {1: 5}, {})
    store.save_slips(82, None, [{1: 3}, {1: 2}])
    return app


async def type_path(pilot, path: str) -> None:
    await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TrackingImportModal)
    pilot.app.screen.query_one("#import-path").value = path
    await pilot.press("enter")
    await settle(pilot)


async def test_import_reports_applied_and_refused_rows(tmp_path):
    csv_file = tmp_path / "tracking.csv"
    csv_file.write_text(
        "po,package_number,tracking_number\n"
        f"82,1,{UPS_1}\n"
        "82,2,[bold]NOPE[/bold]\n",
        encoding="utf-8",
    )
    app = packed_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_path(pilot, str(csv_file))
        modal = app.screen
        assert isinstance(modal, TrackingImportModal)
        report = modal.report
        assert report is not None
        assert (report.applied, report.unchanged, report.refused) == (1, 0, 1)
        text = screen_text(app)
        assert "1 applied" in text and "0 unchanged" in text and "1 refused" in text
        refused = [r for r in report.rows if r.status == "refused"]
        assert [r.line for r in refused] == [3]
        # the reason, user data shown literally (never read as markup)
        assert "line 3 (PO 82, package 2): [BOLD]NOPE[/BOLD]: not a recognised" in text
        order = app.store.get_order(82)
        assert order.slip(1).tracking_number == UPS_1
        assert not order.slip(2).tracking_number
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_missing_file_is_told_at_the_field(tmp_path):
    app = packed_app(tmp_path)
    before = app.store.get_order(82)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_path(pilot, str(tmp_path / "nowhere.csv"))
        assert isinstance(app.screen, TrackingImportModal)
        assert "No such file" in screen_text(app)
        assert app.screen.report is None
    after = app.store.get_order(82)
    assert after.version == before.version
    assert [s.tracking_number for s in after.slips] == [s.tracking_number for s in before.slips]
