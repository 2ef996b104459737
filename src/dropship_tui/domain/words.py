"""How the product words things, written once for the CLI, the TUI, the server, the
documents and the activity log: plurals, local times, and the one sanitiser for user
text shown in a terminal. Pure functions of their arguments (``local_time`` reads the
process's time zone, as a person's terminal shows it)."""

from __future__ import annotations

from datetime import datetime

DASH = "—"


def plural(n: int, word: str, words: str | None = None, *, grouped: bool = False) -> str:
    """``1 order``, ``2 orders`` (``words``: an irregular plural); ``grouped`` writes
    thousands with separators (``1,000 orders``, for counts on screen)."""
    count = f"{n:,}" if grouped else str(n)
    return f"{count} {word}" if n == 1 else f"{count} {words or word + 's'}"


def units(n: int) -> str:
    return plural(n, "unit")


def lines(n: int) -> str:
    return plural(n, "line")


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M", missing: str = "") -> str:
    """A stored UTC instant as people read it: in the local time zone."""
    return value.astimezone().strftime(fmt) if value is not None else missing


# --- user text in a terminal ---------------------------------------------------------

REPLACEMENT = "\ufffd"
"""What a control character becomes: visible (the user sees something was there), and
never interpreted by the terminal."""

_BIDI_CONTROLS = (
    [0x061C, 0x200E, 0x200F]  # ALM, LRM, RLM
    + list(range(0x202A, 0x202F))  # LRE RLE PDF LRO RLO
    + list(range(0x2066, 0x206A))  # LRI RLI FSI PDI
)
UNSAFE = frozenset([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_CONTROLS])
"""The code points a terminal would act on instead of showing: C0 and C1 controls, DEL
and the bidi controls."""
_TERMINAL = dict.fromkeys(UNSAFE, REPLACEMENT)
_TERMINAL.update({ord("\t"): " ", ord("\n"): " ", ord("\r"): " "})


def terminal_text(value: object) -> str:
    """User data made safe to show in a terminal, on one line: control characters (an
    ESC could recolour or retitle the terminal, a BEL ring it) and bidi overrides (which
    reorder what follows them) become U+FFFD, tabs and line breaks a space. Everything
    else, markup-looking text included, is kept as it is: the caller shows it as plain
    text, never markup."""
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():  # the usual case: nothing to replace
        return text
    return text.translate(_TERMINAL)


def one_line(message: str) -> str:
    """A message for one line of stderr or a status bar: sanitised, whitespace runs
    collapsed."""
    return " ".join(terminal_text(message).split())
