"""The low-bandwidth frame diff (``tui.frames``, issue 16) writes exactly what Textual
meant to draw.

A scripted session of the real app (dashboard, cursor moves, an order opened, back, the
New tile, a full acknowledgement, a resize and back, a toast, the help screen, a resume
from suspend), with names such as ``[bold]Ann[/]`` and ``Ωμέγα 北京``, is recorded
update by update. Textual's own bytes of each update (``render_segments``) go to one
terminal emulator (pyte), what the app writes through its frame diff (held after a
screen change, then written at once) to another. After every step, once the app has
written what it held, the two screens must be equal, cell by cell, character and style.
This also fails if Textual changes the update objects ``tui.textual_updates`` reads.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyte
import pytest
from factories import line, order
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Offset, Size
from textual.strip import Strip
from tui_support import make_app, sample_orders, settle

from dropship_tui.tui import app as app_module
from dropship_tui.tui.app import DropshipApp
from dropship_tui.tui.frames import Frames
from dropship_tui.tui.textual_updates import can_diff, painting

pytestmark = pytest.mark.anyio

HOSTILE = [
    order(po=2001, lines=[line(1, qty=3, sku="[0]")], first_name="[bold]Ann[/]", last_name="<b>&amp;", hours_old=1),
    order(po=2002, lines=[line(1, qty=2, sku="SKU-北京")], first_name="Ωμέγα", last_name="北京", hours_old=3),
]


def _cells(screen: pyte.Screen) -> list[list[tuple]]:
    return [
        [(c.data, c.fg, c.bg, c.bold, c.italics, c.underscore, c.strikethrough, c.reverse)
         for c in (screen.buffer[y][x] for x in range(screen.columns))]
        for y in range(screen.lines)
    ]


class _Recorded(DropshipApp):
    """The real app: Textual's bytes of every update it would write go to one emulator,
    what the app writes through its frame diff to the other."""

    CSS_PATH = str(Path(app_module.__file__).parent / DropshipApp.CSS_PATH)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.textual = pyte.Screen(120, 36)
        self.ours = pyte.Screen(120, 36)
        self.feeds = (pyte.Stream(self.textual).feed, pyte.Stream(self.ours).feed)
        self.updates = self.writes = self.textual_bytes = self.our_bytes = 0

    def _display(self, screen, renderable) -> None:
        if renderable is not None and can_diff(self, renderable) and painting(self):
            self._fit()
            theirs = renderable.render_segments(self.console)
            self.feeds[0](theirs)
            self.updates += 1
            self.textual_bytes += len(theirs.encode())
        super()._display(screen, renderable)

    def _write_frame(self, data: str) -> None:
        self._fit()
        self.feeds[1](data)
        self.writes += 1
        self.our_bytes += len(data.encode())

    def _fit(self) -> None:
        for emulator in (self.textual, self.ours):
            if (emulator.columns, emulator.lines) != tuple(self.size):
                emulator.resize(self.size.height, self.size.width)


async def _steady(pilot) -> None:
    """Workers done, and the frames held after a screen change written. On a loaded
    machine the write can land a few ticks after the hold ends, so wait (up to 10 s)
    for the emulated screens to agree too: a diff that never catches up still fails."""
    await settle(pilot)
    for _ in range(500):
        if pilot.app._held_since is None and not (isinstance(pilot.app, _Recorded) and _differ(pilot.app)):
            break
        await pilot.pause(0.02)
    await pilot.pause()


def _differ(app: _Recorded) -> list[int]:
    return [y for y, (a, b) in enumerate(zip(_cells(app.textual), _cells(app.ours))) if a != b]


def test_the_diffed_screen_equals_textuals_through_a_whole_session(tmp_path):
    """Run in a fresh interpreter, as the app always is: after some other tests in the
    same process (one drawing hostile names, then a screenshot) Textual's own first
    paint comes out in other colours than the console reports, which no real session
    sees; a fresh process keeps this test about the diff alone."""
    script = (
        "import asyncio, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "import test_tui_frames as t; asyncio.run(t.whole_session(Path(sys.argv[2])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent), str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]


async def whole_session(tmp_path: Path) -> None:
    base = make_app(tmp_path, [*sample_orders(), *HOSTILE], advance=True, low_bandwidth=True)
    app = _Recorded(base.store, base.config, low_bandwidth=True)
    steps = [
        ("down", "move"), ("down", "move"), ("down", "move"), ("up", "move"), ("enter", "open"),
        ("escape", "back"), ("2", "New"), ("f", "acknowledge"), ("ctrl+s", "confirm"),
        ((80, 24), "resize"), ((120, 36), "resize back"), ("[SKU-1] Ωμέγα 北京 saved", "toast"),
        ("escape", "back"), ("question_mark", "help"), ("escape", "close help"),
    ]
    async with app.run_test(size=(120, 36)) as pilot:
        await _steady(pilot)
        assert not _differ(app), "first paint"
        for what, step in steps:
            if isinstance(what, tuple):
                await pilot.resize_terminal(*what)
            elif step == "toast":
                app.notify(what)
            else:
                await pilot.press(what)
            await _steady(pilot)
            assert not _differ(app), f"after {step!r}: rows {_differ(app)} differ"
        # back from a suspend (ctrl+z, an editor) the terminal may show anything: the
        # whole screen is written again
        written = app.our_bytes
        app.app_resume_signal.publish(app)
        app.refresh(layout=True)
        await _steady(pilot)
        assert app.our_bytes - written >= 120 * 36
        assert not _differ(app), "after a resume"
        # the frame the diff keeps is the screen Textual composes now
        kept = ["".join(cell[0] for cell in row if cell is not None) for row in app._frames.rows()]
        composed = ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]
        assert [r.rstrip() for r in kept] == [r.rstrip() for r in composed]
    assert app.updates > 10
    # and it is worth it: fewer writes (a screen change held and written once) and far
    # fewer bytes than Textual's own repaints
    assert app.writes < app.updates
    assert app.our_bytes * 3 < app.textual_bytes, (app.our_bytes, app.textual_bytes)


def _screen_after(*streams: str, size=(20, 3)) -> list[list[tuple]]:
    screen = pyte.Screen(*size)
    feed = pyte.Stream(screen).feed
    for data in streams:
        feed(data)
    return _cells(screen)


def test_an_unchanged_repaint_writes_nothing_and_a_change_only_its_cells():
    frames = Frames()
    console = Console(color_system="truecolor", width=20)
    blue = Style(color="#0000ff", bgcolor="#101010")
    red = Style(color="#ff0000", bgcolor="#101010")
    rows = [Strip([Segment("hello world".ljust(20), blue)]) for _ in range(3)]
    size = Size(20, 3)
    first = frames.render(((0, y, strip) for y, strip in enumerate(rows)), size, console, Offset(0, 0))
    assert frames.render(((0, y, strip) for y, strip in enumerate(rows)), size, console, Offset(0, 0)) == ""
    changed = [rows[0], Strip([Segment("hello ", blue), Segment("W", red), Segment("orld".ljust(13), blue)]), rows[2]]
    second = frames.render(((0, y, strip) for y, strip in enumerate(changed)), size, console, Offset(0, 0))
    assert "W" in second and "hello" not in second and "orld" not in second
    expected = _screen_after("".join(
        f"\x1b[{y + 1};1H" + strip.render(console) for y, strip in enumerate(changed)
    ))
    assert _screen_after(first, second) == expected


def test_a_wide_character_half_overwritten_is_mended():
    """A narrow character written over the right half of a wide one: the left half shows
    a space, written so, and the kept frame says so."""
    console = Console(color_system="truecolor", width=6)
    plain = Style(color="#ffffff", bgcolor="#000000")
    frames = Frames()
    size = Size(6, 1)
    first = frames.render([(0, 0, Strip([Segment("a北京b", plain)]))], size, console, Offset(0, 0))
    second = frames.render([(2, 0, Strip([Segment("x", plain)]))], size, console, Offset(0, 0))
    assert [cell[0] for cell in frames.rows()[0]] == ["a", " ", "x", "京", "", "b"]
    assert [cell[0] for cell in _screen_after(first, second, size=(6, 1))[0]] == ["a", " ", "x", "京", "", "b"]


def test_the_textual_internals_the_app_replaces_are_still_there():
    """The app overrides or reads these Textual internals in low-bandwidth mode; were one
    renamed, the override would silently stop working."""
    from textual.app import App

    for name in ("_display", "_set_pointer_shape", "_begin_update", "_end_update", "_handle_exception"):
        assert callable(getattr(App, name, None)), name
    app = App()
    for name in ("_batch_count", "_running", "_closed", "_driver"):
        assert hasattr(app, name), name


def test_a_link_is_opened_and_closed_and_a_new_style_object_for_it_writes_nothing():
    """The tracking link of the order detail: a re-rendered link (a new style, a new
    random id) is the same cells; the link is closed where it ends."""
    console = Console(color_system="truecolor", width=12)
    frames = Frames()
    size = Size(12, 1)

    def strip() -> Strip:
        link = Style(link="https://track.example/1Z", underline=True, color="#ffffff")
        return Strip([Segment("see ", Style(color="#ffffff")), Segment("1Z99", link), Segment("    ")])

    first = frames.render([(0, 0, strip())], size, console, Offset(0, 0))
    assert first.index("\x1b]8;;https://track.example/1Z") < first.index("1Z99") < first.index("\x1b]8;;\x1b\\")
    assert frames.render([(0, 0, strip())], size, console, Offset(0, 0)) == ""
