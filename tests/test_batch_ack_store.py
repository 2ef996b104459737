"""Batch acknowledgement in the store after the issue 16 item 5 speed work: what got
faster must still say the same. Real SQLite files; two stores on one file stand for two
processes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from dropship_tui.domain.fields import checked_code
from dropship_tui.domain.models import SlaThresholds, Stage, Vendor
from dropship_tui.store.sqlite import SqliteStore
from dropship_tui.store.sqlite.rows import sla_columns
from dropship_tui.store.sqlite.verify import verify_file

from factories import NOW, location, order, vendor

SAMPLES = ["北", "Ω", "\x85", "\xa0", "\u2028", "\ufeff", "\U0001F600", "\ud800"]


def test_a_code_refuses_exactly_the_c0_controls_and_del():
    """The one regex search does what the per-character loop did: C0 and DEL refused,
    every other character (C1 controls, line separators, surrogates...) kept."""
    for c in [chr(n) for n in range(0x800)] + SAMPLES:
        control = ord(c) < 32 or ord(c) == 127
        if control:
            with pytest.raises(ValueError, match="must not contain control characters"):
                checked_code(f"A{c}B")
        else:
            assert checked_code(f"A{c}B") == f"A{c}B"
    assert checked_code("[bold]Ann[/] [0] <b>&amp;") == "[bold]Ann[/] [0] <b>&amp;"
    with pytest.raises(ValidationError, match="must not contain control characters"):
        Vendor.model_validate({**vendor().model_dump(), "code": "MY\x1fSTIC"})


@pytest.fixture
def two(tmp_path):
    """Two stores on one file (as two processes would have it), five New orders."""
    path = tmp_path / "two.db"
    a = SqliteStore(path, user="ann", clock=lambda: NOW)
    a.add_vendor(vendor())
    a.add_location(location())
    a.import_orders([order(po, hours_old=po) for po in range(1, 6)])
    b = SqliteStore(path, user="bob", clock=lambda: NOW)
    yield a, b
    a.close()
    b.close()


def marks(store: SqliteStore, po: int) -> tuple[int, int]:
    with store.lock:
        return store.connection.execute(
            "SELECT sla_at_risk_at, sla_overdue_at FROM orders WHERE po_number = ?", (po,)
        ).fetchone()


def expected(store: SqliteStore, po: int, thresholds: SlaThresholds) -> tuple[int, int]:
    now = store.get_order(po)
    return sla_columns(now, store.policy_for_location(now.location_code), thresholds)[:2]


def test_each_transaction_of_a_batch_uses_the_thresholds_another_process_just_set(two):
    a, b = two
    assert a.acknowledge_all([1]).succeeded == [1]
    tight = SlaThresholds(at_risk=Decimal("0.5"), overdue=Decimal("0.9"))
    b.set_sla_thresholds(tight)
    assert a.acknowledge_all([2]).succeeded == [2]
    assert a.thresholds == tight and marks(a, 2) == expected(a, 2, tight) != expected(a, 2, SlaThresholds())
    b.set_sla_thresholds(SlaThresholds())  # and back: the first text seen again
    assert a.acknowledge_all([3]).succeeded == [3]
    assert a.thresholds == SlaThresholds() and marks(a, 3) == expected(a, 3, SlaThresholds())


def test_a_batch_with_refusals_leaves_a_store_that_verifies(two):
    a, b = two
    b.acknowledge(4, None, {}, {})  # someone else was first
    result = a.acknowledge_all([1, 4, 999, 2, 2, 5])
    assert result.succeeded == [1, 2, 5]
    assert set(result.failed) == {4, 999, 2}  # the second 2: already acknowledged by the first
    assert "already acknowledged" in result.failed[4] and "999" in result.failed[999]
    for po in (1, 2, 5):
        entries = a.activity(po)
        assert a.get_order(po).stage is Stage.IN_PROGRESS
        assert [e.action for e in entries].count("Order acknowledged") == 1 and entries[0].user == "ann"
    assert [e.user for e in a.activity(4) if e.action == "Order acknowledged"] == ["bob"]
    assert a.get_order(3).stage is Stage.NEW
    report = verify_file(a.path)
    assert report.ok, (report.store_problems, report.order_problems)
