"""The reason picker (R3's codes): every reason has its number, shown in the list, and
the number picks it at once, with the list open or closed (``4`` is "Invalid SKU";
"Other" is ``7``, not seven downs)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Select

from dropship_tui.domain.models import ReasonCode

CODES: tuple[ReasonCode, ...] = tuple(ReasonCode)
"""Reason ``n`` (1-based) is ``CODES[n - 1]``."""


def reason_options() -> list[tuple[Text, ReasonCode]]:
    """Each reason with its key in front: "1  Out of stock" ... "7  Other"."""
    return [(Text(f"{n}  {code.label}"), code) for n, code in enumerate(CODES, start=1)]


class ReasonSelect(Select[ReasonCode]):
    """A ``Select`` of the reasons whose number keys choose (typing to search is off:
    the digits are the keys)."""

    def __init__(self, *, prompt: str, value: ReasonCode | object = Select.NULL, id: str | None = None,
                 classes: str | None = None, compact: bool = False) -> None:
        super().__init__(reason_options(), prompt=prompt, value=value, id=id, classes=classes,
                         compact=compact, type_to_search=False)

    def on_key(self, event: events.Key) -> None:
        character = event.character or ""
        if not (character.isdigit() and 1 <= int(character) <= len(CODES)):
            return
        event.stop()
        event.prevent_default()
        self.value = CODES[int(character) - 1]
        if self.expanded:
            self.expanded = False
            self.focus()
