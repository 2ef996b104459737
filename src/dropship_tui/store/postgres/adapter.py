"""The sqlite3-style connection the shared store modules talk to, over psycopg 3.

The SQLite modules (``store/sqlite``) call ``conn.execute(sql, params)`` with ``?`` or
``:name`` placeholders, ``executemany``, ``fetchone`` / ``fetchall``, ``rowcount``,
``lastrowid`` and ``in_transaction``, and catch ``sqlite3`` exceptions. ``PgConnection``
gives exactly that on a PostgreSQL connection, so ``PostgresStore`` composes the same
mixins and runs the same SQL. ``translate`` rewrites each SQL string once (cached),
never inside a literal (``'…'``, ``E'…'``, ``$$…$$``), a quoted name or a comment: the
placeholders, the few spellings the two engines write differently (``user`` is a
reserved word in PostgreSQL, ``WHERE 1``, ``INDEXED BY`` / ``NOT INDEXED``, two-argument ``max``, ``instr``, ``BEGIN IMMEDIATE``,
``INSERT OR IGNORE / REPLACE``); what differs more than a spelling is overridden in
``postgres.store`` instead. Errors come out as subclasses of the ``sqlite3`` ones the
shared code already handles (a refused constraint is an ``IntegrityError`` on both
engines), carrying PostgreSQL's SQLSTATE for the retry logic.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Loader

RETRY_STATES = frozenset({"40001", "40P01"})
"""Serialization failure and deadlock: the transaction may simply be run again."""

REPLACE_KEYS = {"meta": "key", "sequences": "name"}
"""``INSERT OR REPLACE INTO t`` becomes an upsert on this key (the tables it is used on)."""

ID_TABLES = frozenset({"activity", "edi_documents", "setup_log"})
"""Tables with a generated ``id``: an INSERT into one returns it (``lastrowid``)."""

class PgError(sqlite3.DatabaseError):
    """A PostgreSQL error, as the ``sqlite3`` type the shared code catches."""

    sqlstate: str | None = None
    """PostgreSQL's SQLSTATE (``RETRY_STATES``, ``42501`` insufficient privilege...)."""

    @property
    def retryable(self) -> bool:
        """A lost serialization race or a deadlock: the whole transaction may be run
        again (the shared code asks this, it never reads SQLSTATEs itself)."""
        return self.sqlstate in RETRY_STATES


class PgIntegrityError(sqlite3.IntegrityError, PgError):
    """A refused constraint or trigger (class 23)."""


class PgOperationalError(sqlite3.OperationalError, PgError):
    """A lost connection, a deadlock, a serialization failure, a cancelled statement."""


def convert(exc: psycopg.Error) -> sqlite3.DatabaseError:
    """The ``sqlite3`` exception the shared code expects for a psycopg one."""
    message = exc.diag.message_primary if getattr(exc, "diag", None) and exc.diag.message_primary else str(exc)
    if isinstance(exc, psycopg.IntegrityError):
        kind: type[PgError] = PgIntegrityError
    elif isinstance(exc, (psycopg.OperationalError, pg_errors.QueryCanceled)):
        kind = PgOperationalError
    else:
        kind = PgError
    out = kind(message.strip())
    out.sqlstate = exc.sqlstate
    return out


# Literals, quoted names and comments, which ``translate`` never rewrites inside: masked
# first (``_mask``), so the rewrites below only ever see the SQL's own words.
_OPAQUE = re.compile(
    r"(?is)--[^\n]*|/\*.*?\*/"          # comments
    r"|(?<!\w)[Ee]'(?:[^'\\]|\\.|'')*'"  # E'…' (backslash escapes)
    r"|'(?:[^']|'')*'"                   # '…'
    r"|\"(?:[^\"]|\"\")*\""              # "quoted name"
    r"|(\$[A-Za-z_]*\$).*?\1"            # $$…$$, $tag$…$tag$
)
_HOLE = "\x00{}\x00"
_HOLES = re.compile(r"\x00(\d+)\x00")

# In the masked SQL: a ``::`` cast, the operators ``?|`` / ``?&`` (PostgreSQL's jsonb,
# never SQLite's), a ``?`` placeholder, ``:name``, a ``%``, the word ``user``.
_CODE = re.compile(r"(::)|(\?[|&])|(\?)|(?<![:\w]):(\w+)|(%)|\b(user)\b", re.I)
_WHERE_1 = re.compile(r"(?i)\bWHERE\s+1(?=\s*$|\s*\)|\s+(?:AND|OR|ORDER|GROUP|LIMIT|OFFSET|HAVING|UNION|EXCEPT|INTERSECT|WINDOW|FOR)\b)")
_TWO_ARGS = re.compile(r"(?i)\b(max|min)\s*\(")
_INSERT_OR = re.compile(r"(?is)^INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)(\s*\(([^)]*)\))?(.*)$")


class UntranslatableSql(ValueError):
    """Shared SQL ``translate`` has no PostgreSQL spelling for (a programming error: write
    the engine's own SQL in ``postgres.store``)."""


def _mask(sql: str) -> tuple[str, list[str]]:
    pieces: list[str] = []

    def hole(m: re.Match[str]) -> str:
        pieces.append(m.group(0))
        return _HOLE.format(len(pieces) - 1)

    return _OPAQUE.sub(hole, sql), pieces


def _two_argument_calls(code: str) -> str:
    """SQLite's scalar ``max(a, b, …)`` / ``min(…)`` (two or more arguments, at the call's
    own depth) as ``greatest`` / ``least``; the one-argument aggregates stay."""
    out, pos = [], 0
    for m in _TWO_ARGS.finditer(code):
        if m.start() < pos:
            continue
        depth, commas, i = 1, 0, m.end()
        while i < len(code) and depth:
            ch = code[i]
            depth += (ch == "(") - (ch == ")")
            commas += ch == "," and depth == 1
            i += 1
        if commas:
            name = "greatest" if m.group(1).lower() == "max" else "least"
            out.append(code[pos:m.start()] + name + "(")
            pos = m.end()
    return "".join(out) + code[pos:]


@lru_cache(maxsize=4096)
def translate(sql: str, bare: bool = False) -> str:
    """The PostgreSQL spelling of one of the shared SQL strings (see the module doc).
    ``bare``: for a statement run without parameters (psycopg then reads no
    placeholders, so a ``%`` stays as it is); with parameters every ``%`` is doubled,
    inside literals and comments too (psycopg reads the whole text). Literals, quoted
    names and comments are never rewritten otherwise. Raises ``UntranslatableSql`` for
    what has no spelling here (``?|``, ``?&``, an ``INSERT OR REPLACE`` this module has no
    key or column list for)."""
    stripped = sql.strip()
    if stripped.upper() == "BEGIN IMMEDIATE":
        return "BEGIN"
    code, pieces = _mask(stripped)
    suffix = ""
    replace_into = _INSERT_OR.match(code)
    if replace_into:
        mode, table, columns_part, columns, rest = replace_into.groups()
        code = f"INSERT INTO {table}{columns_part or ''}{rest}"
        if mode.upper() == "IGNORE":
            suffix = " ON CONFLICT DO NOTHING"
        else:
            key = REPLACE_KEYS.get(table.lower())
            if key is None or columns is None:
                raise UntranslatableSql(
                    f"INSERT OR REPLACE INTO {table} needs a column list and a key in REPLACE_KEYS: {sql!r}"
                )
            names = [c.strip() for c in columns.split(",")]
            sets = ", ".join(f"{c} = excluded.{c}" for c in names if c != key)
            suffix = f" ON CONFLICT ({key}) DO UPDATE SET {sets}" if sets else f" ON CONFLICT ({key}) DO NOTHING"

    def one(m: re.Match[str]) -> str:
        cast, jsonb, qmark, name, percent, _user = m.groups()
        if cast:
            return cast
        if jsonb:
            raise UntranslatableSql(f"{jsonb} reads as a placeholder here; write it as a function: {sql!r}")
        if qmark:
            return "%s"
        if name:
            return f"%({name})s"
        if percent:
            return "%" if bare else "%%"
        return '"user"'

    code = _CODE.sub(one, code)
    code = _WHERE_1.sub("WHERE TRUE", code)
    code = _two_argument_calls(code)
    code = re.sub(r"(?i)\binstr\s*\(", "strpos(", code)
    code = re.sub(r"(?i)\s+(?:INDEXED\s+BY\s+\w+|NOT\s+INDEXED)\b", "", code)  # SQLite's planner hints
    insert = re.match(r"(?is)INSERT\s+INTO\s+(\w+)", code)
    if insert and insert.group(1).lower() in ID_TABLES and not suffix and "RETURNING" not in code.upper():
        suffix = " RETURNING id"

    def back(m: re.Match[str]) -> str:
        piece = pieces[int(m.group(1))]
        return piece if bare else piece.replace("%", "%%")

    return _HOLES.sub(back, code) + suffix


class IntegralNumericLoader(Loader):
    """``sum()`` of integers is ``numeric`` in PostgreSQL (an integer in SQLite): load an
    integral numeric as ``int``. The store has no numeric columns (money lives in the
    JSON bodies), so only aggregates take this path."""

    def load(self, data: Any) -> Any:
        text = bytes(data).decode()
        if "." in text or "e" in text.lower() or text == "NaN":
            return Decimal(text)
        return int(text)


class PgCursor:
    """The part of ``sqlite3.Cursor`` the shared modules use."""

    def __init__(self, cursor: psycopg.Cursor[Any], returning_id: bool) -> None:
        self._cursor = cursor
        self._returning_id = returning_id
        self._lastrowid: int | None = None

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        if self._returning_id and self._lastrowid is None:
            row = self._cursor.fetchone()
            self._lastrowid = row[0] if row else None
        return self._lastrowid

    def fetchone(self) -> tuple | None:
        try:
            return self._cursor.fetchone() if self._cursor.description else None
        except psycopg.Error as exc:  # pragma: no cover - a fetch after a failed statement
            raise convert(exc) from exc

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall() if self._cursor.description else []

    def fetchmany(self, size: int = 1) -> list[tuple]:
        return self._cursor.fetchmany(size) if self._cursor.description else []

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


class PgConnection:
    """A psycopg connection in autocommit mode (transactions are explicit ``BEGIN`` /
    ``COMMIT``, as on the SQLite side) with the sqlite3-style calls."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> PgCursor:
        text = translate(sql, not params)
        cursor = self.raw.cursor()
        try:
            cursor.execute(text, params if params else None)  # type: ignore[arg-type]
        except psycopg.Error as exc:
            raise convert(exc) from exc
        return PgCursor(cursor, text.endswith(" RETURNING id"))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> PgCursor:
        text = translate(sql)
        if text.endswith(" RETURNING id"):
            text = text[: -len(" RETURNING id")]
        rows = list(rows)
        cursor = self.raw.cursor()
        if rows:
            try:
                cursor.executemany(text, rows)
            except psycopg.Error as exc:
                raise convert(exc) from exc
        return PgCursor(cursor, False)

    def close(self) -> None:
        self.raw.close()


def configure(raw: psycopg.Connection[Any]) -> None:
    """Every connection of the store: autocommit (transactions are explicit, and a write's
    ``BEGIN`` names READ COMMITTED, which the version guard relies on), numeric sums as
    ints."""
    raw.autocommit = True
    raw.adapters.register_loader("numeric", IntegralNumericLoader)
