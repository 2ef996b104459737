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


def word_cut(text: str, width: int) -> int | None:
    """Where to cut ``text`` so that it and a following "…" fit ``width`` cells at a word
    boundary (the index of the blank after the last whole word that fits), or None when
    not even the first word fits (then only a cut inside it can help)."""
    best = None
    for index, char in enumerate(text):
        if char == " " and index and text[index - 1] != " ":
            if cell_len(text[:index]) > width - 1:
                break
            best = index
    return best


def fit_words(text: str, width: int, right: bool = False) -> str:
    """``text`` as exactly ``width`` cells, as ``fit_cells``, but a text too long loses
    whole words ("Bob Stone" in 8 cells is "Bob…", never "Bob Sto…"); a single word too
    long for the width is still cut, ending in …."""
    if cell_len(text) <= width:
        return fit_cells(text, width, right)
    cut = word_cut(text, width)
    if cut is None:
        return fit_cells(text, width, right)
    return fit_cells(text[:cut] + "…", width, right)
