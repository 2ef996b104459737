"""PostgreSQL's spelling of the SQL the CSV exports write per engine
(``sqlite.exports.ExportSpelling``): the ISO time with ``to_char``, the canceled items
of a body with ``jsonb_array_elements``. No ``%`` inside a literal (psycopg reads one
as a placeholder)."""

from __future__ import annotations

from dropship_tui.store.sqlite.exports import ExportSpelling


class PgExportSpelling(ExportSpelling):
    @staticmethod
    def iso(us: str) -> str:
        """As SQLite's: seconds by integer division (no float rounding up), the
        microseconds only when there are some."""
        return (f"to_char(to_timestamp({us} / 1000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
                f"|| CASE WHEN {us} % 1000000 <> 0 THEN '.' || lpad(({us} % 1000000)::text, 6, '0') "
                "ELSE '' END || '+00:00'")

    @staticmethod
    def item(field: str, integer: bool = False) -> str:
        text = f"(c.value ->> '{field}')"
        return f"{text}::bigint" if integer else text

    canceled_items = "jsonb_array_elements(b.body::jsonb -> 'canceled_items') WITH ORDINALITY AS c(value, key)"
