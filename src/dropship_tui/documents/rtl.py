"""Just enough right-to-left support for names and addresses on a label.

A PDF draws glyphs left to right, so Hebrew and Arabic stored in logical order would read
backwards. ``visual`` turns one line into display order: each right-to-left run (RTL
letters, with the spaces, punctuation and numbers between them) is reversed as a whole,
numbers inside it keep their left-to-right order, and Arabic letters take their joined
forms (initial / medial / final / isolated, and the lam-alef ligatures) from Unicode's
presentation forms, which DejaVu Sans has. This is not the full Unicode bidi algorithm
(no embedding levels, no mirrored brackets), but a one-line name, street or city in
Hebrew or Arabic, alone or next to Latin text, reads correctly.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_FORMS: dict[str, dict[str, str]] = {}
_LAM_ALEF: dict[tuple[str, str], str] = {}
for _cp in range(0xFE70, 0xFF00):
    _d = unicodedata.decomposition(chr(_cp)).split()
    if len(_d) < 2 or not _d[0].startswith("<"):
        continue
    _tag = _d[0].strip("<>")
    _base = [chr(int(h, 16)) for h in _d[1:]]
    if len(_base) == 1:
        _FORMS.setdefault(_base[0], {})[_tag] = chr(_cp)
    elif len(_base) == 2 and _base[0] == "\u0644":
        _LAM_ALEF[(_base[1], _tag)] = chr(_cp)

LAM = "\u0644"


def _dual(ch: str) -> bool:
    """Joins on both sides (has initial and medial forms)."""
    forms = _FORMS.get(ch)
    return bool(forms) and "medial" in forms


def _joins(ch: str) -> bool:
    return ch in _FORMS or ch == "\u0640"  # tatweel joins both ways


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me")


def _is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def shape_arabic(s: str) -> str:
    """Arabic letters in their contextual presentation forms (logical order kept)."""
    chars = list(s)
    out: list[str] = []
    i = 0
    n = len(chars)

    def neighbour(start: int, step: int) -> str | None:
        j = start + step
        while 0 <= j < n and _is_mark(chars[j]):
            j += step
        return chars[j] if 0 <= j < n else None

    while i < n:
        ch = chars[i]
        if ch not in _FORMS:
            out.append(ch)
            i += 1
            continue
        prev = neighbour(i, -1)
        joins_prev = prev is not None and (_dual(prev) or prev == "\u0640") and _joins(ch)
        nxt = neighbour(i, 1)
        if ch == LAM and nxt is not None:
            tag = "final" if joins_prev else "isolated"
            lig = _LAM_ALEF.get((nxt, tag))
            if lig:
                out.append(lig)
                # Keep marks between lam and alef, skip the alef itself.
                j = i + 1
                while j < n and _is_mark(chars[j]):
                    out.append(chars[j])
                    j += 1
                i = j + 1
                continue
        joins_next = _dual(ch) and nxt is not None and _joins(nxt)
        if joins_prev and joins_next:
            tag = "medial"
        elif joins_prev:
            tag = "final"
        elif joins_next:
            tag = "initial"
        else:
            tag = "isolated"
        out.append(_FORMS[ch].get(tag) or _FORMS[ch].get("isolated") or ch)
        i += 1
    return "".join(out)


def _clusters(run: str) -> list[str]:
    """A run cut into display units: a letter with its marks, or a whole number."""
    units: list[str] = []
    for ch in run:
        if units and (_is_mark(ch) or (ch.isdigit() and units[-1][-1:].isdigit())):
            units[-1] += ch
        elif units and ch in ".,:" and units[-1][-1:].isdigit():
            units[-1] += ch  # 12.50, 1,000 stay one number
        else:
            units.append(ch)
    # A number's trailing separator belongs outside it.
    fixed: list[str] = []
    for unit in units:
        if len(unit) > 1 and unit[-1] in ".,:" and unit[0].isdigit():
            fixed.extend([unit[:-1], unit[-1]])
        else:
            fixed.append(unit)
    return fixed


@lru_cache(maxsize=4096)
def visual(s: str) -> str:
    """One line in display order (see the module docstring)."""
    if not any(_is_rtl(ch) for ch in s):
        return s
    if any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in s):
        s = shape_arabic(s)
    out: list[str] = []
    i = 0
    n = len(s)
    while i < n:
        if not _is_rtl(s[i]):
            out.append(s[i])
            i += 1
            continue
        # The run goes on to the last RTL letter reachable through neutrals, numbers
        # and marks (but never through a Latin letter).
        j = i
        last = i
        while j < n:
            ch = s[j]
            if _is_rtl(ch):
                last = j
            elif unicodedata.bidirectional(ch) == "L" and not _is_mark(ch):
                break
            j += 1
        # Numbers right after the run belong to it (a house number after the street).
        k = last + 1
        while k < n:
            m = k
            while m < n and unicodedata.bidirectional(s[m]) in ("WS", "CS", "ON", "ES", "ET"):
                m += 1
            if m < n and s[m].isdigit():
                while m < n and (s[m].isdigit() or (s[m] in ".,:" and m + 1 < n and s[m + 1].isdigit())):
                    m += 1
                last = m - 1
                k = m
            else:
                break
        run = s[i:last + 1]
        out.append("".join(reversed(_clusters(run))))
        i = last + 1
    return "".join(out)
