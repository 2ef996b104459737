"""Full garbage collections wait for a pause in the typing (``tui.idle_gc``): while the
app runs no automatic full collection can land inside a key, one runs once the user
stops, a long burst of keys still gets one, and the process's settings come back when the
app exits (the real app through Pilot)."""

from __future__ import annotations

import gc
import time

import pytest

from tui_support import make_app, settle

from dropship_tui.tui import idle_gc

pytestmark = pytest.mark.anyio


async def test_full_collections_run_between_keys_not_during_them(tmp_path, monkeypatch):
    before = gc.get_threshold()
    full: list[float] = []

    def record(phase, info):
        if phase == "start" and info["generation"] == 2:
            full.append(time.monotonic())

    app = make_app(tmp_path)
    gc.callbacks.append(record)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert gc.get_threshold()[:2] == before[:2]
            assert gc.get_threshold()[2] > 10**8  # no automatic full collection
            # typing: a key every 0.1 s never leaves IDLE free, so no collection runs
            # even with plenty survived (forced past SURVIVED)
            full.clear()
            for _ in range(12):
                for _ in range(idle_gc.SURVIVED + 1):
                    gc.collect(1)
                await pilot.press("down")
                await pilot.pause(0.1)
            assert full == []
            # a pause: one full collection within a tick or two
            await pilot.pause(idle_gc.IDLE + 2 * idle_gc.CHECK_EVERY)
            assert len(full) == 1
            # nothing new survived since: idle ticks collect nothing more
            await pilot.pause(2 * idle_gc.CHECK_EVERY)
            assert len(full) == 1
            # a burst longer than FORCE_AFTER still gets one
            monkeypatch.setattr(idle_gc, "FORCE_AFTER", 0.6)
            full.clear()
            for _ in range(12):
                await pilot.press("down")
                await pilot.pause(0.1)
            assert len(full) >= 1
    finally:
        gc.callbacks.remove(record)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
