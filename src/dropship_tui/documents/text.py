"""Text in any alphabet, drawn literally.

reportlab's standard fonts are Latin-1 only, so every glyph comes from a TrueType font
vendored in ``fonts/`` and embedded (subset) in the PDF: DejaVu Sans (Latin, Greek,
Cyrillic, Hebrew, Arabic and many symbols) first, and Droid Sans Fallback for what DejaVu
lacks (Chinese, Japanese and Korean: Han ideographs, kana, Hangul, CJK punctuation and
fullwidth forms). A printer or viewer without any CJK font of its own still draws them.
Each string is split into runs by which font has the glyph, and each run is drawn with
``canvas.drawString``, which never parses markup: ``<b>Ann</b> & [bold]Co[/]`` prints
exactly so.

Droid Sans Fallback has one weight: bold CJK runs are drawn filled and stroked
(``FAUX_BOLD``). CJK characters neither font has (e.g. the rare Extension A ideographs)
go to reportlab's CID fonts, which are *not* embedded: a last resort that prints where the
viewer has CJK fonts, where an embedded font could only draw its missing-glyph box.

Hebrew and Arabic runs are put in display order, Arabic letters joined (``rtl.py``).
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from dropship_tui.documents.rtl import visual
from dropship_tui.domain.errors import InvalidInputError

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
CJK = "DroidSansFallback"
CJK_FILE = "DroidSansFallback.ttf"
# Last resort only (not embedded), for CJK characters neither TrueType font has.
CID_FONTS = {"zh": "STSong-Light", "ja": "HeiseiMin-W3", "ko": "HYSMyeongJo-Medium"}
# Stroke width, as a fraction of the font size, that makes the one-weight CJK font bold.
FAUX_BOLD = 0.035

_registered = False
_lock = threading.Lock()
_cmap: frozenset[int] = frozenset()
_cjk_cmap: frozenset[int] = frozenset()
_cid_registered: set[str] = set()


def register_fonts() -> None:
    """Register the fonts once per process (cheap to call again)."""
    global _registered, _cmap, _cjk_cmap
    if _registered:
        return
    with _lock:
        if _registered:
            return
        regular = TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        cjk = TTFont(CJK, str(FONT_DIR / CJK_FILE))
        pdfmetrics.registerFont(cjk)
        _cmap = frozenset(regular.face.charToGlyph)
        _cjk_cmap = frozenset(cjk.face.charToGlyph)
        # Binary (zlib) streams, not ASCII85 text around them: smaller files, faster saves.
        from reportlab import rl_config

        rl_config.useA85 = 0
        _registered = True


def _cid_font(language: str) -> str:
    """The (not embedded) CID font for ``language``, registered on first use."""
    name = CID_FONTS[language]
    if name not in _cid_registered:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        with _lock:
            if name not in _cid_registered:
                pdfmetrics.registerFont(UnicodeCIDFont(name))
                _cid_registered.add(name)
    return name


def _is_kana(cp: int) -> bool:
    return 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF or 0xFF66 <= cp <= 0xFF9F


def _is_hangul(cp: int) -> bool:
    return 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F


def _is_cjk(cp: int) -> bool:
    """Han, kana, Hangul, CJK symbols and punctuation, fullwidth forms: the scripts the CID
    fonts have."""
    return (
        _is_hangul(cp)
        or 0x2E80 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x20000 <= cp <= 0x2FFFF
    )


@lru_cache(maxsize=4096)
def _cjk_language(text: str) -> str:
    """Which CID font a string's Han characters use: Japanese when it has kana, Korean
    when it has Hangul, else Chinese."""
    for ch in text:
        cp = ord(ch)
        if _is_kana(cp):
            return "ja"
        if _is_hangul(cp):
            return "ko"
    return "zh"


@lru_cache(maxsize=8192)
def segments(text: str, bold: bool = False) -> tuple[tuple[str, str], ...]:
    """``text`` as (font name, run) pairs, each run drawable by its font: DejaVu for every
    character it has, else Droid Sans Fallback, else (CJK only) a CID font."""
    register_fonts()
    base = BOLD if bold else REGULAR
    out: list[tuple[str, str]] = []
    for ch in text:
        cp = ord(ch)
        if cp in _cmap:
            font = base
        elif cp in _cjk_cmap:
            font = CJK
        elif _is_cjk(cp):
            lang = "ja" if _is_kana(cp) else "ko" if _is_hangul(cp) else _cjk_language(text)
            font = _cid_font(lang)
        elif len(plain := unicodedata.normalize("NFKC", ch)) == 1 and ord(plain) in _cmap:
            # A presentation form DejaVu lacks (a few Persian and Urdu letters' joined
            # forms): the letter it stands for, rather than a missing-glyph box.
            font, ch = base, plain
        else:
            font = base  # no font has it: DejaVu's missing-glyph box
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        elif (len(out) >= 2 and out[-2][0] == font == CJK and out[-1][1].isspace()
              and all(ord(sp) in _cjk_cmap for sp in out[-1][1])):
            # Spaces between two CJK runs stay in the CJK run ("山田 さくら" is one run):
            # invisible either way, and text extraction then keeps the name on one line.
            space = out.pop()[1]
            out[-1] = (font, out[-1][1] + space + ch)
        else:
            out.append((font, ch))
    return tuple(out)


def clean(text: object) -> str:
    """One printable line: control characters (newlines, tabs) become spaces."""
    s = "" if text is None else str(text)
    if s.isprintable():
        return s
    return "".join(ch if ch.isprintable() else " " for ch in s)


@lru_cache(maxsize=16384)
def width(text: str, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in segments(visual(text), bold))


def draw(canvas, x: float, y: float, text: object, size: float = 9, bold: bool = False,
         align: str = "left") -> float:
    """Draw one line at baseline ``y``; returns its width."""
    s = clean(text)
    if not s:
        return 0.0
    segs = segments(visual(s), bold)
    w = width(s, size, bold)
    if align == "right":
        x -= w
    elif align == "center":
        x -= w / 2
    for font, run in segs:
        canvas.setFont(font, size)
        if bold and font not in (REGULAR, BOLD):
            _draw_faux_bold(canvas, x, y, run, size)
        else:
            canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)
    return w


def _draw_faux_bold(canvas, x: float, y: float, run: str, size: float) -> None:
    """A run of a one-weight font drawn bold: filled and stroked in the fill colour."""
    canvas.saveState()
    fill = getattr(canvas, "_fillColorObj", None)
    if fill is not None:
        canvas.setStrokeColor(fill)
    canvas.setLineWidth(size * FAUX_BOLD)
    canvas.drawString(x, y, run, mode=2)
    canvas.restoreState()


def fit(text: object, max_width: float, size: float, bold: bool = False,
        min_size: float = 6.5) -> tuple[str, float]:
    """The text and a font size that fit ``max_width``: shrink down to ``min_size``,
    then cut with an ellipsis (nothing else is ever changed)."""
    s = clean(text)
    w = width(s, size, bold)
    if w <= max_width:
        return s, size
    smaller = max(min_size, size * max_width / w)
    if width(s, smaller, bold) <= max_width:
        return s, smaller
    lo, hi = 0, len(s)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(s[:mid] + "…", smaller, bold) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return s[:lo] + "…", smaller


def draw_fit(canvas, x: float, y: float, text: object, max_width: float, size: float = 9,
             bold: bool = False, align: str = "left", min_size: float = 6.5) -> None:
    s, sz = fit(text, max_width, size, bold, min_size)
    if align == "right":
        draw(canvas, x, y, s, sz, bold, "right")
    else:
        draw(canvas, x, y, s, sz, bold, align)


def wrap(text: object, max_width: float, size: float, bold: bool = False,
         max_lines: int = 3) -> list[str]:
    """Break at spaces (or anywhere, for scripts without spaces) into at most
    ``max_lines`` lines; the last is cut with an ellipsis if text remains."""
    s = clean(text).strip()
    lines: list[str] = []
    while s and len(lines) < max_lines:
        if width(s, size, bold) <= max_width:
            lines.append(s)
            s = ""
            break
        # Longest prefix that fits.
        lo, hi = 1, len(s)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if width(s[:mid], size, bold) <= max_width:
                lo = mid
            else:
                hi = mid - 1
        cut = lo
        space = s.rfind(" ", 0, cut + 1)
        if space > 0 and space > cut // 2:
            cut = space
        else:
            # No space to break at: after a hyphen, slash or underscore if there is one.
            mark = max(s.rfind(ch, 0, cut) for ch in "-/_")
            if mark > 0 and mark + 1 > cut // 2:
                cut = mark + 1
        lines.append(s[:cut].rstrip())
        s = s[cut:].lstrip()
    if s and lines:
        lines[-1] = fit(lines[-1] + " " + s, max_width, size, bold, min_size=size)[0]
    return lines


@dataclass(frozen=True)
class Paper:
    name: str
    width: float
    height: float


def paper(name: str) -> Paper:
    """``"letter"`` or ``"a4"``, as the caller resolved it (``config.resolve_paper_size``):
    a document never reads the user's settings itself."""
    key = name.strip().lower() if isinstance(name, str) else None
    if key == "letter":
        return Paper("letter", *LETTER)
    if key == "a4":
        return Paper("a4", *A4)
    raise InvalidInputError(f'Paper size must be "letter" or "a4", not {name!r}')
