"""The vendor catalog's one rule: how a SKU mapping fills an order line. Pure.

A line's mapping is the vendor's mapping of its variation product code, falling back to
its base product code. The mapping fills only what the line lacks (contracted price,
vendor SKU, UPC): what the purchase order states itself wins. A mapping in another
currency than the order's is ignored (a 5.00 EUR price is not 5.00 USD).
"""

from __future__ import annotations

from collections.abc import Callable

from dropship_tui.domain.models import Line, SkuMapping


def mapping_for(line: Line, lookup: Callable[[str], SkuMapping | None]) -> SkuMapping | None:
    """The mapping of the line's variation product code, else of its product code;
    ``lookup(product_code)`` is the vendor's mapping of one code, or None."""
    for code in (line.variation_product_code, line.product_code):
        if code:
            mapping = lookup(code)
            if mapping is not None:
                return mapping
    return None


def fill_from_mapping(line: Line, mapping: SkuMapping | None, currency: str) -> Line:
    """``line`` with what it lacks filled from ``mapping`` (unchanged when there is no
    mapping or the mapping is in another currency than the order's)."""
    if mapping is None or mapping.currency != currency:
        return line
    update: dict[str, object] = {}
    if line.contracted_price is None:
        update["contracted_price"] = mapping.contracted_price
    if not line.vendor_sku:
        update["vendor_sku"] = mapping.vendor_sku
    if not line.upc:
        update["upc"] = mapping.upc
    return line.model_copy(update=update) if update else line


def location_in_use(code: str) -> str:
    """The refusal for a location code another vendor holds (codes are unique across
    vendors, so the code is unavailable). The holder is never named: over the API it is
    another vendor, whose very existence the caller must not learn."""
    return f"Location code {code} is already in use; choose another"


def no_location(vendor_code: str, location_code: str) -> str:
    """The refusal for an order at a location its vendor does not have: the same words
    whether the code is missing or another vendor's (docs/api.md, "What a refusal
    reveals")."""
    return f"vendor {vendor_code} has no location {location_code}"
