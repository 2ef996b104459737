"""Issue 15 review, item 2: in a served session (SSH or web) a path typed into the app is
taken inside the user's documents folder; anything resolving outside it (absolute, ``..``,
a symbolic link out) gets one message, whether or not the file exists, and nothing is
read. Every CSV import refuses a file over 50 MB before reading it all."""

from __future__ import annotations

import factories
import pytest
from tui_support import make_app, screen_text, settle

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.services import csv_reading, served_files
from dropship_tui.tui.modals.tracking_import import TrackingImportModal

UPS_1 = "1Z999AA10123456784"
OUTSIDE_WORDS = "only files in your documents folder can be read"


@pytest.fixture
def served(tmp_path, monkeypatch):
    docs = tmp_path / "documents" / "ann"
    docs.mkdir(parents=True)
    monkeypatch.setenv(served_files.SERVED_ENV, "1")
    monkeypatch.setenv("DROPSHIP_TUI_DOCUMENTS", str(docs))
    return docs


def packed_app(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    app.store.acknowledge(82, None, {1: 5}, {})
    app.store.save_slips(82, None, [{1: 3}, {1: 2}])
    return app


async def submit(pilot, path: str) -> str:
    pilot.app.screen.query_one("#import-path").value = path
    await pilot.press("enter")
    await settle(pilot)
    return screen_text(pilot.app)


@pytest.mark.anyio
async def test_a_served_session_reads_only_files_in_its_documents_folder(tmp_path, served):
    rows = f"po,package_number,tracking_number\n82,1,{UPS_1}\n"
    secret = tmp_path / "secret.csv"  # beside the folder, on the server's disk
    secret.write_text(rows, encoding="utf-8")
    (served / "link.csv").symlink_to(secret)
    (served / "tracking.csv").write_text(rows, encoding="utf-8")
    app = packed_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TrackingImportModal)
        for outside in (str(secret), "../../secret.csv", "link.csv", "/etc/passwd", "/nonexistent/x.csv"):
            text = await submit(pilot, outside)
            assert OUTSIDE_WORDS in text, outside
            problem = app.screen.query_one("#import-problem")
            assert str(problem.content) == served_files.OUTSIDE  # the same, exists or not
            assert "No such file" not in text and app.screen.report is None
        assert not app.store.get_order(82).slip(1).tracking_number
        text = await submit(pilot, "nowhere.csv")  # inside: its own folder may say so
        assert "No such file" in text
        await submit(pilot, "tracking.csv")
        assert app.screen.report is not None and app.screen.report.applied == 1
    assert app.store.get_order(82).slip(1).tracking_number == UPS_1


def test_typed_paths_outside_a_served_session_are_the_users_own(tmp_path, monkeypatch):
    monkeypatch.delenv(served_files.SERVED_ENV, raising=False)
    assert served_files.typed_path(str(tmp_path / "x.csv")) == tmp_path / "x.csv"
    monkeypatch.setenv(served_files.SERVED_ENV, "1")
    monkeypatch.setenv("DROPSHIP_TUI_DOCUMENTS", str(tmp_path))
    assert served_files.typed_path("a/b.csv") == (tmp_path / "a" / "b.csv").resolve()
    for bad in ("/etc/passwd", "..", "a/../../x", "x\0y"):
        with pytest.raises(InvalidInputError, match=OUTSIDE_WORDS):
            served_files.typed_path(bad)


def test_a_csv_over_50_mb_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:  # sparse: no 50 MB written to the disk
        fh.truncate(csv_reading.MAX_CSV_BYTES + 1)
    with pytest.raises(InvalidInputError, match="over 50 MB"):
        csv_reading.read_text(big)
    exact = tmp_path / "exact.csv"
    exact.write_bytes(b"po\n")
    assert csv_reading.read_text(exact) == "po\n"
