"""How many bytes the app writes to the terminal on a slow link, step by step.

    python benchmarks/bandwidth.py                 # a 2,000-order demo store, 120×36
    python benchmarks/bandwidth.py --db PATH       # an existing store (it is changed:
                                                   # one New order gets acknowledged)

Runs the real ``dropship-tui --low-bandwidth`` in a pseudo-terminal (``pty``) at 120×36,
sends keys as a terminal would and counts the bytes the app writes until it goes quiet:

* the first paint of the dashboard;
* the idle dashboard with the live poll on (``live_seconds`` 2, the default) for
  ``--idle`` seconds (10): target 0 bytes (issue 13 item 12: nothing new, nothing
  written); then another connection cancels a New order, to show the poll was running:
  the bytes of that repaint, and whether it came within 5 s;
* 20 cursor moves (down), each counted on its own (target: well under 1 KB a move);
* opening the order under the cursor (enter);
* the full-quantity acknowledgement of one New order (back, tile 2 "New", ``f``, then
  the acknowledgement screen's confirm key, ctrl+s).

It also checks that no mouse tracking was switched on (``--low-bandwidth`` starts the
app with ``mouse=False``). Exit status 1 if a cursor move costs 1 KB or more, or the idle dashboard writes anything.
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

COLS, ROWS = 120, 36
MOVE_TARGET = 1024
IDLE_TARGET = 0
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

    def read_until_quiet(self, quiet: float, limit: float = 30.0, min_bytes: int = 0) -> int:
        """Read what the app writes until it has been silent for ``quiet`` seconds (and
        at least ``min_bytes`` came); the number of bytes read."""
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
        first = term.read_until_quiet(1.0, min_bytes=2000)
        print(f"{'first paint (dashboard)':<40} {first:8,} bytes")

        idle = term.read_for(args.idle)
        ok &= idle <= IDLE_TARGET
        print(f"{f'idle dashboard, live poll on ({args.idle:g} s)':<40} {idle:8,} bytes   "
              f"(target {IDLE_TARGET} B)   {'ok' if idle <= IDLE_TARGET else 'MISSED'}")
        po = cancel_one_new_order(db)
        seen = term.first_output_within(LIVE_WITHIN + 1)
        live = term.read_until_quiet(args.quiet * 2)
        alive = term.proc.poll() is None
        print(f"{f'  PO {po} canceled by another terminal':<40} {live:8,} bytes   shown after "
              + (f"{seen:.1f} s (target < {LIVE_WITHIN:g} s)   {'ok' if seen < LIVE_WITHIN else 'MISSED'}"
                 if seen is not None else "— NOT SHOWN"))
        ok &= seen is not None and seen < LIVE_WITHIN and live > 0 and alive
        if not alive:
            print("  the app is no longer running: the idle figure means nothing")
        before = stage_counts(db)


        moves = []
        for _ in range(20):
            term.send(b"\x1b[B")
            moves.append(term.read_until_quiet(args.quiet))
        worst = max(moves)
        ok &= worst < MOVE_TARGET
        print(
            f"{'20 cursor moves':<40} {sum(moves):8,} bytes   per move: median {sorted(moves)[10]:,}, "
            f"worst {worst:,} (target < {MOVE_TARGET:,})   {'ok' if worst < MOVE_TARGET else 'MISSED'}"
        )

        term.send(b"\r")
        opened = term.read_until_quiet(args.quiet * 2)
        print(f"{'open the order (enter)':<40} {opened:8,} bytes")

        term.send(b"\x1b")  # back to the dashboard
        back = term.read_until_quiet(args.quiet * 2)
        term.send(b"2")  # the New tile
        new = term.read_until_quiet(args.quiet * 2)
        term.send(b"f")
        ack_screen = term.read_until_quiet(args.quiet * 2)
        term.send(b"\x13")  # ctrl+s: acknowledge with the full quantities
        confirmed = term.read_until_quiet(args.quiet * 3)
        print(f"{'back to the dashboard (esc)':<40} {back:8,} bytes")
        print(f"{'filter New (2)':<40} {new:8,} bytes")
        print(f"{'open the acknowledgement (f)':<40} {ack_screen:8,} bytes")
        print(f"{'acknowledge in full (ctrl+s)':<40} {confirmed:8,} bytes")
        print(f"{'  whole acknowledgement (f + ctrl+s)':<40} {ack_screen + confirmed:8,} bytes")
        after = stage_counts(db)

        term.close()
        done = after.new == before.new - 1 and after.in_progress == before.in_progress + 1
        print(f"  order acknowledged in the store: {'yes' if done else 'NO'} "
              f"(New {before.new} -> {after.new}, In progress {before.in_progress} -> {after.in_progress})")
        mouse = [seq.decode() for seq in MOUSE_ON if seq in term.log]
        print(f"mouse tracking switched on: {'yes ' + repr(mouse) if mouse else 'no'}")
        ok &= not mouse
    finally:
        term.close()
        temp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
