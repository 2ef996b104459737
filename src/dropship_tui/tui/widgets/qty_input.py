"""A whole-number field for quantities: digits typed straight in, ``+``/``-`` nudge.

The field never judges the value itself (the screen asks the domain's
``quantity_problem`` / ``slip_plan_problems``); it only keeps the text to digits and lets
its own key bindings (``+``/``-``, remappable by id) reach it although ``Input`` would
otherwise swallow printable keys.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input


class QtyInput(Input):
    DEFAULT_CSS = """
    QtyInput { width: 8; }
    """

    BINDINGS = [
        Binding("plus,equals_sign", "nudge(1)", "+1", id="qty.more", tooltip="One more (quantity fields)", show=False),
        Binding("minus", "nudge(-1)", "-1", id="qty.less", tooltip="One fewer (quantity fields)", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
    ]

    def __init__(
        self,
        value: int | str = "",
        *,
        minimum: int = 0,
        maximum: int | None = None,
        id: str | None = None,
        classes: str | None = None,
        compact: bool = True,
        column: str | None = None,
    ) -> None:
        self.minimum = minimum
        self.column = column
        self.maximum = maximum
        super().__init__(
            str(value), restrict=r"\d{0,6}", id=id, classes=classes, select_on_focus=True,
            compact=compact,
        )

    async def _on_key(self, event: events.Key) -> None:
        # Let our own bindings (+/-) through instead of inserting the character.
        if event.is_printable and event.key in self._bindings.key_to_bindings:
            event.prevent_default()

    def action_move(self, delta: int) -> None:
        """Up/down: the field above/below in the same column (grid navigation)."""
        if self.column is None:
            return
        same = [w for w in self.screen.query(QtyInput) if w.column == self.column]
        index = same.index(self) + delta
        if 0 <= index < len(same):
            same[index].focus()

    @property
    def number(self) -> int | None:
        try:
            return int(self.value)
        except ValueError:
            return None

    def action_nudge(self, delta: int) -> None:
        current = self.number
        value = (current if current is not None else self.minimum) + delta
        value = max(self.minimum, value)
        if self.maximum is not None:
            value = min(self.maximum, value)
        self.value = str(value)
        self.cursor_position = len(self.value)
