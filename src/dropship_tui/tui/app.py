"""The Textual app: wires a store and the user's config to the screens.

``DropshipApp(store, config)`` opens on the dashboard. Every screen reaches
the store as ``self.app.store`` (through ``workers``: in thread workers, under the store's
lock) and the settings as ``self.app.config``; where a screen goes next is
``navigation``'s to say. Key remaps from the config's ``[keymap]`` go to
``App.set_keymap`` (unknown ids are reported once the dashboard is up);
``low_bandwidth`` turns off animations, the blinking cursor and the loading spinners
(mouse tracking is turned off by ``cli.tui`` when it starts the app), and writes each
screen update through the frame diff (``tui.frames``): only the cells that changed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import partial

from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.geometry import Offset
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer

from dropship_tui.config import Config
from dropship_tui.domain.words import terminal_text
from dropship_tui.store.base import Store
from dropship_tui.tui.frames import Frames
from dropship_tui.tui.keymap import check_keymap, clean_keymap
from dropship_tui.tui.modals.confirm import ConfirmModal
from dropship_tui.tui.modals.help import HelpScreen, screen_keys
from dropship_tui.tui import step_styles
from dropship_tui.tui.idle_gc import CHECK_EVERY, IdleCollector
from dropship_tui.tui.navigation import Navigation, bound_classes
from dropship_tui.tui.textual_updates import (
    can_diff,
    is_layout,
    painting,
    placements,
    terminal_cursor,
    write_terminal,
)

HOLD_QUIET = 0.06
"""Low bandwidth, after a screen change: the output waits until the screen has had no
update, and no worker has run, for this long (its first data is in)..."""
HOLD_MAX = 0.5
"""...or this long at most after its first update (a slow store: the loading state is
shown after all)."""
HOLD_EMPTY = 2.0
"""A screen change that brings no update at all in this long is held no more."""


def _unsaved(screen: Screen) -> str | None:
    check = getattr(screen, "unsaved_changes", None)
    return check() if callable(check) else None


class DropshipApp(Navigation):
    TITLE = "dropship-tui"
    CSS_PATH = "styles/app.tcss"
    BINDINGS = [
        Binding("question_mark", "app.show_help", "Help", show=False, id="app.help", tooltip="List every key of this screen"),
        Binding("f1", "app.show_help", "Help", priority=True, id="app.help_anywhere",
                tooltip="List every key of this screen (also while typing in a field, where ? is a character)"),
        Binding("q", "app.quit", "Quit", id="app.quit", tooltip="Leave the app"),
        Binding("ctrl+p", "app.command_palette", "Commands", show=False, id="app.palette",
                tooltip="Search every action of this screen by name"),
        Binding("R", "app.open_scorecard", "Scorecard", show=False, id="app.scorecard",
                tooltip="Vendor scorecards: fill rate, on-time rates, cancellations (from the dashboard)"),
    ]
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
        always plain text, each line through ``terminal_text``: ``[SKU-1]`` must not
        vanish, ``[/x]`` must not crash and an escape code is never run. One place for
        every screen, instead of ``markup=False`` at each call."""
        shown = "\n".join(terminal_text(line) for line in message.split("\n"))
        super().notify(shown, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c copies in a text field and never quits: say what does."""
        self.notify("ctrl+c does not quit: press q to quit (ctrl+q while typing in a field)", timeout=4)

    async def action_quit(self) -> None:
        """Quit, but ask first when a screen holds typed work that is not saved."""
        lost = [what for screen in self.screen_stack if (what := _unsaved(screen))]
        if not lost:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmModal(f"Quit and lose {' and '.join(lost)}?"), answered)

    def __init__(
        self,
        store: Store,
        config: Config | None = None,
        *,
        store_label: str = "",
        db_option: str = "",
        low_bandwidth: bool | None = None,
    ) -> None:
        if config is None:
            config = Config()
        self.store = store
        self.config = config
        self.store_label = store_label
        self.db_option = db_option
        """`` --db PATH`` when the store is not the default one (for command hints)."""
        self.low_bandwidth = config.low_bandwidth if low_bandwidth is None else low_bandwidth
        self._frames = Frames() if self.low_bandwidth else None
        self._frame_cursor = Offset(0, 0)
        self._last_update = 0.0
        self._held_since: float | None = None
        self._first_held = 0.0
        self._last_busy = 0.0
        self._hold_timer: Timer | None = None
        self._collector = IdleCollector()  # full GCs between keys (issue 13 item 9)
        super().__init__()
        step_styles.preload(self)  # opening step 1 then parses no stylesheet (issue 13 item 9)
        if self.low_bandwidth:
            self.animation_level = "none"
        if config.theme in self.available_themes:
            self.theme = config.theme
        keymap = clean_keymap(config.keymap)
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        self._collector.start()
        self.set_interval(CHECK_EVERY, self._collector.tick)
        if self._frames is not None:
            self.app_resume_signal.subscribe(self, lambda _app: self._forget_frame())
            self._hold_timer = self.set_interval(0.02, self._check_hold, pause=True)
        self.open_dashboard()
        self._check_keymap()

    def on_unmount(self) -> None:
        self._collector.stop()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._collector.saw_input()
        await super().on_event(event)

    # --- low bandwidth: the frame diff ----------------------------------------------

    def _display(self, screen: Screen, renderable) -> None:
        """Low bandwidth: each screen update writes only the cells that differ from what
        the terminal shows (``tui.frames``), and after a screen change the updates of
        the first moments are written as one; anything else is Textual's own, after
        which the kept frame means nothing."""
        frames = self._frames
        if frames is None or renderable is None:
            super()._display(screen, renderable)
            return
        if not can_diff(self, renderable):
            frames.forget()
            super()._display(screen, renderable)
            return
        try:
            if is_layout(renderable):
                self._steady_cursors()  # a new layout: maybe fields mounted with the data
            if painting(self):
                frames.apply(placements(renderable), self.size, self.console)
                self._frame_cursor = terminal_cursor(self)
                now = time.monotonic()
                if self._held_since is None:
                    self._send_frame()
                elif self._last_update <= self._held_since:
                    self._first_held = now
                self._last_update = now
        except Exception as error:  # as Textual's own: the app shows it and exits
            self._handle_exception(error)
        finally:
            self.post_display_hook()

    def _send_frame(self) -> None:
        data = self._frames.flush(self._frame_cursor)
        if data:
            self._write_frame(data)

    def _write_frame(self, data: str) -> None:
        write_terminal(self, data)

    def _hold_frames(self) -> None:
        """A screen is about to change: its intermediate layouts (mounting, a loading
        state replaced as soon as the data is in, a footer recomposed) are not written;
        the screen it settles on is, once."""
        if self._hold_timer is not None:
            self._held_since = time.monotonic()
            self._hold_timer.resume()

    def _check_hold(self) -> None:
        since = self._held_since
        if since is None:
            return
        now = time.monotonic()
        if self._last_update <= since and now - since < HOLD_EMPTY:
            return  # nothing composed yet (a big screen can take a while to mount)
        if any(worker.is_running for worker in self.workers):
            self._last_busy = now  # its result is still to be shown
        settled = now - max(self._last_update, self._last_busy) >= HOLD_QUIET
        if settled or now - max(self._first_held, since) >= HOLD_MAX:
            self._held_since = None
            if self._hold_timer is not None:
                self._hold_timer.pause()
            self._send_frame()

    def _set_pointer_shape(self, shape: str) -> None:
        """Low bandwidth has no mouse tracking: no mouse pointer shape to set on each
        screen change (Textual's escape code, 13 bytes, for nothing)."""
        if not self.low_bandwidth:
            super()._set_pointer_shape(shape)

    def on_resize(self) -> None:
        """A resized terminal may have moved or dropped what it showed: the next update
        is written in full."""
        self._forget_frame()

    def _forget_frame(self) -> None:
        if self._frames is not None:
            self._frames.forget()

    def _check_keymap(self) -> None:
        """Say so when the config's [keymap] names an action that does not exist (a typo
        would otherwise be silently ignored)."""
        keymap = self.config.keymap
        if not keymap:
            return
        for problem in check_keymap(keymap, [type(self), *bound_classes()]):
            self.notify(problem, severity="warning", timeout=10)

    def push_screen(self, screen, *args, **kwargs):
        self._hold_frames()
        result = super().push_screen(screen, *args, **kwargs)
        if self.low_bandwidth:
            self.call_after_refresh(self._steady_cursors)
        return result

    def pop_screen(self):
        self._hold_frames()
        return super().pop_screen()

    def switch_screen(self, screen):
        self._hold_frames()
        result = super().switch_screen(screen)
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
