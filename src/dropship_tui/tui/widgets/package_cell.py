"""R16's package status as a table cell: the status, since when, an exception in red."""

from __future__ import annotations

from rich.text import Text

from dropship_tui.domain import workflow
from dropship_tui.domain.models import PackingSlip
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.domain.words import local_time

STYLES = {
    PackageStatus.PENDING: "dim",
    PackageStatus.DELIVERED: "green",
    PackageStatus.EXCEPTION: "bold red",
    PackageStatus.RETURNED: "yellow",
}


def package_cell(slip: PackingSlip) -> Text:
    status, since = workflow.package_status(slip)
    text = Text(status.label, style=STYLES.get(status, ""))
    if since is not None:
        text.append(f" {local_time(since, '%m-%d %H:%M')}", style="dim")
    return text
