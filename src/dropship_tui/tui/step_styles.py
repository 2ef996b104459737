"""The fulfillment steps' styles, read as the app starts instead of as step 1 opens.

Textual parses a screen's ``CSS_PATH`` file the first time such a screen is pushed, and
then parses every stylesheet again and restyles every screen of the app; a widget class's
``DEFAULT_CSS`` is added the first time one is mounted, and each new source makes the
next restyle parse and rebuild the rule map. On a 200-line order that was about a third
of opening step 1 (issue 13 item 9: < 150 ms). Read before the app's first parse, they
are parsed once with the app's own stylesheet; the screens still name their file (the
same path: Textual sees it is already read).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from textual import events
from textual.app import App
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Button

from dropship_tui.tui.widgets.line_grid import CellEditor, GridHead, LineGrid
from dropship_tui.tui.widgets.scan_field import ScanField
from dropship_tui.tui.widgets.step_indicator import StepIndicator

STEP_CSS = (Path(__file__).parent / "styles" / "fulfillment.tcss").resolve()
"""The file the step screens name in ``CSS_PATH`` (resolved, as Textual resolves it)."""

STEP_WIDGETS: tuple[type[DOMNode], ...] = (
    GridHead, VerticalScroll, StepIndicator, LineGrid, ScanField, Button, CellEditor,
)
"""The widget classes a step screen mounts that the dashboard does not."""


def preload(app: App) -> None:
    """Add the step screens' stylesheet and their widgets' default CSS to ``app``'s
    stylesheet (call before the app runs: they are parsed with its first parse). The
    sources are the ones Textual itself would add (``_get_default_css``), so its own later
    ``add_source`` for them changes nothing."""
    app.css_path.append(STEP_CSS)
    for cls in STEP_WIDGETS:
        bases = SimpleNamespace(_node_bases=DOMNode._css_bases(cls))
        for read_from, css, tie_breaker, scope in DOMNode._get_default_css(bases):  # type: ignore[arg-type]
            app.stylesheet.add_source(css, read_from=read_from, is_default_css=True, tie_breaker=tie_breaker, scope=scope)


class StyledAtMount:
    """Mixin for the step screens (put it before ``Screen`` in the bases): the first
    ``ScreenResume``, the one ``push_screen`` sends right after the screen's mount, keeps
    the styles the mount has just applied instead of applying the whole stylesheet to
    every node again (``refresh_styles``). Textual restyles a screen as it resumes for
    what may have changed while it was covered (a theme, a class); a screen that was
    never covered has nothing to catch up on, and the second pass was about 25 ms of
    opening a step (issue 13 item 9). Later resumes (back from a modal) restyle as usual.
    Classes and pseudo-classes set meanwhile (``-narrow``, focus, disabled) restyle
    their own nodes as they change."""

    _resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
