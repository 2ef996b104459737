"""Setup by command: ``vendors``, ``locations`` and ``location-groups`` (add, edit, show,
list; ``locations sla``). Each works on a local store and against the server (``--api``),
where the server decides who may (``domain.setup``: the operator sets SLA policies and
groups and adds vendors; a vendor admin edits its own vendor and locations; staff
nothing). Every change lands in the setup log (``setup-log``). See docs/cli.md "Setup"."""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import BaseModel, ValidationError

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_action, add_command, open_store
from dropship_tui.domain.errors import InvalidInputError, NotFoundError

ADDRESS = ("line1", "line2", "city", "state", "postal_code", "country_code")


def register(subparsers: Any) -> None:
    _vendors(subparsers)
    _locations(subparsers)
    _groups(subparsers)


def _address_options(p: argparse.ArgumentParser) -> None:
    for name in ADDRESS:
        flag = "--country" if name == "country_code" else "--" + name.replace("_", "-")
        p.add_argument(flag, dest=name, default=None, metavar="TEXT")


def _policy_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--hours-to-acknowledge", type=int, default=None, metavar="H")
    p.add_argument("--hours-to-ship", type=int, default=None, metavar="H")


def _vendors(subparsers: Any) -> None:
    p = add_command(subparsers, "vendors", description="The vendors the store serves.")
    sub = p.add_subparsers(dest="vendors_command", metavar="ACTION")
    sub.required = True
    for action, help_text in (("add", "add a vendor"), ("edit", "change a vendor's details (only the options given)")):
        q = add_action(sub, action, help_text)
        q.add_argument("code", metavar="CODE")
        q.add_argument("--name", required=action == "add", default=None)
        q.add_argument("--contact-name", default=None, metavar="TEXT")
        q.add_argument("--phone", default=None, metavar="TEXT")
        q.add_argument("--email", default=None, metavar="TEXT")
        q.add_argument("--billing-email", default=None, metavar="TEXT")
        q.add_argument("--integration-mode", default=None, metavar="MODE", help="portal, edi or api")
        _address_options(q)
        q.set_defaults(func=run_vendor_add if action == "add" else run_vendor_edit)
    q = add_action(sub, "show", "one vendor's details")
    q.add_argument("code", metavar="CODE")
    q.set_defaults(func=run_vendor_show)
    add_action(sub, "list", "every vendor you may see").set_defaults(func=run_vendor_list)


def _locations(subparsers: Any) -> None:
    p = add_command(subparsers, "locations", description="The vendors' warehouses (ship-from locations).")
    sub = p.add_subparsers(dest="locations_command", metavar="ACTION")
    sub.required = True
    for action, help_text in (("add", "add a location"), ("edit", "change a location's details (only the options given)")):
        q = add_action(sub, action, help_text)
        q.add_argument("code", metavar="CODE")
        q.add_argument("--vendor", required=action == "add", default=None, metavar="CODE")
        q.add_argument("--name", required=action == "add", default=None)
        _address_options(q)
        if action == "add":
            q.add_argument("--group", default=None, metavar="GROUP")
            _policy_options(q)
        q.set_defaults(func=run_location_add if action == "add" else run_location_edit)
    q = add_action(
        sub, "sla", "set a location's own SLA policy and/or its group (the operator's job)",
        description="With both hours, the location's own policy; --group GROUP puts it in a "
        "group (whose policy applies when it has none of its own); --no-group and "
        "--no-policy take them away. Open orders get their SLA marks recomputed.",
    )
    q.add_argument("code", metavar="CODE")
    _policy_options(q)
    q.add_argument("--group", default=None, metavar="GROUP")
    q.add_argument("--no-group", action="store_true")
    q.add_argument("--no-policy", action="store_true")
    q.set_defaults(func=run_location_sla)
    q = add_action(sub, "list", "locations (of one vendor with --vendor)")
    q.add_argument("--vendor", default=None, metavar="CODE")
    q.set_defaults(func=run_location_list)


def _groups(subparsers: Any) -> None:
    p = add_command(subparsers, "location-groups", description="Groups of locations sharing one SLA policy.")
    sub = p.add_subparsers(dest="groups_command", metavar="ACTION")
    sub.required = True
    for action, help_text in (("add", "add a location group with its SLA policy"), ("edit", "change a group's name or policy")):
        q = add_action(sub, action, help_text)
        q.add_argument("code", metavar="CODE")
        q.add_argument("--name", default=None)
        _policy_options(q)
        q.set_defaults(func=run_group_add if action == "add" else run_group_edit)
    add_action(sub, "list", "every location group").set_defaults(func=run_group_list)


# --- building records from options ----------------------------------------------------


def build(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """The record, or a refusal naming each bad field (``hours_to_ship: must be ...``)."""
    from dropship_tui.exports.import_format import path_of, plain_message

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [f"{path_of(e['loc'])}: {plain_message(e)}" for e in exc.errors()]
        raise InvalidInputError("; ".join(problems), problems) from None


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def _policy(args: argparse.Namespace, current: dict | None) -> dict | None:
    hours = _given(args, ("hours_to_acknowledge", "hours_to_ship"))
    if not hours:
        return current
    merged = {**(current or {}), **hours}
    if set(merged) != {"hours_to_acknowledge", "hours_to_ship"}:
        raise UsageError("an SLA policy needs both --hours-to-acknowledge and --hours-to-ship")
    return merged


def _exists(read: Any, code: str) -> bool:
    try:
        read(code)
    except NotFoundError:
        return False
    return True


# --- add and edit, for every kind --------------------------------------------------------

KINDS = {
    # kind: (the store's read, the store's write, the edit command, the record's model name)
    "vendor": ("vendor", "add_vendor", "vendors edit", "Vendor"),
    "location": ("location", "add_location", "locations edit", "Location"),
    "location group": ("location_group", "add_location_group", "location-groups edit", "LocationGroup"),
}


def _model(kind: str) -> type[BaseModel]:
    from dropship_tui.domain import models

    return getattr(models, KINDS[kind][3])


def _add(args: argparse.Namespace, kind: str, data: dict, message: str = "") -> int:
    read, write, edit, _ = KINDS[kind]
    with open_store(args, create=True) as store:
        if _exists(getattr(store, read), args.code):
            raise InvalidInputError(f"{kind.capitalize()} {args.code} already exists; change it with '{edit} {args.code}'")
        record = build(_model(kind), data)
        getattr(store, write)(record)
    return _done(args, message or f"Added {kind} {record.code}", record)


def _edit(args: argparse.Namespace, kind: str, change: Any) -> int:
    """Read the record, let ``change(data, current)`` update its JSON, check and save it."""
    read, write, _, _ = KINDS[kind]
    with open_store(args) as store:
        current = getattr(store, read)(args.code)
        data = current.model_dump(mode="json")
        change(data, current)
        record = build(_model(kind), data)
        getattr(store, write)(record)
    same = record == current
    return _done(args, f"{kind.capitalize()} {record.code}: nothing to change" if same else f"Changed {kind} {record.code}", record)


# --- vendors ------------------------------------------------------------------------------


def _vendor_data(args: argparse.Namespace, current: dict) -> dict:
    data = {**current, **_given(args, ("code", "name", "billing_email", "integration_mode"))}
    given = {"name": args.contact_name, "phone": args.phone, "email": args.email}
    contact = {**current.get("contact", {}), **{k: v for k, v in given.items() if v is not None}}
    return {**data, "contact": contact, "address": {**current.get("address", {}), **_given(args, ADDRESS)}}


def run_vendor_add(args: argparse.Namespace) -> int:
    return _add(args, "vendor", _vendor_data(args, {}))


def run_vendor_edit(args: argparse.Namespace) -> int:
    return _edit(args, "vendor", lambda data, _: data.update(_vendor_data(args, data)))


def run_vendor_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        vendor = store.vendor(args.code)
    return _done(args, None, vendor)


def run_vendor_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        vendors = store.vendors()
    return _listed(args, vendors, ("Code", "Name", "Contact", "Mode"),
                   lambda v: (v.code, v.name, v.contact.name, v.integration_mode.value))


# --- locations ----------------------------------------------------------------------------


def _policy_text(policy: Any) -> str:
    return f"{policy.hours_to_acknowledge} / {policy.hours_to_ship}" if policy else ""


def run_location_add(args: argparse.Namespace) -> int:
    data = {"code": args.code, "vendor_code": args.vendor, "name": args.name,
            "address": _given(args, ADDRESS), "group_code": args.group, "sla_policy": _policy(args, None)}
    return _add(args, "location", data, f"Added location {args.code} of vendor {args.vendor}")


def run_location_edit(args: argparse.Namespace) -> int:
    def change(data: dict, current: Any) -> None:
        if args.vendor is not None and args.vendor != current.vendor_code:
            raise InvalidInputError(
                f"Location {args.code} belongs to vendor {current.vendor_code}; a location cannot change vendor"
            )
        data.update(_given(args, ("name",)))
        data["address"] = {**data["address"], **_given(args, ADDRESS)}

    return _edit(args, "location", change)


def run_location_sla(args: argparse.Namespace) -> int:
    from dropship_tui.domain.models import Location

    if args.group and args.no_group:
        raise UsageError("--group and --no-group cannot go together")
    if args.no_policy and (args.hours_to_acknowledge is not None or args.hours_to_ship is not None):
        raise UsageError("--no-policy and --hours-... cannot go together")
    with open_store(args) as store:
        data = store.location(args.code).model_dump(mode="json")
        data["sla_policy"] = None if args.no_policy else _policy(args, data["sla_policy"])
        if args.group or args.no_group:
            data["group_code"] = args.group
        location = build(Location, data)
        store.add_location(location)
        policy = store.policy_for_location(location.code)
    source = (
        "its own policy" if location.sla_policy
        else f"group {location.group_code}" if location.group_code else "the defaults"
    )
    message = (
        f"Location {location.code}: {policy.hours_to_acknowledge} h to acknowledge, "
        f"{policy.hours_to_ship} h to ship ({source})"
    )
    return _done(args, message, location)


def run_location_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        locations = store.locations(args.vendor)
    return _listed(args, locations, ("Code", "Vendor", "Name", "Group", "SLA (ack / ship h)"),
                   lambda loc: (loc.code, loc.vendor_code, loc.name, loc.group_code or "", _policy_text(loc.sla_policy)))


# --- location groups ------------------------------------------------------------------


def run_group_add(args: argparse.Namespace) -> int:
    return _add(args, "location group", {"code": args.code, "name": args.name or "", "sla_policy": _policy(args, None)})


def run_group_edit(args: argparse.Namespace) -> int:
    def change(data: dict, _: Any) -> None:
        data.update(_given(args, ("name",)))
        data["sla_policy"] = _policy(args, data["sla_policy"])

    return _edit(args, "location group", change)


def run_group_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        groups = store.location_groups()
    return _listed(args, groups, ("Code", "Name", "SLA (ack / ship h)"),
                   lambda g: (g.code, g.name, _policy_text(g.sla_policy)))


# --- output -------------------------------------------------------------------------------


def _done(args: argparse.Namespace, message: str | None, record: BaseModel) -> int:
    if args.json:
        json_output.print_json(record.model_dump(mode="json"))
        return 0
    from dropship_tui.cli import output

    out = output.console()
    if message:
        out.print(output.plain(message))
    else:
        from dropship_tui.domain.setup import flat_fields

        for field, value in flat_fields(record.model_dump(mode="json")):
            out.print(output.text((f"{field}: ", "bold"), output.plain("" if value is None else value)))
    return 0


def _listed(args: argparse.Namespace, records: list, columns: tuple[str, ...], cells: Any) -> int:
    if args.json:
        json_output.print_json([r.model_dump(mode="json") for r in records])
        return 0
    from dropship_tui.cli import output

    t = output.table(*columns)
    for record in records:
        t.add_row(*(output.plain(c) for c in cells(record)))
    output.console().print(t)
    return 0
