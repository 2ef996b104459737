"""Full garbage collections while the user is not typing, not in the middle of a key.

Python collects its oldest generation once enough objects have survived the younger
ones. On a 200-line order that lands on about one key in twenty, or inside a screen's
opening, and costs 9–65 ms (Textual's rendering leaves some ten thousand objects of
cyclic garbage a frame): that alone breaks the 16 ms a key may take (issue 13 item 9).

So while the app runs, automatic collection stops at the young generations (cheap, well
under a millisecond each), and the full collection runs from a timer once no input has
come for ``IDLE`` seconds, when something has survived into the old generation since the
last one. A user typing or scanning for minutes on end still gets one every
``FORCE_AFTER`` seconds, so memory stays bounded. The objects alive when the app has
started (modules, classes, the stylesheet) are frozen out of every collection, which
makes each full one cheaper. The process's own settings come back when the app stops:
tests run many apps in one process.
"""

from __future__ import annotations

import gc
import time

IDLE = 0.4
"""Seconds without input before a full collection may run."""
CHECK_EVERY = 0.5
FORCE_AFTER = 30.0
"""Seconds of continuous input after which a full collection runs anyway."""
SURVIVED = 2
"""Collections of the middle generation since the last full one that make one worth it
(Python's own threshold is 10; fewer keeps each idle collection small)."""
_NEVER = 1_000_000_000


class IdleCollector:
    """Owned by the app: ``start`` on mount, ``saw_input`` on each input event, ``tick``
    from a timer, ``stop`` when the app exits."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None
        self._last_input = time.monotonic()
        self._last_full = time.monotonic()

    def start(self) -> None:
        if self._saved is not None:
            return
        self._saved = gc.get_threshold()
        young, middle, _old = self._saved
        gc.freeze()
        gc.set_threshold(young, middle, _NEVER)
        self._last_full = time.monotonic()

    def saw_input(self) -> None:
        self._last_input = time.monotonic()

    def tick(self) -> None:
        if self._saved is None:
            return
        now = time.monotonic()
        idle = now - self._last_input >= IDLE
        if (idle and gc.get_count()[2] >= SURVIVED) or now - self._last_full >= FORCE_AFTER:
            gc.collect()
            self._last_full = now

    def stop(self) -> None:
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        gc.unfreeze()
        self._saved = None
