"""Reading the CSV files the imports take (stock levels, tracking numbers): UTF-8 text,
a header row whose names are matched loosely, and each row's physical line number (the
header being line 1) for the "line N: why" problems."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from dropship_tui.domain.errors import InvalidInputError


def read_text(path: str | Path) -> str:
    """A CSV file as text (UTF-8, a byte-order mark allowed)."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def records(text: str) -> Iterable[tuple[int, dict[str, str], list[str]]]:
    """(line number, {normalised header: value}, header names) per non-blank row; the
    header row itself comes first, with no values. Header names are matched in any case,
    with spaces or dashes for underscores."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    for row in reader:
        line = reader.line_num
        if header is None:
            header = [_key(h) for h in row]
            if not any(header):
                header = None
                continue
            yield line, {}, header
            continue
        if not any(cell.strip() for cell in row):
            continue
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header) if name}
        yield line, values, header


def pick(names: Sequence[str], choices: Sequence[str]) -> str | None:
    """The first of ``choices`` the header has."""
    return next((c for c in choices if c in names), None)
