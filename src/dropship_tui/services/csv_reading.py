"""Reading the CSV files the imports take (stock levels, tracking numbers): UTF-8 text,
a header row whose names are matched loosely, and each row's physical line number (the
header being line 1) for the "line N: why" problems.

A file is refused whole (``UnreadableCsv``, naming the line) when a line cannot be read
as CSV (a field over the csv module's 131,072 characters, say) or when the header names
a column twice (which of the two would count?). A row with more fields than the header
has, the extra ones not blank, carries a problem of its own (its data would be ignored
otherwise)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from dropship_tui.domain.errors import InvalidInputError


class UnreadableCsv(Exception):
    """The file as a whole cannot be imported: ``why`` on ``line``."""

    def __init__(self, line: int, why: str) -> None:
        super().__init__(f"line {line}: {why}")
        self.line = line
        self.why = why


class Record(NamedTuple):
    line: int
    values: dict[str, str]
    """{normalised header: value}; empty for the header row itself."""
    header: list[str]
    problem: str | None = None
    """Why this row cannot be taken as it is (more fields than the header)."""


MAX_CSV_BYTES = 50 * 1024 * 1024
"""The largest CSV file read (50 MB: far beyond any real import, short of the memory a
huge or endless file would take)."""


def read_text(path: str | Path) -> str:
    """A CSV file as text (UTF-8, a byte-order mark allowed), or a refusal when it is over
    ``MAX_CSV_BYTES`` (read no further than that, so a special file cannot run forever)."""
    with Path(path).open("rb") as fh:
        data = fh.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise InvalidInputError(f"{path}: the file is over {MAX_CSV_BYTES // (1024 * 1024)} MB, "
                                "too big to import; split it into smaller files")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _unreadable(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"a field is longer than {csv.field_size_limit():,} characters"
    return f"not readable as CSV ({exc})"


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableCsv(reader.line_num, _unreadable(exc)) from None
        yield reader.line_num, row


def _duplicate(header: Sequence[str]) -> str | None:
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            return name
        seen.add(name)
    return None


def records(text: str) -> Iterator[Record]:
    """One ``Record`` per non-blank row; the header row itself comes first, with no
    values. Header names are matched in any case, with spaces or dashes for underscores.
    Raises ``UnreadableCsv`` (see the module docstring)."""
    header: list[str] | None = None
    for line, row in _rows(text):
        if header is None:
            header = [_key(h) for h in row]
            if not any(header):
                header = None
                continue
            twice = _duplicate(header)
            if twice:
                raise UnreadableCsv(line, f"duplicate column {twice}")
            yield Record(line, {}, header)
            continue
        if not any(cell.strip() for cell in row):
            continue
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header) if name}
        extra = any(cell.strip() for cell in row[len(header):])
        problem = f"{len(row)} fields, more than the header's {len(header)} columns" if extra else None
        yield Record(line, values, header, problem)


def pick(names: Sequence[str], choices: Sequence[str]) -> str | None:
    """The first of ``choices`` the header has."""
    return next((c for c in choices if c in names), None)
