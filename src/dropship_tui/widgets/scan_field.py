"""The scan field: a barcode scanner types a code and enter, within milliseconds.

On enter the field posts ``ScanField.Scanned`` with the code, clears itself and keeps the
focus, so the next scan follows at once. Its keys apply in typing order (``KeysInOrder``):
a scanner's enter is handled before the next scan's first digit, never after it — with
Textual's usual route the enter would reach the field only after it had bubbled through
the app, and two quick scans would run together into one code.

The field only reads codes; the screen matches them (``domain.scan``), counts and says
what happened next to it.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input

from .key_order import KeysInOrder


class ScanField(KeysInOrder, Input):
    DEFAULT_CSS = """
    ScanField { width: 28; }
    """

    class Scanned(Message):
        """A code was scanned (or typed) and ended with enter."""

        def __init__(self, field: "ScanField", code: str) -> None:
            super().__init__()
            self.field = field
            self.code = code

        @property
        def control(self) -> "ScanField":
            return self.field

    def __init__(self, *, id: str | None = None, classes: str | None = None,
                 placeholder: str = "UPC, vendor SKU or SKU") -> None:
        super().__init__(
            "",
            placeholder=placeholder,
            id=id,
            classes=classes,
            compact=True,
            max_length=64,
            select_on_focus=False,
        )

    async def action_submit(self) -> None:
        code = self.value
        self.value = ""
        if code.strip():
            self.post_message(self.Scanned(self, code))


def key_of(app, binding_id: str) -> str:
    """The first key of a binding id as the user sees it (their keymap wins)."""
    from textual.binding import Binding

    from ..keymap import ACTIONS

    keymap = getattr(app, "_keymap", None) or {}
    keys = keymap.get(binding_id) or (ACTIONS[binding_id].key if binding_id in ACTIONS else "")
    first = keys.split(",")[0].strip()
    if not first:
        return ""
    try:
        return app.get_key_display(Binding(first, ""))
    except Exception:  # pragma: no cover - an unusual key name
        return first
