"""Snapshots of the small modals not covered elsewhere: the quit confirmation and the
tracking CSV import (with its report). Same determinism as the other snapshot files."""

from __future__ import annotations

from test_tui_snapshots_fulfillment import _app, _open

from dropship_tui.tui.modals.confirm import ConfirmModal
from dropship_tui.tui.modals.tracking_import import TrackingImportModal


def test_quit_confirmation(snap_compare, tmp_path):
    question = "Quit and lose the packing slips of PO 82 you have not saved?"
    assert snap_compare(_app(tmp_path), terminal_size=(120, 36), run_before=_open(lambda: ConfirmModal(question)))


def test_tracking_import_report(snap_compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative path on screen: the shot must not show tmp_path
    csv = tmp_path / "tracking.csv"
    csv.write_text(
        "po,package_number,tracking_number\n82,1,1Z999AA10123456784\n82,2,[bold]NOPE[/bold]\n",
        encoding="utf-8",
    )
    keys = (*"tracking.csv", "enter")
    assert snap_compare(
        _app(tmp_path, "slips"), terminal_size=(120, 36), run_before=_open(TrackingImportModal, *keys)
    )
