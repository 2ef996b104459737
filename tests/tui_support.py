"""The shared fixture app for TUI tests: a real SQLite store in a temporary folder, with
fixed data and a fixed clock, and the real ``DropshipApp`` on top of it.

    from tui_support import make_app, settle

    async def test_something(tmp_path):
        app = make_app(tmp_path)                 # 30 sample orders in every stage
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)                  # workers done, messages handled
            ...

``make_app(tmp_path, orders=[...])`` imports your own orders instead (the vendor
``MYSTIC`` and location ``MYSTIC-WH1`` of ``tests/factories`` exist); ``orders=[]`` gives
an empty store. The clock is ``factories.NOW`` everywhere (store and app) and local time
is UTC (conftest.py gives every test UTC), so screens render the same on every run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import factories
from factories import NOW

from dropship_tui.tui.app import DropshipApp
from dropship_tui.config import Config
from dropship_tui.domain.models import Order, Reason, ReasonCode
from dropship_tui.store.sqlite.store import SqliteStore



def dhl_tracking(po: int) -> str:
    """A valid DHL Express number for ``po`` (9 digits, then their value mod 7)."""
    n = 400_000_000 + po
    return f"{n:09d}{n % 7}"

CUSTOMERS = [
    ("Ann", "Lee"), ("Bob", "Stone"), ("Chloé", "Martin"), ("Dmitri", "Ivanov"),
    ("Eve", "Okafor"), ("Farah", "Haddad"), ("Gus", "Nilsson"), ("Hana", "Sato"),
    ("Ivan", "Petrov"), ("Jo", "Brennan"), ("Kai", "Müller"), ("Lena", "Fischer"),
    ("Mo", "Ali"), ("Nia", "Jones"), ("Omar", "Farouk"), ("Pia", "Rossi"),
    ("Quinn", "Baker"), ("Rosa", "Díaz"), ("Sam", "Kim"), ("Tara", "Singh"),
    ("Uma", "Patel"), ("Vic", "Moreau"), ("Wen", "Li"), ("Xena", "Wolf"),
    ("Yusuf", "Kaya"), ("Zoe", "Adams"), ("Anna", "Leroy"), ("Ben", "Carter"),
    ("Cara", "Dunn"), ("Dan", "Evans"),
]
"""Customers of the sample orders (note "Ann Lee" and "Anna Leroy": a prefix search for
"ann" finds both, "ann l" both, "anna" one)."""

RARE_SKU = "SKU-RARE-7"
"""Only sample order 1017 has a line with this SKU."""


def sample_orders() -> list[Order]:
    """30 orders, POs 1001-1030, all New, ordered 0.5-30.5 hours before ``NOW`` (not in
    PO order) so the SLA (24 h to acknowledge, at risk from 80%) gives each status."""
    orders = []
    for i, (first, last) in enumerate(CUSTOMERS):
        po = 1001 + i
        sku = RARE_SKU if po == 1017 else f"SKU-{100 + i % 5}"
        lines = [factories.line(1, qty=1 + i % 4, sku=sku)]
        if i % 3 == 0:
            lines.append(factories.line(2, qty=2, sku=f"SKU-{200 + i % 7}"))
        orders.append(
            factories.order(po=po, lines=lines, first_name=first, last_name=last, hours_old=(i * 11) % 31 + 0.5)
        )
    return orders


def advance_sample(store: SqliteStore) -> None:
    """Move some sample orders along the workflow so every stage is represented:
    1003-1010 acknowledged (In progress), 1005-1006 packed, 1007-1008 tracked,
    1009-1010 completed, 1011-1012 canceled; the rest stay New."""
    for po in range(1003, 1011):
        order = store.get_order(po)
        store.acknowledge(po, None, {ln.line_id: ln.quantity_ordered for ln in order.lines}, {})
    for po in range(1005, 1011):
        order = store.get_order(po)
        store.save_slips(po, None, [{ln.line_id: ln.quantity_ordered for ln in order.lines}])
    for po in range(1007, 1011):
        store.save_tracking(po, None, 1, dhl_tracking(po), "DHL")
    for po in (1009, 1010):
        store.generate_invoice(po, None)
        store.complete(po, None)
    for po in (1011, 1012):
        store.cancel(po, None, Reason(code=ReasonCode.OUT_OF_STOCK))


def clock():
    return NOW


def make_store(path: Path, orders: Sequence[Order] | None = None, *, advance: bool | None = None) -> SqliteStore:
    """A SQLite store at ``path`` with the factories' vendor and location and ``orders``
    (default: the 30 sample orders, moved along with ``advance_sample``)."""
    store = SqliteStore(path, user="jordan", clock=clock)
    store.add_vendor(factories.vendor())
    store.add_location(factories.location())
    sample = orders is None
    orders = sample_orders() if orders is None else list(orders)
    if orders:
        store.import_orders(orders)
    if advance if advance is not None else sample:
        advance_sample(store)
    return store


def make_app(
    tmp_path: Path,
    orders: Sequence[Order] | None = None,
    *,
    config: Config | None = None,
    store: Any = None,
    advance: bool | None = None,
    **config_values: Any,
) -> DropshipApp:
    """The real app on a real store in ``tmp_path`` (see the module docstring).
    ``config_values`` build a ``Config`` (``keymap={...}``, ``low_bandwidth=True``)."""
    if store is None:
        store = make_store(Path(tmp_path) / "store.db", orders, advance=advance)
    if config is None:
        # no live poll unless a test asks (it calls ``poll_changes`` itself): a timer
        # firing mid-test would make screens and snapshots depend on timing
        config = Config(**{"live_seconds": 0, **config_values})
    return DropshipApp(store, config)


async def settle(pilot: Any, rounds: int = 6) -> None:
    """Wait until the app's workers are done and their messages handled (a worker's
    result can start another worker: a page fetch after a count)."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return
    await asyncio.sleep(0)


def screen_lines(app: Any) -> list[str]:
    """The screen as the user sees it, as plain text lines (what a terminal shows)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip).rstrip() for strip in strips]


def assert_landed_on(app: Any, po: int, stage: Any) -> None:
    """The dashboard in front, filtered to ``stage`` with the cursor on ``po`` in that
    stage, and the toast saying so (issue 13 item 7: back from Done, a reopen, a cancel)."""
    from dropship_tui.tui.screens.dashboard import DashboardScreen

    dashboard = app.screen
    assert isinstance(dashboard, DashboardScreen)
    assert dashboard.query_state.stage is stage
    current = dashboard.order_list.current
    assert current is not None and current.po_number == po and current.stage is stage
    told = " ".join(str(n.message) for n in app._notifications)
    assert f"PO {po} is {stage.label} (the stage filter is now {stage.label}, so it shows)" in told


def screen_text(app: Any) -> str:
    return "\n".join(screen_lines(app))


# --- the key table of docs/tui.md ----------------------------------------------------

KEY_NAMES = {
    "question_mark": "?", "slash": "/", "asterisk": "*", "plus": "+", "minus": "-",
    "equals_sign": "=", "left_square_bracket": "[", "right_square_bracket": "]",
    "escape": "esc", "up": "↑", "down": "↓",
}


def key_text(keys: str) -> str:
    """A binding's keys as docs/tui.md writes them: `ctrl+s`, `esc`, `shift+↓`."""
    shown = []
    for key in keys.split(","):
        *mods, name = key.strip().split("+")
        shown.append("`" + "+".join([*mods, KEY_NAMES.get(name, name)]) + "`")
    return ", ".join(shown)


def declared_bindings() -> dict:
    """Binding id -> binding, for every class of the app (what a keymap may name)."""
    from dropship_tui.tui.keymap import declared_bindings as declared
    from dropship_tui.tui.navigation import bound_classes

    return declared([DropshipApp, *bound_classes()])


def binding_table() -> str:
    """The "Keys" table of docs/tui.md, from the classes' BINDINGS:
    ``python tests/tui_support.py`` prints it."""
    rows = ["| Default key | Id | Action |", "|---|---|---|"]
    for ident, binding in declared_bindings().items():
        what = (binding.tooltip or binding.description).replace("|", "\\|")
        rows.append(f"| {key_text(binding.key)} | `{ident}` | {what} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(binding_table())
