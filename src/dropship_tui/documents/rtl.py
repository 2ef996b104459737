"""Right-to-left text on a page: Hebrew and Arabic in display order.

A PDF draws glyphs left to right, so Hebrew and Arabic stored in logical order would read
backwards. ``visual`` turns one line into display order with the Unicode bidi algorithm
(python-bidi): right-to-left runs are reversed while the numbers and Latin words inside
them keep their left-to-right order ("הרצל 12/4", "טל' 03-1234567"), and brackets are
mirrored. Arabic letters first take their joined forms (initial / medial / final /
isolated, and the lam-alef ligatures) from Unicode's presentation forms
(arabic-reshaper), which DejaVu Sans has; diacritics are kept.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from arabic_reshaper import ArabicReshaper
from bidi import get_display

# Diacritics are part of a name as written; the one word ligature the library enables by
# default (U+FDF2) is not in DejaVu Sans.
_RESHAPER = ArabicReshaper(configuration={"delete_harakat": False, "ARABIC LIGATURE ALLAH": False})


def _is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\u08a0" <= ch <= "\u08ff"


def _is_rtl_mark(ch: str) -> bool:
    """A Hebrew or Arabic combining mark (a point, a haraka)."""
    return unicodedata.category(ch) == "Mn" and unicodedata.name(ch, "").startswith(("HEBREW", "ARABIC"))


def _marks_after_base(s: str) -> str:
    """The bidi algorithm reverses a right-to-left letter and its marks together, so in
    display order the marks come first; a PDF draws a mark over the glyph before it, so
    each run of marks goes back behind its letter (in its logical order)."""
    out: list[str] = []
    marks: list[str] = []
    for ch in s:
        if _is_rtl_mark(ch):
            marks.append(ch)
            continue
        out.append(ch)
        if marks:
            out.extend(reversed(marks))
            marks = []
    out.extend(reversed(marks))
    return "".join(out)


@lru_cache(maxsize=4096)
def visual(s: str) -> str:
    """One line in display order (see the module docstring); text without a
    right-to-left letter is returned as it is."""
    if not any(_is_rtl(ch) for ch in s):
        return s
    if any(_is_arabic(ch) for ch in s):
        s = _RESHAPER.reshape(s)
    shown = get_display(s)
    return _marks_after_base(shown) if any(_is_rtl_mark(ch) for ch in shown) else shown
