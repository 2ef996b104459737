"""The dashboard's stage tiles: Total, New, In progress, Completed, Canceled.

Each tile shows its key (1-5), its label and its live count; the tile of the active stage
filter is marked (a ▸ and a highlight, not colour alone).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from dropship_tui.domain.models import Stage
from dropship_tui.store.base import StageCounts
from dropship_tui.tui.widgets.safe import fit_words

TILES: list[tuple[str, Stage | None, str]] = [
    ("total", None, "Total"),
    ("new", Stage.NEW, "New"),
    ("in_progress", Stage.IN_PROGRESS, "In progress"),
    ("completed", Stage.COMPLETED, "Completed"),
    ("canceled", Stage.CANCELED, "Canceled"),
]


class StageTile(Static):
    DEFAULT_CSS = """
    StageTile {
        width: 1fr;
        height: 2;
        padding: 0 1;
        margin: 0 1 0 0;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    StageTile:last-of-type { margin: 0; }
    StageTile.-active {
        background: $accent 40%;
        text-style: bold;
    }
    """

    def __init__(self, number: int, key: str, stage: Stage | None, label: str) -> None:
        super().__init__(id=f"tile-{key}", markup=False)
        self.number = number
        self.stage = stage
        self.label = label
        self.count: int | None = None
        self.active = False
        self._paint()

    def set(self, count: int | None, active: bool) -> None:
        if count == self.count and active == self.active:
            return
        self.count, self.active = count, active
        self.set_class(active, "-active")
        self._paint()

    def on_resize(self) -> None:
        self._paint()

    def _paint(self) -> None:
        # line 1: the key and the label; line 2: the count (always visible, even when a
        # narrow terminal cuts the label)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("▸" if self.active else " ", style="bold")
        text.append(f"{self.number} ", style="dim" if not self.active else "bold")
        room = self.content_size.width - 3  # a narrow tile loses whole words ("In…", not "In pr…")
        text.append(fit_words(self.label, room).rstrip() if room > 0 else self.label, style="bold" if self.active else "")
        text.append("\n  ")
        text.append("…" if self.count is None else f"{self.count:,}", style="bold")
        self.update(text)


class StageTiles(Horizontal):
    DEFAULT_CSS = """
    StageTiles { height: 2; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts: StageCounts | None = None
        self.active: Stage | None = None

    def compose(self) -> ComposeResult:
        for number, (key, stage, label) in enumerate(TILES, 1):
            yield StageTile(number, key, stage, label)

    def update_counts(self, counts: StageCounts | None = None, active: Stage | None = None) -> None:
        if counts is not None:
            self.counts = counts
        self.active = active
        for tile in self.query(StageTile):
            count = None
            if self.counts is not None:
                count = self.counts.total if tile.stage is None else self.counts.of(tile.stage)
            tile.set(count, tile.stage == active)
