"""SKU mappings from a CSV file (``sku-mappings import``): each row is held to the
``SkuMapping`` record's own rules (codes, a price from 0 to ``MONEY_MAX``, a currency
code), a bad row refuses the whole file naming every bad line, and the rows are written
in one transaction: added to the vendor's mappings, or with ``full`` as the vendor's
whole set (mappings the file lacks are removed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from dropship_tui.domain.errors import InvalidInputError, bad_rows
from dropship_tui.domain.models import SkuMapping
from dropship_tui.exports.import_format import plain_message
from dropship_tui.services.csv_reading import UnreadableCsv, pick, read_text, records
from dropship_tui.store.base import SetupStore

COLUMNS = {
    "vendor_code": ("vendor_code", "vendor"),
    "product_code": ("product_code", "catalog_product_code", "product"),
    "vendor_sku": ("vendor_sku", "sku"),
    "upc": ("upc", "gtin"),
    "contracted_price": ("contracted_price", "price", "cost"),
    "currency": ("currency",),
}
REQUIRED = ("product_code", "vendor_sku", "contracted_price")


@dataclass(frozen=True)
class MappingImport:
    added: int
    changed: int
    unchanged: int
    removed: int


def parse_mappings_csv(text: str, vendor_code: str | None) -> tuple[list[SkuMapping], list[tuple[int, str]]]:
    """The file's mappings and its (line, problem) pairs. ``vendor_code`` is the vendor
    of rows without a ``vendor_code`` column or cell."""
    mappings: list[SkuMapping] = []
    problems: list[tuple[int, str]] = []
    cols: dict[str, str | None] = {}
    seen: dict[tuple[str, str], int] = {}
    try:
        for line, values, header, problem in records(text):
            if not values:
                cols = {field: pick(header, names) for field, names in COLUMNS.items()}
                missing = [f for f in REQUIRED if not cols[f]]
                if not cols["vendor_code"] and vendor_code is None:
                    missing.insert(0, "vendor_code (or --vendor CODE)")
                if missing:
                    return [], [(line, "missing column " + ", ".join(missing))]
                continue
            fields = {f: values.get(c, "") for f, c in cols.items() if c and values.get(c, "")}
            fields.setdefault("vendor_code", vendor_code or "")
            why = [problem] if problem else []
            try:
                mapping = SkuMapping(**fields)
            except ValidationError as exc:
                why += [f"{'.'.join(map(str, e['loc']))}: {plain_message(e)}" for e in exc.errors()]
                mapping = None
            if mapping is not None:
                key = (mapping.vendor_code, mapping.product_code)
                if key in seen:
                    why.append(f"product {mapping.product_code} is on line {seen[key]} too")
                seen.setdefault(key, line)
            if why:
                problems.append((line, "; ".join(why)))
            elif mapping is not None:
                mappings.append(mapping)
    except UnreadableCsv as exc:
        return [], [*problems, (exc.line, exc.why)]
    if not cols:
        problems.append((1, "the file is empty (no header row)"))
    return mappings, problems


def import_mappings(store: SetupStore, path: str | Path, *, vendor_code: str | None = None,
                    full: bool = False) -> MappingImport:
    """Read, check and write the file (all rows or none). ``full`` needs the file to be
    one vendor's."""
    mappings, problems = parse_mappings_csv(read_text(path), vendor_code)
    if problems:
        raise bad_rows(problems)
    vendors = sorted({m.vendor_code for m in mappings} | ({vendor_code} if vendor_code else set()))
    if full and len(vendors) != 1:
        raise InvalidInputError(
            f"--full replaces one vendor's mappings; the file names {len(vendors)} vendors "
            f"({', '.join(vendors) or 'none'})"
        )
    before = {(m.vendor_code, m.product_code): m for v in vendors for m in store.sku_mappings(v)}
    added = sum(1 for m in mappings if (m.vendor_code, m.product_code) not in before)
    unchanged = sum(1 for m in mappings if before.get((m.vendor_code, m.product_code)) == m)
    if full:
        removed = store.replace_sku_mappings(vendors[0], mappings)
    else:
        if mappings:
            store.add_sku_mappings(mappings)
        removed = 0
    return MappingImport(added, len(mappings) - added - unchanged, unchanged, removed)
