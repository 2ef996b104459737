"""R16 package status: derived pending/shipped, reported statuses with their time (also
after completion), a new tracking number resets to shipped, ``package`` on the command
line (exit 2 for an unknown status or time) and ``package --import`` (idempotent),
``show --json`` slips[].status, the store's exception count."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from dropship_tui.domain import workflow
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.store.sqlite.store import SqliteStore
from tests import factories as f
from tests.test_cli import UPS_1, UPS_2, Cli, order_doc

AT = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


def shipped():
    order = workflow.acknowledge(f.order(), {}, {}, f.ctx()).order
    order = workflow.save_slips(order, [{1: 5}], f.ctx()).order
    return order


def test_status_follows_the_slip_then_what_is_reported():
    order = shipped()
    assert workflow.package_status(order.slip(1)) == (PackageStatus.PENDING, None)
    assert "still pending" in workflow.package_problem(order, 1, PackageStatus.DELIVERED, AT)
    order = workflow.save_tracking(order, 1, UPS_1, f.ctx()).order
    assert workflow.package_status(order.slip(1))[0] is PackageStatus.SHIPPED
    change = workflow.set_package_status(order, 1, PackageStatus.EXCEPTION, AT, f.ctx(), note="<b>&amp;", source="cli")
    assert workflow.package_status(change.order.slip(1)) == (PackageStatus.EXCEPTION, AT)
    assert change.activity[0].details == f"Slip 1 ({UPS_1}): Shipped → Exception at 2026-11-25 10:00 UTC (cli) — <b>&amp;"
    # a new tracking number is a new package: shipped again
    again = workflow.save_tracking(change.order, 1, UPS_2, f.ctx()).order
    assert workflow.package_status(again.slip(1))[0] is PackageStatus.SHIPPED


def test_parse_status_words():
    assert workflow.parse_status("In-Transit") is PackageStatus.IN_TRANSIT
    assert workflow.parse_status("shipped") is None and workflow.parse_status("lost") is None


def test_store_counts_exceptions_and_status_changes_after_completion(tmp_path: Path):
    store = SqliteStore(tmp_path / "s.db", clock=lambda: f.NOW)
    store.add_vendor(f.vendor())
    store.add_location(f.location())
    store.import_orders([f.order(82), f.order(83)])
    for po, number in ((82, UPS_1), (83, UPS_2)):
        store.acknowledge(po, None, {}, {})
        store.save_slips(po, None, [{1: 5}])
        store.save_tracking(po, None, 1, number)
    assert store.find_tracking(UPS_2) == (83, 1) and store.find_tracking("nope") is None
    store.set_package_status(82, None, 1, PackageStatus.EXCEPTION, AT)
    assert store.package_exceptions() == [82] and store.package_exceptions("OTHER") == []
    store.generate_invoice(82, None)
    store.complete(82, None)
    store.set_package_status(82, None, 1, PackageStatus.DELIVERED, AT)
    assert store.package_exceptions() == []
    assert [e.action for e in store.activity(82)].count("Package status") == 2
    store.close()


def test_cli_package_and_import(tmp_path: Path):
    cli = Cli(tmp_path)
    cli.import_(order_doc(82))
    cli.ok("ack", "82")
    cli.ok("slips", "82", "--count", "2")
    assert "still pending" in cli.refused("package", "82", "1", "--status", "delivered")
    cli.ok("track", "82", "1", UPS_1)
    cli.ok("track", "82", "2", UPS_2)
    assert "unknown status" in cli.refused("package", "82", "1", "--status", "lost", code=2)
    assert "--at" in cli.refused("package", "82", "1", "--status", "delivered", "--at", "1999-01-01", code=2)
    out = cli.ok("package", "82", "1", "--status", "in-transit", "--at", "2026-11-25T10:00Z", "--note", "[bold]x[/]")
    assert "slip 1" in out and "in transit" in out
    slips = cli.json("show", "82")["slips"]
    assert [s["status"] for s in slips] == ["in_transit", "shipped"]
    assert slips[0]["status_at"] == "2026-11-25T10:00:00+00:00"
    events = cli.write("events.csv", f"tracking_number,status,time\n{UPS_1},delivered,2026-11-26 09:00\n{UPS_2},exception,2026-11-26T08:00Z\nZZZ,delivered,2026-11-26\n")
    first = cli.run("package", "--import", events)
    assert first.returncode == 1 and "2 applied, 0 unchanged, 1 refused" in first.stdout
    again = cli.run("package", "--import", events)
    assert "0 applied, 2 unchanged, 1 refused" in again.stdout
    assert [s["status"] for s in cli.json("show", "82")["slips"]] == ["delivered", "exception"]
    bad = cli.write("bad.csv", "tracking_number,when\nx,y\n")
    assert "missing column status" in cli.refused("package", "--import", bad)
