"""The dashboard's search field: as you type, the list narrows (the screen debounces)."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.binding import Binding
from textual.widgets import Input


class SearchBox(Input):
    """Enter (or down) hands the focus to the list at once, not via a message, and a key
    that arrives after that in the same burst (a fast "/1017⏎⏎") goes on to the widget
    that has the focus now, so it acts on the list instead of landing in the box.
    """

    BINDINGS = [
        Binding("enter,down", "search_done", "To list", show=False, id="search.done",
                tooltip="Keep the search and move to the list"),
        Binding("escape", "search_cancel", "Cancel search", show=False, id="search.cancel",
                tooltip="Clear the search and close the box"),
    ]

    def __init__(self, *, on_done: Callable[[], None], on_cancel: Callable[[], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._on_done = on_done
        self._on_cancel = on_cancel

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.prevent_default()
            event.stop()
            focused.post_message(events.Key(event.key, event.character))

    def action_submit(self) -> None:
        self._on_done()

    def action_search_done(self) -> None:
        self._on_done()

    def action_search_cancel(self) -> None:
        self._on_cancel()
