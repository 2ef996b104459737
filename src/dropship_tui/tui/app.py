"""The Textual app: wires a store and the user's config to the screens.

``DropshipApp(store, config, clock=None)`` opens on the dashboard. Every screen reaches
the store as ``self.app.store`` and the settings as ``self.app.config``; store calls from
worker threads take ``self.app.store_lock`` so two of them never share the connection at
the same moment. Key remaps from the config's ``[keymap]`` go to ``App.set_keymap``;
``low_bandwidth`` turns off animations, the blinking cursor and the loading spinners
(mouse tracking is turned off by ``commands.tui`` when it starts the app).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen

from dropship_tui.tui.keymap import bindings, check_keymap, clean_keymap
from dropship_tui.tui.screens.dashboard import DashboardScreen
from dropship_tui.tui.modals.help import HelpScreen, screen_keys


def _unsaved(screen: Screen) -> str | None:
    check = getattr(screen, "unsaved_changes", None)
    return check() if callable(check) else None


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class DropshipApp(App[None]):
    TITLE = "dropship-tui"
    CSS_PATH = "styles/app.tcss"
    BINDINGS = bindings("app.help", "app.quit", "app.palette")
    ENABLE_COMMAND_PALETTE = True

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Toasts carry user data (SKUs, names, tracking numbers, file paths), so they are
        always plain text: ``[SKU-1]`` must not vanish and ``[/x]`` must not crash. One
        place for every screen, instead of ``markup=False`` at each call."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    async def action_quit(self) -> None:
        """Quit, but ask first when a screen holds typed work that is not saved."""
        lost = [what for screen in self.screen_stack if (what := _unsaved(screen))]
        if not lost:
            self.exit()
            return
        from dropship_tui.tui.modals.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmModal(f"Quit and lose {' and '.join(lost)}?"), answered)

    def __init__(
        self,
        store: Any,
        config: Any = None,
        *,
        clock: Callable[[], datetime] | None = None,
        store_label: str = "",
        db_option: str = "",
        low_bandwidth: bool | None = None,
    ) -> None:
        if config is None:
            from dropship_tui.config import Config

            config = Config()
        self.store = store
        self.config = config
        self.clock = clock or getattr(store, "clock", None) or _utc_now
        self.store_lock = threading.RLock()
        self.store_label = store_label
        self.db_option = db_option
        """`` --db PATH`` when the store is not the default one (for command hints)."""
        self.low_bandwidth = bool(getattr(config, "low_bandwidth", False) if low_bandwidth is None else low_bandwidth)
        super().__init__()
        if self.low_bandwidth:
            self.animation_level = "none"
        theme = getattr(config, "theme", None)
        if theme and theme in self.available_themes:
            self.theme = theme
        keymap = clean_keymap(getattr(config, "keymap", None))
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        self.push_screen(DashboardScreen())
        self._check_keymap()

    def _check_keymap(self) -> None:
        """Say so when the config's [keymap] names an action that does not exist (a typo
        would otherwise be silently ignored)."""
        keymap = getattr(self.config, "keymap", None)
        if not keymap:
            return
        try:  # the order screens register their action ids when imported
            from dropship_tui.tui.screens import order_screen  # noqa: F401
        except Exception:
            pass
        for problem in check_keymap(keymap):
            self.notify(problem, severity="warning", timeout=10, markup=False)

    def push_screen(self, screen, *args, **kwargs):
        result = super().push_screen(screen, *args, **kwargs)
        if self.low_bandwidth:
            self.call_after_refresh(self._steady_cursors)
        return result

    def _steady_cursors(self) -> None:
        """Low bandwidth: no blinking text cursors on any screen (a blink is a repaint
        twice a second, for nothing)."""
        for widget in self.screen.query("Input, TextArea"):
            widget.cursor_blink = False

    # --- help and the command palette ---------------------------------------------

    def action_show_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists every action of the current screen (by its description and
        current key), then Textual's own (theme, quit...)."""
        seen = set()
        for group, keys, description, ident in screen_keys(screen):
            if ident in ("app.palette",) or ident in seen:
                continue
            seen.add(ident)
            active = next(
                (a for a in screen.active_bindings.values() if (a.binding.id or a.binding.action) == ident),
                None,
            )
            if active is None:
                continue
            title = active.binding.description or ident
            yield SystemCommand(
                f"{title} ({keys})",
                description,
                partial(self._run_binding, active.binding.action, active.node),
            )
        for command in super().get_system_commands(screen):
            if command.title not in ("Keys", "Quit"):
                yield command

    async def _run_binding(self, action: str, node) -> None:
        await self.run_action(action, node)
