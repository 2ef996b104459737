"""Getting data in: ``import FILE.json`` (docs/import-format.md; the use case is
``services.json_import``) and ``demo``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_command, open_store
from dropship_tui.cli.values import non_negative, positive
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.words import plural


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "import",
        description="Import vendor orders (and optionally the vendors, locations and SKU "
        "mappings they refer to) from a JSON file; see docs/import-format.md. A bad file "
        "is refused whole, naming the bad field; a PO already in the store is refused.",
    )
    p.add_argument("file", metavar="FILE.json", help="the file to import ('-' for stdin)")
    p.set_defaults(func=run_import)

    p = add_command(
        subparsers,
        "demo",
        description="Build a demo store (vendors, locations, SKU mappings and orders in "
        "every stage) to try the app on.",
    )
    p.add_argument("--orders", type=positive, default=None, metavar="N", help="how many orders")
    p.add_argument("--seed", type=non_negative, default=None, metavar="S", help="random seed (same seed, same data)")
    p.set_defaults(func=run_demo)


# --- import -----------------------------------------------------------------------------


def _read(name: str) -> tuple[str, str]:
    if name == "-":
        return sys.stdin.read(), "stdin"
    path = Path(name)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{name}: is a directory, not a JSON file") from None
    except OSError as exc:
        raise InvalidInputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{name}: not UTF-8 text (byte {exc.start})") from None


def run_import(args: argparse.Namespace) -> int:
    from dropship_tui.exports import import_format
    from dropship_tui.services.json_import import StoreCatalog, apply_plan

    text, source = _read(args.file)
    doc = import_format.parse_import(text, source)  # refused before the store is even opened
    with open_store(args, create=True) as store:
        plan = import_format.resolve(doc, StoreCatalog(store), source)
        count = apply_plan(store, plan).orders
    pos = [o.po_number for o in plan.orders]
    if args.json:
        json_output.print_json(
            {
                "imported": pos,
                "vendors": [v.code for v in plan.vendors],
                "locations": [loc.code for loc in plan.locations],
                "sku_mappings": len(plan.sku_mappings),
            }
        )
        return 0
    setup = [
        plural(len(plan.vendors), "vendor") if plan.vendors else "",
        plural(len(plan.locations), "location") if plan.locations else "",
        plural(len(plan.sku_mappings), "SKU mapping") if plan.sku_mappings else "",
    ]
    message = f"Imported {plural(count, 'order')}"
    if pos:
        shown = ", ".join(map(str, pos[:10])) + (", …" if len(pos) > 10 else "")
        message += f" (PO {shown})"
    message += f" from {source}"
    if any(setup):
        message += "; added " + ", ".join(s for s in setup if s)
    from dropship_tui.cli import output

    output.console().print(output.text(message))
    return 0


# --- demo -------------------------------------------------------------------------------


def _progress(args: argparse.Namespace) -> Callable[[int, int], None] | None:
    """A progress line on a terminal's stderr; nothing when piped."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        sys.stderr.write(f"\rBuilding the demo store: {done:,} of {total:,} orders")
        sys.stderr.flush()

    return report


def run_demo(args: argparse.Namespace) -> int:
    from dropship_tui.store.demo import builder as demo

    if getattr(args, "api", None):
        raise UsageError("demo builds a local store file; use --db PATH, not --api")
    options: dict[str, Any] = {k: v for k, v in (("orders", args.orders), ("seed", args.seed)) if v is not None}
    with open_store(args, create=True) as store:
        path = store.path  # a file, or a PostgreSQL address without its password
        if store.counts().total:
            raise InvalidInputError(
                f"{path} already has orders; the demo needs an empty store (use --db NEW.db)"
            )
        report = _progress(args)
        if report is not None:
            options["progress"] = report
        demo.build_demo(store, **options)
        counts = store.counts()
    if sys.stderr.isatty() and not args.json:
        sys.stderr.write("\r\033[K")
    if args.json:
        json_output.print_json({"db": str(path), **counts.model_dump()})
        return 0
    from dropship_tui.cli import output

    out = output.console()
    out.print(
        output.text(
            f"Demo store ready at {path}: {plural(counts.total, 'order')} "
            f"({counts.new} new, {counts.in_progress} in progress, {counts.completed} completed, "
            f"{counts.canceled} canceled)"
        )
    )
    db = f" --db {path}" if args.db else ""
    out.print(output.text(f"Next: dropship-tui orders{db} --stage new   or   dropship-tui{db}"))
    return 0
