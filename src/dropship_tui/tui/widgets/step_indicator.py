"""The fulfillment step indicator: "✓ 1 Order acknowledgement ─── ● 2 Prepare shipments".

Done steps are checked, the current one highlighted, later ones dimmed; every fulfillment
screen shows it at the top so the user always knows where the order is.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

STEPS = ("Order acknowledgement", "Prepare shipments")


class StepIndicator(Static):
    DEFAULT_CSS = """
    StepIndicator { height: 1; width: 1fr; padding: 0 1; }
    """

    def __init__(
        self,
        current: int,
        *,
        done: int = 0,
        steps: tuple[str, ...] = STEPS,
        extra: str | None = None,
        id: str | None = None,
    ) -> None:
        self.current = current
        self.done = done
        self.steps = steps
        self.extra = extra
        super().__init__(self._text(), id=id)

    def _text(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for number, label in enumerate(self.steps, start=1):
            if number > 1:
                text.append(" ─── ", style="dim")
            if number <= self.done:
                text.append(f"✓ {number} {label}", style="bold green")
            elif number == self.current:
                text.append(f"● {number} {label}", style="bold reverse")
            else:
                text.append(f"○ {number} {label}", style="dim")
        if self.extra:
            text.append(" ─── ", style="dim")
            text.append(f"● {self.extra}", style="bold reverse")
        return text
