"""Fitting text to a number of terminal cells, counting wide (CJK) characters as two
columns: the order list's cells and the CLI's fixed-width listing both use it. The text
is user data already passed through ``domain.words.terminal_text``; it is drawn as plain
text, never markup."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size


def fit_cells(text: str, width: int, right: bool = False) -> str:
    """``text`` as exactly ``width`` cells (wide characters count 2; a cut ends in …)."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    if length < width:
        pad = " " * (width - length)
        return pad + text if right else text + pad
    return text
