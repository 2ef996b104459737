"""Input fields whose keys take effect in the order they were typed.

Textual inserts a printable key in the focused ``Input`` at once, but runs the field's
*bindings* (backspace, delete, the arrows, home/end, enter, ctrl+u ...) only after the
key event has bubbled up to the app through every container's message queue. Keys that
arrive together (a quick typist, a barcode scanner, a terminal delivering a burst) are
therefore applied out of order: ``backspace`` ``2`` in a field holding a selected ``1``
inserts the ``2`` first, then the late backspace deletes it — an empty field that says
"must be from 1 to 10" while the screen already acted on the 2.

``KeysInOrder`` runs the field's own (non-priority) bindings right where the key is
received, in order with the typed characters, honouring the user's keymap. Bindings of
the screen and the app (ctrl+s, tab ...) still take the usual route.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from dropship_tui.tui.widgets.qty_input import QtyInput


class KeysInOrder:
    """Mixin for ``Input`` subclasses (put it first in the bases)."""

    async def _on_key(self, event: events.Key) -> None:
        widget: Input = self  # type: ignore[assignment]
        bindings = widget._bindings.copy()
        keymap = getattr(widget.app, "_keymap", None)
        if keymap:
            bindings.apply_keymap(keymap)
        for binding in bindings.key_to_bindings.get(event.key, ()):
            if binding.priority:
                continue  # the app ran it before the key reached us
            if await widget.app.run_action(binding.action, widget):
                event.stop()
                event.prevent_default()  # neither Input nor the app handles it again
                return


class QtyField(KeysInOrder, QtyInput):
    """A ``QtyInput`` whose editing keys are applied in typing order."""


class InOrderInput(KeysInOrder, Input):
    """An ``Input`` whose editing keys are applied in typing order."""
