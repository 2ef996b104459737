"""The footer of every screen: Textual's, compact and without the command palette key
below ``NARROW`` columns, so an 80-column terminal still shows every key of the screen
up to "F1 Help" (the palette is listed under F1 as well; ctrl+p still opens it)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.screen import Screen
from textual.widgets import Footer

NARROW = 100


class KeyFooter(Footer):
    """Rebuilt only when what it shows changes: Textual's footer rebuilds on every change
    of the screen's bindings (each focus move sends one), so opening a step rebuilt it
    three or four times, each a layout of 16-26 ms before the first key and a repaint of
    the footer row over a slow link, mostly with the same keys."""

    _shown: tuple | None = None
    """The keys the footer shows now (``_keys``); None: not built from the bindings yet."""
    _rebuild_due = False

    def _keys(self) -> tuple:
        """What ``Footer.compose`` draws from: each shown binding with its state and the
        key as displayed (a user's keymap changes that)."""
        return tuple(
            (binding.key, self.app.get_key_display(binding), binding.action, binding.description,
             enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not (self.is_attached and screen is self.screen):
            return
        if not self._rebuild_due:  # several changes before the next frame: one rebuild
            self._rebuild_due = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_due = False
        if not self.is_attached:  # its screen went meanwhile
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()

    def on_mount(self) -> None:
        self._fit(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        # The footer spans the screen: its own new width is the terminal's (the app's
        # size may not be updated yet when this arrives).
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        narrow = width < NARROW
        if self.compact != narrow:
            self.compact = narrow
        if self.show_command_palette == narrow:
            self.show_command_palette = not narrow
            if self.is_mounted:
                self._shown = None  # the palette key is composed once: rebuild
                self.call_after_refresh(self._rebuild)
