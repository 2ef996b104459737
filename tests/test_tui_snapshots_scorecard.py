"""Snapshots of the vendor scorecard: every vendor side by side (one with a code that
looks like markup, two without orders) at 120×36 and 80×24, and one vendor's card at
80×24, on ``test_scorecard``'s hand-built store. Deterministic as the dashboard's (fixed
data, clock and time zone). Update after an intended change with ``--snapshot-update`` on
this file and look at the SVGs."""

from __future__ import annotations

import pytest

from test_tui_scorecard import HOSTILE, scorecard_store
from tui_support import make_app, settle


async def _open(pilot) -> None:
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_scorecard_side_by_side(snap_compare, tmp_path, size):
    app = make_app(tmp_path, store=scorecard_store(tmp_path / "store.db", "OTHER", HOSTILE))
    assert snap_compare(app, terminal_size=size, run_before=_open)


def test_scorecard_one_vendor_80x24(snap_compare, tmp_path):
    app = make_app(tmp_path, store=scorecard_store(tmp_path / "store.db"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open)
