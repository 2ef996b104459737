"""The retailer's last cancellation request as one short cell of the order detail's
summary (issue 14 item 2): waiting, or how the vendor answered it. Reasons and names are
long (free text): the answer modal shows the request's, the Activity tab both, with who."""

from __future__ import annotations

from rich.text import Text

from dropship_tui.domain.models import CancelRequest, CancelRequestStatus


def request_cell(request: CancelRequest) -> Text:
    if request.status is CancelRequestStatus.PENDING:
        return Text("waiting for you", style="bold magenta")
    if request.status is CancelRequestStatus.ACCEPTED:
        return Text("accepted", style="red")
    return Text("rejected", style="dim")
