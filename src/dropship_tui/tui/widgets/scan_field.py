"""The scan field: a barcode scanner types a code and enter, within milliseconds.

On enter the field hands the code to ``on_scan`` (or posts ``ScanField.Scanned``),
clears itself and keeps the focus, so the next scan follows at once.

Everything happens in typing order, in the field's own queue: its editing keys and enter
(``KeysInOrder``), the screen's keys pressed while it has the focus (ctrl+n "next
package", ctrl+s) and the scan itself (``on_scan`` is called right there, not through a
message that would bubble). With Textual's usual route the enter and the screen's keys
reach the app only after bubbling, so a scan, ctrl+n, the next scan sent in one burst
would run together or land in the wrong package.

The field only reads codes; the screen matches them (``domain.scan``), counts and says
what happened next to it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from textual import events
from textual.message import Message
from textual.widgets import Input

from dropship_tui.tui.widgets.key_order import KeysInOrder


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
                 placeholder: str = "UPC, vendor SKU or SKU",
                 on_scan: Callable[[str], Any] | None = None) -> None:
        self.on_scan = on_scan
        super().__init__(
            "",
            placeholder=placeholder,
            id=id,
            classes=classes,
            compact=True,
            max_length=64,
            select_on_focus=False,
        )

    async def _on_key(self, event: events.Key) -> None:
        await super()._on_key(event)  # the field's own keys, in order
        if event._stop_propagation or event.is_printable:
            return
        # The screen's and the app's (non-priority) keys, in order too.
        check = getattr(self.app, "_check_bindings", None)
        if check is not None and await check(event.key):
            event.stop()
            event.prevent_default()

    async def action_submit(self) -> None:
        code = self.value
        self.value = ""
        if not code.strip():
            return
        if self.on_scan is None:
            self.post_message(self.Scanned(self, code))
            return
        result = self.on_scan(code)
        if inspect.isawaitable(result):
            await result

