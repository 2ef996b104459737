"""The ``?`` help screen: every key of the screen underneath, with the user's own keys.

The list is read from that screen's active bindings (so keys remapped in the config's
``[keymap]`` show as remapped, and actions the screen disables right now are left out),
grouped by where they apply, each described by its binding's tooltip, with the binding id
a user needs to remap it.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from dropship_tui.tui.keymap import describe_key


def _group_name(screen: Screen, node) -> str:
    """Where a binding applies: the whole app, this screen, or one widget of it."""
    if node is screen.app:
        return "Everywhere"
    if node is screen:
        return "This screen"
    name = type(node).__name__
    spaced = "".join(" " + c.lower() if c.isupper() else c for c in name).strip()
    return spaced[:1].upper() + spaced[1:]


def screen_keys(screen: Screen) -> list[tuple[str, str, str, str]]:
    """(group, keys, description, binding id) for every active binding of ``screen``,
    several keys of one action joined with ", ", grouped by where they apply (this
    screen first (its class's own keys, then its mixins'), then its widgets, then the
    app)."""
    app = screen.app
    found: dict[str, list[str]] = {}
    info: dict[str, tuple[str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.id and not binding.description:
            continue
        ident = binding.id or binding.action
        description = binding.tooltip or binding.description
        found.setdefault(ident, []).append(describe_key(app, key))
        # Textual's own bindings (tab, shift+tab, copy) have no id: they work everywhere
        group = _group_name(screen, active.node) if binding.id else "Everywhere"
        info[ident] = (group, description)
    rows = [(info[i][0], ", ".join(keys), info[i][1], i) for i, keys in found.items()]

    def rank(group: str) -> int:
        return {"This screen": 0, "Everywhere": 2}.get(group, 1)

    # the screen class's own keys before those of the parts it is built from (mixins)
    declared = {}
    for depth, cls in enumerate(type(screen).__mro__):
        for binding in cls.__dict__.get("BINDINGS", ()):
            declared.setdefault(getattr(binding, "id", None), depth)
    rows.sort(key=lambda r: (rank(r[0]), declared.get(r[3], 0) if r[0] == "This screen" else 0))
    return rows


class HelpScreen(ModalScreen[None]):
    """Lists the bindings of ``target`` (the screen ``?`` was pressed on)."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close", tooltip="Close the help"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 96;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; margin-bottom: 1; }
    HelpScreen #help-hint { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target
        self.rows = screen_keys(target)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"Keys — {self.target_title()}", id="help-title", markup=False)
            yield Static(self._table(), id="help-keys")
            yield Static(
                "Remap a key in the config file's [keymap] table with the id on the right, "
                "e.g. \"dashboard.search\" = \"ctrl+f\". ctrl+p searches these actions by name. "
                "esc closes.",
                id="help-hint",
                markup=False,
            )

    def target_title(self) -> str:
        name = type(self.target).__name__.removesuffix("Screen")
        spaced = "".join(" " + c if c.isupper() else c for c in name).strip()
        return spaced or "Screen"

    def _table(self) -> Table:
        table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("Key", no_wrap=True, style="bold")
        table.add_column("Action", ratio=1)
        table.add_column("Id", style="dim", no_wrap=True)
        group = None
        for row_group, keys, description, ident in self.rows:
            if row_group != group:
                group = row_group
                table.add_row(Text(group, style="italic underline"), Text(""), Text(""))
            table.add_row(Text(keys), Text(description), Text(ident))
        return table

    def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
