"""Every keyboard action of the TUI by its binding id, with its default key.

Screens build their ``BINDINGS`` with :func:`bind`, so each action has a stable id
(``dashboard.search``) that the footer, the ``?`` help screen and the command palette all
show, and that users remap in the config file::

    [keymap]
    "dashboard.search" = "ctrl+f"
    "dashboard.open" = "enter,o"

The app hands the config's ``keymap`` table to ``App.set_keymap`` (Textual replaces the
key of every binding whose id is in the table). :func:`check_keymap` explains unknown ids
before the app starts, so a typo in the config is reported instead of silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Action:
    id: str
    key: str
    action: str
    description: str
    show: bool = True
    priority: bool = False
    help: str = ""


ACTIONS: dict[str, Action] = {}


def _register(*actions: Action) -> None:
    for a in actions:
        ACTIONS[a.id] = a


_register(
    # --- app-wide ------------------------------------------------------------------
    Action("app.help", "question_mark", "app.show_help", "Help", help="List every key of this screen"),
    Action("app.quit", "q", "app.quit", "Quit", help="Leave the app"),
    Action("app.palette", "ctrl+p", "app.command_palette", "Commands", show=False,
           help="Search every action of this screen by name"),
    # --- dashboard -----------------------------------------------------------------
    Action("dashboard.search", "slash", "start_search", "Search", priority=True,
           help="Search by PO number, order number, customer name or SKU as you type"),
    Action("dashboard.open", "enter", "open_order", "Open", help="Open the order under the cursor"),
    Action("dashboard.fulfil", "f", "fulfil", "Fulfil",
           help="Start or continue fulfillment of the order under the cursor"),
    Action("dashboard.stage", "s", "cycle_stage", "Stage", help="Filter by stage: all, New, In progress, Completed, Canceled"),
    Action("dashboard.sla", "l", "cycle_sla", "SLA", help="Filter by SLA: all, On time, At risk, Overdue"),
    Action("dashboard.sort", "o", "cycle_sort", "Sort", help="Sort by the next column"),
    Action("dashboard.reverse", "O", "reverse_sort", "Reverse", show=False, help="Reverse the sort order"),
    Action("dashboard.back", "escape", "back", "Clear", show=False,
           help="Clear the marks, then the search, then the filters"),
    Action("dashboard.refresh", "r", "refresh_orders", "Refresh", help="Reload counts and rows"),
    Action("dashboard.tile_all", "1", "tile('')", "All", show=False, help="Show all stages (tile Total)"),
    Action("dashboard.tile_new", "2", "tile('new')", "New", show=False, help="Show New orders"),
    Action("dashboard.tile_in_progress", "3", "tile('in_progress')", "In progress", show=False,
           help="Show orders In progress"),
    Action("dashboard.tile_completed", "4", "tile('completed')", "Completed", show=False,
           help="Show Completed orders"),
    Action("dashboard.tile_canceled", "5", "tile('canceled')", "Canceled", show=False, help="Show Canceled orders"),
    Action("dashboard.sort_po", "P", "sort('po_number')", "Sort PO", show=False,
           help="Sort by PO number (again: reverse)"),
    Action("dashboard.sort_order_number", "N", "sort('order_number')", "Sort order #", show=False,
           help="Sort by order number (again: reverse)"),
    Action("dashboard.sort_customer", "C", "sort('customer')", "Sort customer", show=False,
           help="Sort by customer (again: reverse)"),
    Action("dashboard.sort_date", "D", "sort('order_date')", "Sort date", show=False,
           help="Sort by order date (again: reverse)"),
    Action("dashboard.sort_stage", "S", "sort('stage')", "Sort stage", show=False,
           help="Sort by stage (again: reverse)"),
    Action("dashboard.sort_sla", "L", "sort('sla')", "Sort SLA", show=False, help="Sort by SLA (again: reverse)"),
    Action("dashboard.sort_progress", "G", "sort('progress')", "Sort progress", show=False,
           help="Sort by progress (again: reverse)"),
    # --- marks and batch actions (dashboard; bound on the order list, run by the screen)
    Action("dashboard.mark", "space", "screen.mark", "Mark", show=False, help="Mark or unmark the order under the cursor (and move down)"),
    Action("dashboard.mark_down", "shift+down", "screen.mark_range(1)", "Mark down", show=False,
           help="Extend the marks to the next order"),
    Action("dashboard.mark_up", "shift+up", "screen.mark_range(-1)", "Mark up", show=False,
           help="Extend the marks to the previous order"),
    Action("dashboard.mark_all", "asterisk,ctrl+a", "screen.mark_all", "Mark all", show=False,
           help="Mark every order the current filter and search show (up to 1,000)"),
    Action("dashboard.batch_ack", "A", "screen.batch_acknowledge", "Ack marked", show=False,
           help="Acknowledge the marked New orders (or the one under the cursor) in one review"),
    Action("dashboard.batch_print", "ctrl+o", "screen.batch_print", "Print slips", show=False,
           help="Write (and print) the packing slips of the marked orders as one PDF"),
    Action("dashboard.import_tracking", "ctrl+t", "import_tracking", "Import tracking", show=False,
           help="Import tracking numbers from a CSV file"),
    # --- the order list (virtual list) ---------------------------------------------
    Action("list.up", "up", "cursor_up", "Up", show=False, help="Previous order"),
    Action("list.down", "down", "cursor_down", "Down", show=False, help="Next order"),
    Action("list.page_up", "pageup", "page_up", "Page up", show=False, help="One page up"),
    Action("list.page_down", "pagedown", "page_down", "Page down", show=False, help="One page down"),
    Action("list.home", "home", "first", "First", show=False, help="First order"),
    Action("list.end", "end", "last", "Last", show=False, help="Last order"),
    # --- search box ----------------------------------------------------------------
    Action("search.done", "enter,down", "search_done", "To list", show=False,
           help="Keep the search and move to the list"),
    Action("search.cancel", "escape", "search_cancel", "Cancel search", show=False,
           help="Clear the search and close the box"),
    # --- batch acknowledgement ---------------------------------------------------------
    Action("batch.confirm", "ctrl+s", "confirm", "Acknowledge all",
           help="Acknowledge every order of the review (asks for the reasons of short lines)"),
    Action("batch.back", "escape", "back", "Back", help="Back to the dashboard; nothing is written"),
    Action("batch.more", "plus,equals_sign", "nudge(1)", "+1", show=False, help="One more on the line under the cursor"),
    Action("batch.less", "minus", "nudge(-1)", "-1", show=False, help="One fewer on the line under the cursor"),
    Action("batch_reason.confirm", "ctrl+s", "confirm", "Confirm", help="Acknowledge with these reasons"),
    Action("batch_reason.back", "escape", "back", "Back", help="Back to the review"),
    Action("batch_result.done", "enter,escape", "done", "Done", help="Back to the dashboard"),
    Action("tracking_import.close", "escape", "close", "Close", help="Close the tracking import"),
    # --- help screen ---------------------------------------------------------------
    Action("help.close", "escape,question_mark,q", "dismiss", "Close", help="Close the help"),
)


# --- scanning (acknowledgement and prepare shipments; docs/tui.md "Scanning") ----------
_register(
    Action("ack.scan", "f2,ctrl+b", "focus_scan", "Scan", priority=True,
           help="Focus the scan field: each scan counts one unit (the first scan starts every line at 0)"),
    Action("ship.scan", "f2,ctrl+b", "focus_scan", "Scan", priority=True,
           help="Focus the scan field: each scan packs one unit into the current package"),
    Action("ship.next_package", "ctrl+n", "next_package", "Next package", show=False,
           help="Scan into the next package (after the last one: a new package)"),
)

def bind(binding_id: str) -> Binding:
    """The Textual ``Binding`` of a registered action (default key; the app's keymap
    overrides it by id)."""
    a = ACTIONS[binding_id]
    return Binding(
        a.key,
        a.action,
        a.description,
        show=a.show,
        priority=a.priority,
        id=a.id,
        tooltip=a.help,
    )


def bindings(*binding_ids: str) -> list[Binding]:
    return [bind(i) for i in binding_ids]


def bindings_with_prefix(prefix: str) -> list[Binding]:
    return [bind(i) for i in ACTIONS if i.startswith(prefix)]


def check_keymap(keymap: Mapping[str, str]) -> list[str]:
    """Problems with a user's keymap table, one sentence each (empty when fine)."""
    problems = []
    for binding_id, keys in keymap.items():
        if binding_id not in ACTIONS:
            problems.append(f"keymap: unknown action {binding_id!r} (see docs/tui.md for the list)")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"keymap: {binding_id!r} needs a key such as \"ctrl+f\"")
    return problems


def clean_keymap(keymap: Mapping[str, str] | None) -> dict[str, str]:
    """The usable part of a keymap table: every id with a non-blank key string (ids of
    other screens' bindings, not registered here, are kept: Textual applies them to
    whatever binding carries that id)."""
    if not keymap:
        return {}
    return {
        k: ",".join(part.strip() for part in v.split(",") if part.strip())
        for k, v in keymap.items()
        if isinstance(k, str) and isinstance(v, str) and v.strip()
    }
