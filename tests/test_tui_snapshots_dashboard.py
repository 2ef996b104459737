"""Snapshots of the dashboard (120×36 and 80×24), its help screen and the empty store.

Deterministic: the store's and the app's clock is ``factories.NOW``, local time is UTC,
the sample data is fixed (``tui_support``), cursors do not blink headless, and the store
path is not shown. Update after an intended change with ``pytest --snapshot-update`` and
look at the SVGs in ``tests/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from tui_support import make_app, settle


async def _settled(pilot) -> None:
    await settle(pilot)


def test_dashboard_120x36(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 36), run_before=_settled)


def test_dashboard_80x24(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=(80, 24), run_before=_settled)


def test_dashboard_filtered_sorted_searching(snap_compare, tmp_path):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("2", "L", "L", "down", "slash", "o")
        await pilot.pause(0.3)
        await settle(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=(120, 36), run_before=run_before)


def test_help_screen(snap_compare, tmp_path):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), terminal_size=(120, 36), run_before=run_before)


def test_empty_store(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path, orders=[]), terminal_size=(120, 36), run_before=_settled)
