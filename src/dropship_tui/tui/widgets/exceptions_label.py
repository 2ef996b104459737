"""The dashboard's package-exception label (issue 13 item 11, R16): "⚠ 3 package
exceptions · e: next" in red while any order has a package in exception, hidden while
none has. It repaints only when the count changes (an idle dashboard writes nothing)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from dropship_tui.domain.words import plural


def exceptions_text(pos: Sequence[int]) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"⚠ {plural(len(pos), 'package exception', grouped=True)}", style="bold red")
    text.append("  ·  e: go to the next one", style="dim")
    return text


class ExceptionsLabel(Static):
    DEFAULT_CSS = "ExceptionsLabel { height: 1; padding: 0 1; display: none; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.pos: list[int] = []

    def show(self, pos: Sequence[int]) -> None:
        pos = sorted(pos)
        if pos == self.pos:
            return
        self.pos = pos
        if pos:
            self.update(exceptions_text(pos))
        self.display = bool(pos)
