"""Issue 16 item 4: a batch review's prefill is read in one go (``stock_for_orders``:
each SKU at each location once) and is, order by order, what step 1's own read gives.
On every store of the contract: SQLite, the remote one over the real server, PostgreSQL."""

from __future__ import annotations

import factories as f
from test_remote_support import live_server  # noqa: F401 (the remote store's server)
from test_store_contract import OOS, store, two_line_order  # noqa: F401 (the contract's stores)

from dropship_tui.services.batch_acknowledge import read_review
from dropship_tui.services.prefill import prefill


def _setup(store, request):  # noqa: F811
    """Where stock and locations are set: on the server, for the remote store."""
    if request.node.callspec.params["store"] == "remote":
        return request.getfixturevalue("live_server").app.state.store
    return store


def _seeded(store, request) -> None:  # noqa: F811
    setup = _setup(store, request)
    setup.add_location(f.location("MYSTIC-WH2", "MYSTIC"))
    setup.set_stock("V-SKU-123", "MYSTIC-WH1", 9)
    setup.set_stock("V-SKU-789", "MYSTIC-WH1", 1)
    setup.set_stock("V-SKU-123", "MYSTIC-WH2", 4)
    store.import_orders([
        two_line_order(82),
        two_line_order(83),
        f.order(84, lines=[f.line(1, 2, "SKU-555")]),  # no stock known
        f.order(85, location_code="MYSTIC-WH2"),  # the same SKU at another location
        f.order(86, lines=[f.line(1, 20, "SKU-123")]),  # more ordered than available
    ])
    # 83 acknowledged: it reserves 5 and 1 of what 82 and 86 could have
    store.acknowledge(83, store.get_order(83).version, {1: 5, 2: 1}, {2: OOS})


def test_stock_for_orders_is_stock_for_of_each_order(store, request):  # noqa: F811
    _seeded(store, request)
    orders = [store.get_order(po) for po in (82, 84, 85, 86)]
    got = store.stock_for_orders(orders)
    assert got == {82: {"V-SKU-123": 4, "V-SKU-789": 0}, 84: {}, 85: {"V-SKU-123": 4}, 86: {"V-SKU-123": 4}}
    assert got == {o.po_number: store.stock_for(o) for o in orders}
    assert store.stock_for_orders([]) == {}


def test_a_review_prefills_every_new_order_as_step_1_would(store, request):  # noqa: F811
    _seeded(store, request)
    review = read_review(store, [82, 83, 84, 85, 86, 999], None)
    assert [o.po_number for o in review.orders] == [82, 84, 85, 86]
    assert set(review.skipped) == {83, 999}
    assert review.prefill == {o.po_number: prefill(store, o) for o in review.orders}
    assert review.prefill[82] == {1: 4, 2: 0} and review.prefill[86] == {1: 4} and review.prefill[84] == {1: 2}
