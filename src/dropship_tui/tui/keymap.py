"""The user's ``[keymap]``: checked against the bindings the app declares, and read back.

Every screen, modal and widget declares its keys inline, as Textual ``Binding``s with a
stable id (``Binding("slash", "start_search", "Search", id="dashboard.search",
tooltip=...)``). The footer, the ``?`` help screen and the command palette read them from
the active bindings; users remap them by id in the config file::

    [keymap]
    "dashboard.search" = "ctrl+f"
    "dashboard.open" = "enter,o"

The app hands the table to ``App.set_keymap`` (Textual replaces the key of every binding
whose id is in it). :func:`check_keymap` walks the ``BINDINGS`` of the classes it is given
(the app passes every screen, modal and widget class it has, see ``navigation``), so a
typo in the config is reported instead of silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode


def declared_bindings(classes: Iterable[type[DOMNode]]) -> dict[str, Binding]:
    """Binding id -> its binding, for every id in the ``BINDINGS`` of ``classes`` and of
    their bases (the first class to declare an id wins)."""
    found: dict[str, Binding] = {}
    for cls in classes:
        for base in cls.__mro__:
            for binding in base.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    found.setdefault(binding.id, binding)
    return found


def check_keymap(keymap: Mapping[str, str], classes: Iterable[type[DOMNode]]) -> list[str]:
    """Problems with a user's keymap table, one sentence each (empty when fine)."""
    known = declared_bindings(classes)
    problems = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems.append(f"keymap: unknown action {binding_id!r} (see docs/tui.md for the list)")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"keymap: {binding_id!r} needs a key such as \"ctrl+f\"")
    return problems


def clean_keymap(keymap: Mapping[str, str] | None) -> dict[str, str]:
    """The usable part of a keymap table: every id with a non-blank key string (an
    unknown id is kept too: :func:`check_keymap` reports it, Textual ignores it)."""
    if not keymap:
        return {}
    return {
        k: ",".join(part.strip() for part in v.split(",") if part.strip())
        for k, v in keymap.items()
        if isinstance(k, str) and isinstance(v, str) and v.strip()
    }


def describe_key(app: App, key: str) -> str:
    """A key as the user would type it (``/`` rather than ``slash``)."""
    try:
        return app.get_key_display(Binding(key, ""))
    except Exception:  # pragma: no cover - an unusual key name
        return key


def _default_key(app: App, binding_id: str) -> str:
    """The first key the app's own bindings give ``binding_id``: looked up on the screens
    of the stack (the one asking is among them) and the app."""
    for node in (*reversed(app.screen_stack), app):
        for cls in type(node).__mro__:
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id == binding_id:
                    return binding.key
    return ""


def key_of(app: App, binding_id: str) -> str:
    """The first key of a binding id as the user sees it (their keymap wins)."""
    keys = app._keymap.get(binding_id) or _default_key(app, binding_id)
    first = keys.split(",")[0].strip()
    return describe_key(app, first) if first else ""
