"""Turning user data into terminal cells without ever parsing it as markup.

Customer names, order numbers, SKUs and reasons come from other people's systems: a name
such as ``[bold]Ann[/]`` or ``[link=http://e]x[/]`` must show exactly those characters.
Everything here builds ``rich.text.Text`` objects from plain strings (never
``Text.from_markup``, never an f-string handed to a widget that parses markup), strips
control characters that would move the terminal cursor, and fits a value to a cell width
counting wide (CJK) characters as two columns.
"""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

_CONTROL = {c: None for c in range(0x20)} | {0x7F: None}


def plain(value: object) -> str:
    """The value as a single line of printable text (control characters dropped)."""
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(
        " " if ch in "\t\n\r" else ch
        for ch in text
        if ch in "\t\n\r" or unicodedata.category(ch)[0] != "C"
    )


def cell(value: object, style: Style | str = "", *, width: int | None = None, justify: str = "left") -> Text:
    """A ``Text`` holding ``value`` literally; padded/cropped to ``width`` cells if given
    (an ellipsis marks a cut)."""
    text = Text(plain(value), style=style, no_wrap=True, overflow="ellipsis", end="")
    if width is not None:
        fit(text, width, justify=justify)
    return text


def fit(text: Text, width: int, *, justify: str = "left") -> Text:
    """Make ``text`` exactly ``width`` cells wide, in place."""
    if width <= 0:
        text.truncate(0)
        return text
    length = cell_len(text.plain)
    if length > width:
        text.truncate(width, overflow="ellipsis")
    elif length < width:
        if justify == "right":
            text.pad_left(width - length)
        else:
            text.pad_right(width - length)
    return text
