"""How many bytes the app writes to the terminal on a slow link, step by step.

    python benchmarks/bandwidth.py                 # a 2,000-order demo store, 120×36
    python benchmarks/bandwidth.py --db PATH       # an existing store (it is changed:
                                                   # one New order gets acknowledged)

(pyte, the terminal emulator for the floor, comes with ``pip install -e '.[test]'``.)

Runs the real ``dropship-tui --low-bandwidth`` in a pseudo-terminal (``pty``) at 120×36,
sends keys as a terminal would and counts the bytes the app writes until it goes quiet:

* the first paint of the dashboard;
* the idle dashboard with the live poll on (``live_seconds`` 2, the default) for
  ``--idle`` seconds (10): target 0 bytes (issue 13 item 12: nothing new, nothing
  written); then another connection cancels a New order, to show the poll was running:
  the bytes of that repaint, and whether it came within 5 s;
* 20 cursor moves (down), each counted on its own;
* opening the order under the cursor (enter), and back to the dashboard (esc);
* the full-quantity acknowledgement of one New order (back, tile 2 "New", ``f``, then
  the acknowledgement screen's confirm key, ctrl+s), and the screen it leads to, idle
  for ``--idle`` seconds (a blinking cursor there would write twice a second).

It also checks that no mouse tracking was switched on (``--low-bandwidth`` starts the
app with ``mouse=False``).

Each step's bytes are printed beside a FLOOR measured here: everything the app writes is
fed to a terminal emulator (pyte), and the cells that differ between the screen before
and after the step are counted; the floor in bytes is what an ideal writer needs for
them: each changed cell's character (UTF-8), a cursor move where a run of changed cells
starts and a style code where the style changes (only the parts that change). Targets
(issue 16, 120×36): opening an order <= 13 KB, ``f`` + ctrl+s <= 18 KB, back to the
dashboard <= 20 KB, a cursor move <= 600 B, the idle dashboard 0 B. Exit status 1 if any
is missed.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import pyte
import pyte.graphics

COLS, ROWS = 120, 36
MOVE_TARGET = 600
IDLE_TARGET = 0
OPEN_TARGET = 13_000
ACK_TARGET = 18_000
BACK_TARGET = 20_000
SCREEN_CHANGE = 500
"""A step that changes the screen writes at least this much: its end is looked for only
after that (the app holds a new screen's first updates until it settles, so it may be
silent for a while first)."""
LIVE_WITHIN = 5.0
MOUSE_ON = (b"\x1b[?1000h", b"\x1b[?1003h", b"\x1b[?1006h")


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.log = bytearray()
        self.screen = pyte.Screen(COLS, ROWS)
        self._stream = pyte.ByteStream(self.screen)

    def cells(self) -> list[list[tuple]]:
        """The emulated screen now: each cell's character and style."""
        buffer = self.screen.buffer
        return [
            [(c.data, c.fg, c.bg, c.bold, c.italics, c.underscore, c.strikethrough, c.reverse, c.blink)
             for c in (buffer[y][x] for x in range(COLS))]
            for y in range(ROWS)
        ]

    def read_until_quiet(self, quiet: float, limit: float = 30.0, min_bytes: int = 0) -> int:
        """Read what the app writes until it has been silent for ``quiet`` seconds (and
        at least ``min_bytes`` came: a step that changes the screen waits for its first
        byte however long the app takes); the number of bytes read."""
        got = 0
        start = last = time.monotonic()
        while True:
            now = time.monotonic()
            if now - start > limit:
                break
            if got >= min_bytes and now - last > quiet:
                break
            chunk = self._read(0.02)
            if chunk is None:
                break
            if chunk:
                got += len(chunk)
                last = time.monotonic()
        return got

    def _read(self, wait: float) -> bytes | None:
        """What the app wrote within ``wait`` seconds (b"" for nothing), kept in the log;
        None once it has closed its terminal."""
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return b""
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return None
        if not chunk:
            return None
        self.log += chunk
        self._stream.feed(chunk)
        return chunk

    def read_for(self, seconds: float) -> int:
        """Everything the app writes in the next ``seconds`` (a clock, not silence)."""
        got = 0
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            chunk = self._read(min(left, 0.05))
            if chunk is None:
                break
            got += len(chunk)
        return got

    def first_output_within(self, seconds: float) -> float | None:
        """Seconds until the app writes anything (None: nothing within ``seconds``)."""
        start = time.monotonic()
        ready, _, _ = select.select([self.master], [], [], seconds)
        return time.monotonic() - start if ready else None

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.master < 0:
            return
        if self.proc.poll() is None:
            try:
                self.send(b"q")
                self.proc.wait(timeout=5)
            except Exception:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
        os.close(self.master)
        self.master = -1


_ATTRS = ("1", "3", "4", "9", "7", "5")  # bold, italics, underscore, strikethrough, reverse, blink


_PALETTE = {value: index for index, value in reversed(list(enumerate(pyte.graphics.FG_BG_256)))}


def _color(value: str, background: bool) -> str:
    """The shortest SGR parameters for a pyte colour: a name (two digits), a colour of
    the 256-colour palette or six hex digits (true colour)."""
    if value == "default":
        return "49" if background else "39"
    if value in _PALETTE:
        return f"{48 if background else 38};5;{_PALETTE[value]}"
    if len(value) == 6 and all(ch in "0123456789abcdef" for ch in value):
        r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
        return f"{48 if background else 38};2;{r};{g};{b}"
    return "40" if background else "30"


def _sgr(previous: tuple | None, cell: tuple) -> int:
    """Bytes of the style code from the previous written cell's style to this one's."""
    if previous is not None and previous[1:] == cell[1:]:
        return 0
    if previous is None or any(a and not b for a, b in zip(previous[3:], cell[3:])):
        params = ["0"] + [code for code, on in zip(_ATTRS, cell[3:]) if on]
        params += [_color(cell[1], False), _color(cell[2], True)]
    else:
        params = [code for code, on, was in zip(_ATTRS, cell[3:], previous[3:]) if on and not was]
        if cell[1] != previous[1]:
            params.append(_color(cell[1], False))
        if cell[2] != previous[2]:
            params.append(_color(cell[2], True))
    return len("\x1b[" + ";".join(params) + "m")


def floor(before: list[list[tuple]], after: list[list[tuple]]) -> tuple[int, int]:
    """(cells that changed, the bytes an ideal writer needs for them): the style carries
    over from cell to cell and row to row, and a gap of unchanged cells costs the
    cheaper of a cursor move and rewriting it."""
    cells = size = 0
    previous = None
    for y, (old, new) in enumerate(zip(before, after)):
        last = None
        for x, (was, cell) in enumerate(zip(old, new)):
            if was == cell:
                continue
            cells += 1
            if last != x - 1:
                move = len(f"\x1b[{y + 1};{x + 1}H") if last is None else len(f"\x1b[{x - last - 1}C")
                gap = new[last + 1:x] if last is not None else None
                if gap and all(c[1:] == previous[1:] for c in gap):
                    move = min(move, sum(len(c[0].encode()) for c in gap))
                size += move
            size += _sgr(previous, cell) + len(cell[0].encode())
            previous, last = cell, x
    return cells, size


def figure(name: str, got: int, before: list, after: list, target: int | None = None) -> bool:
    """One step's line: bytes, floor, target; whether the target is met."""
    cells, least = floor(before, after)
    met = target is None or got <= target
    goal = f"target <= {target:,}  {'ok' if met else 'MISSED'}" if target is not None else ""
    print(f"{name:<40} {got:8,} bytes   floor {least:7,} B ({cells:5,} cells)   {goal}")
    return met


def build_store(folder: Path) -> Path:
    from dropship_tui.store.demo.builder import build_demo

    path = folder / "bandwidth.db"
    build_demo(path, orders=2_000, seed=3, fast=True)
    return path


def stage_counts(db: Path):
    from dropship_tui.store.sqlite.store import SqliteStore

    with SqliteStore(db) as store:
        return store.counts()


def cancel_one_new_order(db: Path) -> int | None:
    """Another connection (another terminal) cancels the first New order: its PO."""
    from dropship_tui.domain.models import Reason, ReasonCode, Stage
    from dropship_tui.store.base import OrderQuery
    from dropship_tui.store.sqlite.store import SqliteStore

    with SqliteStore(db, user="other-terminal") as store:
        rows = store.list_orders(OrderQuery(stage=Stage.NEW), offset=0, limit=1)
        if not rows:
            return None
        store.cancel(rows[0].po_number, None, Reason(code=ReasonCode.OUT_OF_STOCK))
        return rows[0].po_number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--quiet", type=float, default=0.4, help="seconds of silence that end a step")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds the idle dashboard is watched")
    args = parser.parse_args()

    temp = tempfile.TemporaryDirectory(prefix="dropship-bandwidth-")
    db = args.db or build_store(Path(temp.name))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "TZ": "UTC",
        "DROPSHIP_TUI_CONFIG": str(Path(temp.name) / "no-config.toml"),
        "COLUMNS": str(COLS),
        "LINES": str(ROWS),
    }
    before = stage_counts(db)
    term = Terminal([sys.executable, "-m", "dropship_tui", "--db", str(db), "--low-bandwidth"], env)
    ok = True
    try:
        blank = term.cells()
        first = term.read_until_quiet(1.0, min_bytes=2000)
        figure("first paint (dashboard)", first, blank, term.cells())

        shown = term.cells()
        idle = term.read_for(args.idle)
        ok &= figure(f"idle dashboard, live poll on ({args.idle:g} s)", idle, shown, term.cells(), IDLE_TARGET)
        shown = term.cells()
        po = cancel_one_new_order(db)
        seen = term.first_output_within(LIVE_WITHIN + 1)
        live = term.read_until_quiet(args.quiet * 2)
        alive = term.proc.poll() is None
        figure(f"  PO {po} canceled by another terminal", live, shown, term.cells())
        print("    shown after " + (f"{seen:.1f} s (target < {LIVE_WITHIN:g} s)   {'ok' if seen < LIVE_WITHIN else 'MISSED'}"
                                    if seen is not None else "— NOT SHOWN"))
        ok &= seen is not None and seen < LIVE_WITHIN and live > 0 and alive
        if not alive:
            print("  the app is no longer running: the idle figure means nothing")

        moves, floors = [], []
        for _ in range(20):
            shown = term.cells()
            term.send(b"\x1b[B")
            moves.append(term.read_until_quiet(args.quiet))
            floors.append(floor(shown, term.cells())[1])
        worst = max(moves)
        ok &= worst <= MOVE_TARGET
        print(
            f"{'20 cursor moves':<40} {sum(moves):8,} bytes   floor {sum(floors):7,} B   per move: median "
            f"{sorted(moves)[10]:,} (floor {sorted(floors)[10]:,}), worst {worst:,}   target <= {MOVE_TARGET:,}  "
            f"{'ok' if worst <= MOVE_TARGET else 'MISSED'}"
        )

        shown = term.cells()
        term.send(b"\r")
        opened = term.read_until_quiet(args.quiet * 2, min_bytes=SCREEN_CHANGE)
        ok &= figure("open the order (enter)", opened, shown, term.cells(), OPEN_TARGET)

        shown = term.cells()
        term.send(b"\x1b")  # back to the dashboard
        back = term.read_until_quiet(args.quiet * 2, min_bytes=SCREEN_CHANGE)
        ok &= figure("back to the dashboard (esc)", back, shown, term.cells(), BACK_TARGET)
        before = stage_counts(db)
        shown = term.cells()
        term.send(b"2")  # the New tile
        new = term.read_until_quiet(args.quiet * 2, min_bytes=1)
        figure("filter New (2)", new, shown, term.cells())
        dashboard = shown = term.cells()
        term.send(b"f")
        ack_screen = term.read_until_quiet(args.quiet * 2, min_bytes=SCREEN_CHANGE)
        figure("open the acknowledgement (f)", ack_screen, shown, term.cells())
        shown = term.cells()
        term.send(b"\x13")  # ctrl+s: acknowledge with the full quantities
        confirmed = term.read_until_quiet(args.quiet * 3, min_bytes=SCREEN_CHANGE)
        figure("acknowledge in full (ctrl+s)", confirmed, shown, term.cells())
        ok &= figure("  whole acknowledgement (f + ctrl+s)", ack_screen + confirmed, dashboard, term.cells(), ACK_TARGET)
        shown = term.cells()
        still = term.read_for(args.idle)
        figure(f"idle on the next step's screen ({args.idle:g} s)", still, shown, term.cells())
        after = stage_counts(db)

        term.close()
        done = after.new == before.new - 1 and after.in_progress == before.in_progress + 1
        ok &= done
        print(f"  order acknowledged in the store: {'yes' if done else 'NO'} "
              f"(New {before.new} -> {after.new}, In progress {before.in_progress} -> {after.in_progress})")
        mouse = [seq.decode() for seq in MOUSE_ON if seq in term.log]
        print(f"mouse tracking switched on: {'yes ' + repr(mouse) if mouse else 'no'}")
        ok &= not mouse
        print(f"load average: {os.getloadavg()[0]:.2f}")
    finally:
        term.close()
        temp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
