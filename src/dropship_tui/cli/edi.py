"""``edi``: X12 in and out (docs/edi.md). ``edi import FILE...``, ``edi export PO --type
855|856|810``, ``edi inventory``, ``edi partner add|edit|show|list``, ``edi watch``.

Local stores only, except ``edi import`` with ``--api`` (one ``POST /edi/inbound`` per
file). A refused interchange or set is named on stderr and the exit status is 1; what
was taken is said either way."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_action, add_command, open_store
from dropship_tui.domain.errors import InvalidInputError


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "edi", description="X12 EDI with retailers: 850 in; 855, 856, 810, 846, 997 out.")
    sub = p.add_subparsers(dest="edi_command", metavar="ACTION")
    sub.required = True

    q = add_action(sub, "import", "import X12 850 purchase orders (one transaction per interchange)")
    q.add_argument("files", nargs="+", metavar="FILE")
    q.set_defaults(func=run_import)

    q = add_action(sub, "export", "write an order's 855, 856 or 810 now (new control numbers)")
    q.add_argument("po", type=int, metavar="PO")
    q.add_argument("--type", required=True, choices=("855", "856", "810"), dest="set_id")
    q.add_argument("--out", default=None, metavar="FILE", help="default: standard output")
    q.set_defaults(func=run_export)

    q = add_action(sub, "inventory", "write an 846 of the stock levels, one set per location")
    q.add_argument("--location", default=None, metavar="CODE")
    q.add_argument("--partner", default=None, metavar="ID", help="needed when there are several partners")
    q.add_argument("--out", required=True, metavar="FILE")
    q.set_defaults(func=run_inventory)

    q = add_action(sub, "watch", "import files put in an inbox and deliver due documents to an outbox")
    q.add_argument("--inbox", required=True, type=Path, metavar="DIR")
    q.add_argument("--outbox", required=True, type=Path, metavar="DIR")
    q.add_argument("--archive", default=None, type=Path, metavar="DIR", help="default: INBOX/archive")
    q.add_argument("--settle", type=float, default=2.0, metavar="SECONDS",
                   help="a file is read once unchanged for this long (default 2)")
    q.add_argument("--interval", type=float, default=5.0, metavar="SECONDS")
    q.add_argument("--once", action="store_true", help="one pass, then exit")
    q.set_defaults(func=run_watch)

    partner = add_action(sub, "partner", "trading partner profiles")
    psub = partner.add_subparsers(dest="partner_command", metavar="ACTION")
    psub.required = True
    q = add_action(psub, "add", "add or replace a trading partner profile")
    q.add_argument("partner_id", metavar="ID")
    _profile_options(q, edit=False)
    q.set_defaults(func=run_partner_add)
    q = add_action(psub, "edit", "change some fields of a trading partner profile (the rest is kept)")
    q.add_argument("partner_id", metavar="ID")
    _profile_options(q, edit=True)
    q.set_defaults(func=run_partner_edit)
    q = add_action(psub, "show", "one partner profile")
    q.add_argument("partner_id", metavar="ID")
    q.set_defaults(func=run_partner_show)
    q = add_action(psub, "list", "every partner profile")
    q.set_defaults(func=run_partner_list)


def _profile_options(q: Any, *, edit: bool) -> None:
    """The profile's options; for ``edit`` none is required and an absent one keeps the
    stored value (``argparse.SUPPRESS``: it is not in the namespace at all)."""

    def opt(flag: str, default: Any, **kw: Any) -> None:
        q.add_argument(flag, default=argparse.SUPPRESS if edit else default, **kw)

    q.add_argument("--vendor", required=not edit, default=argparse.SUPPRESS, metavar="CODE")
    opt("--location", "", metavar="CODE", help="default location of its orders")
    q.add_argument("--our-id", required=not edit, default=argparse.SUPPRESS, metavar="ID",
                   help="our ISA id (ISA08 of what it sends)")
    opt("--our-qualifier", "ZZ", metavar="QQ")
    q.add_argument("--their-id", required=not edit, default=argparse.SUPPRESS, metavar="ID",
                   help="the retailer's ISA id")
    opt("--their-qualifier", "ZZ", metavar="QQ")
    opt("--our-gs-id", "", metavar="ID")
    opt("--their-gs-id", "", metavar="ID")
    opt("--version", "004010", metavar="GS08", help="004010, 004010VICS, 005010...")
    opt("--delimiters", "*>~^", metavar="EKSR", help="element, component, segment, repetition (default *>~^)")
    opt("--gs1-prefix", "", metavar="DIGITS", help="GS1 company prefix for SSCC-18 labels")
    opt("--report-type", "DD", metavar="XX", dest="inventory_report_type",
        help="846 BIA02 report type the partner expects (default DD)")
    q.add_argument("--reason-code", action="append", default=[], metavar="OURS=THEIRS", dest="reason_codes",
                   help="the partner's 855 code for one of our reasons (out_of_stock=03 or OS=03; "
                        "repeatable; OURS= drops it, back to our code)")
    if edit:
        q.add_argument("--test", action="store_true", default=argparse.SUPPRESS, help="ISA15 T (test)")
        q.add_argument("--production", action="store_false", dest="test", default=argparse.SUPPRESS,
                       help="ISA15 P (production)")
    else:
        q.add_argument("--test", action="store_true", help="ISA15 T (test) instead of P")


def _reason_codes(given: list[str], current: dict[str, str]) -> dict[str, str]:
    """``OURS=THEIRS`` entries over ``current``: OURS is our reason (out_of_stock) or its
    default code (OS); an empty THEIRS drops the partner's code for it."""
    from dropship_tui.domain.models import ReasonCode
    from dropship_tui.exports.edi.x855 import REASON_CODES

    by_name = {c.value: c.value for c in ReasonCode} | {v: c.value for c, v in REASON_CODES.items()}
    out = dict(current)
    for entry in given:
        ours, eq, theirs = entry.partition("=")
        if not eq:
            raise UsageError(f"--reason-code: {entry!r} must be OURS=THEIRS, e.g. out_of_stock=03")
        reason = by_name.get(ours.strip()) or by_name.get(ours.strip().upper())
        if reason is None:
            raise InvalidInputError(
                f"--reason-code: {ours.strip()!r} is not one of our reasons ({', '.join(c.value for c in ReasonCode)})"
            )
        if theirs.strip():
            out[reason] = theirs.strip()
        else:
            out.pop(reason, None)
    return out


def _profile_fields(args: argparse.Namespace, current: dict[str, Any]) -> dict[str, Any]:
    """The stored profile's fields (``current``; empty for ``add``) with the options given."""
    given = vars(args)
    fields = dict(current)
    names = {"vendor": "vendor_code", "location": "location_code", "our_id": "our_id",
             "our_qualifier": "our_qualifier", "their_id": "their_id", "their_qualifier": "their_qualifier",
             "our_gs_id": "our_gs_id", "their_gs_id": "their_gs_id", "version": "version",
             "gs1_prefix": "gs1_prefix", "inventory_report_type": "inventory_report_type"}
    fields.update({field: given[opt] for opt, field in names.items() if opt in given})
    if "delimiters" in given:
        d = given["delimiters"]
        if len(d) != 4:
            raise UsageError("--delimiters: four characters: element, component, segment, repetition (e.g. '*>~^')")
        fields.update(element=d[0], component=d[1], segment=d[2], repetition=d[3])
    if "test" in given:
        fields["usage"] = "T" if given["test"] else "P"
    fields["reason_codes"] = _reason_codes(given["reason_codes"], dict(current.get("reason_codes", {})))
    fields["partner_id"] = args.partner_id
    return fields


def _local(args: argparse.Namespace, what: str) -> None:
    if getattr(args, "api", None):
        raise UsageError(f"edi {what} works on a local store only (not with --api)")


def _say(args: argparse.Namespace, line: str) -> None:
    if not args.json:
        from dropship_tui.cli import output

        output.console().print(output.text(line), soft_wrap=True)


def run_import(args: argparse.Namespace) -> int:
    texts = []
    for name in args.files:
        try:
            texts.append((name, Path(name).read_text(encoding="utf-8-sig")))
        except UnicodeDecodeError:
            raise InvalidInputError(f"{name}: not UTF-8 text; nothing imported") from None
    reports = []
    if getattr(args, "api", None):
        from dropship_tui.store.remote.client import RemoteStore

        remote = RemoteStore.open(args.api)
        try:
            reports = [(name, remote.post_edi(text)) for name, text in texts]
        finally:
            remote.close()
    else:
        from dropship_tui.services.edi_import import import_edi

        with open_store(args) as store:
            reports = [(name, import_edi(store, text, name).to_json()) for name, text in texts]
    if args.json:
        json_output.print_json([{"file": name, **r} for name, r in reports])
    refused = [f"{name}: {why}" for name, r in reports for why in r["refused"]]
    for name, r in reports:
        _say(args, f"{name}: {r['message']}")
    if refused:
        raise InvalidInputError(refused[0] if len(refused) == 1 else f"{len(refused)} refusals; first: {refused[0]}")
    return 0


def _write(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    Path(out).write_text(text, encoding="utf-8", newline="")


def run_export(args: argparse.Namespace) -> int:
    _local(args, "export")
    from dropship_tui.services.edi_outbox import export_document

    with open_store(args) as store:
        doc, text = export_document(store, args.po, args.set_id)
    _write(text, args.out)
    if args.out is not None:
        _say(args, f"PO {args.po}: {doc.set_id} written to {args.out} (ISA13 {doc.control_number})")
    return 0


def run_inventory(args: argparse.Namespace) -> int:
    _local(args, "inventory")
    from dropship_tui.services.edi_outbox import inventory

    with open_store(args) as store:
        doc, text = inventory(store, args.partner, args.location)
    _write(text, args.out)
    _say(args, f"846 written to {args.out} (ISA13 {doc.control_number})")
    return 0


def run_watch(args: argparse.Namespace) -> int:
    _local(args, "watch")
    from dropship_tui.services.edi_watch import one_pass

    if not args.inbox.is_dir():
        raise InvalidInputError(f"--inbox: {args.inbox} is not a directory")
    archive = args.archive or args.inbox / "archive"
    failed = False
    with open_store(args) as store:
        while True:
            result = one_pass(store, args.inbox, args.outbox, archive, args.settle)
            for line in result.lines:
                _say(args, line)
            for line in result.problems:
                print(line, file=sys.stderr)
            failed = failed or bool(result.problems)
            if args.once:
                return 1 if failed else 0
            time.sleep(args.interval)


def _partner_json(p: Any) -> dict[str, Any]:
    return p.model_dump(mode="json")


def run_partner_add(args: argparse.Namespace) -> int:
    _local(args, "partner")
    return _save_partner(args, edit=False)


def run_partner_edit(args: argparse.Namespace) -> int:
    _local(args, "partner")
    return _save_partner(args, edit=True)


def _save_partner(args: argparse.Namespace, *, edit: bool) -> int:
    """Add (the options alone) or edit (the stored profile with the options given over
    it) a profile; every problem of the result is named, nothing is saved then."""
    from dropship_tui.services.edi_partners import add_partner, make_partner

    with open_store(args) as store:
        current = store.partner(args.partner_id).model_dump(mode="json") if edit else {}
        partner = make_partner(**_profile_fields(args, current))
        add_partner(store, partner)
    if args.json:
        json_output.print_json(_partner_json(partner))
    _say(args, f"partner {partner.partner_id} saved: {partner.their_qualifier}/{partner.their_id} -> "
               f"{partner.our_qualifier}/{partner.our_id}, vendor {partner.vendor_code}")
    return 0


def run_partner_show(args: argparse.Namespace) -> int:
    _local(args, "partner")
    with open_store(args) as store:
        partner = store.partner(args.partner_id)
    if args.json:
        json_output.print_json(_partner_json(partner))
        return 0
    for k, v in _partner_json(partner).items():
        _say(args, f"{k}: {v}")
    return 0


def run_partner_list(args: argparse.Namespace) -> int:
    _local(args, "partner")
    with open_store(args) as store:
        partners = store.partners()
    if args.json:
        json_output.print_json([_partner_json(p) for p in partners])
        return 0
    for p in partners:
        _say(args, f"{p.partner_id}  {p.their_qualifier}/{p.their_id} -> {p.our_qualifier}/{p.our_id}  "
                   f"vendor {p.vendor_code}  {p.version}")
    if not partners:
        _say(args, "no trading partners")
    return 0
