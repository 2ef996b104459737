"""How a CSV import refused for its bad rows is told: each bad line on stdout (or in the
JSON), then the one-line refusal (exit 1). Shared by ``stock import`` and
``sku-mappings import``."""

from __future__ import annotations

import argparse

from dropship_tui.cli import json_output
from dropship_tui.domain.errors import InvalidInputError


def refusal(args: argparse.Namespace, exc: InvalidInputError) -> InvalidInputError:
    """Print ``exc``'s "line N: why" problems and return the refusal to raise; ``exc``
    itself when it names no line (the file as a whole is refused)."""
    bad = [p for p in exc.problems if p.startswith("line ")]
    if not bad:
        return exc
    if args.json:
        json_output.print_json({"imported": False, "problems": bad})
    else:
        from dropship_tui.cli import output

        out = output.console()
        for problem in bad:
            out.print(output.text(("bad", "bold red"), " ", problem))
    what = bad[0] if len(bad) == 1 else f"{len(bad)} bad rows"
    return InvalidInputError(f"{args.file}: {what}; nothing imported")
