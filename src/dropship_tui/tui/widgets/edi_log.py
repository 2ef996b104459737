"""The order detail's EDI tab (issue 10 item 6): every X12 document exchanged for the
order, received, sent or waiting in the outbox, as a table of plain ``Text`` cells (a
control number or an error is user data to the terminal, never markup).

An order that did not come in by EDI says so in one line instead of an empty table, so
"no documents" is never mistaken for "not loaded yet"."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget
from textual.widgets import DataTable, Static

from dropship_tui.domain.edi import EdiDocument, EdiStatus
from dropship_tui.domain.words import DASH, local_time, terminal_text

NONE_TEXT = "No EDI documents: this order did not come in by EDI"

SET_NAMES = {
    "850": "850 purchase order",
    "855": "855 acknowledgement",
    "856": "856 ship notice",
    "810": "810 invoice",
    "846": "846 inventory",
    "997": "997 functional ack",
}
STATUS_STYLE = {EdiStatus.RECEIVED: "cyan", EdiStatus.SENT: "green", EdiStatus.WAITING: "bold yellow"}


def edi_tab_title(documents: Sequence[EdiDocument]) -> str:
    return f"EDI ({len(documents)})" if documents else "EDI"


def _status(document: EdiDocument) -> Text:
    text = Text(document.status.value.capitalize(), style=STATUS_STYLE.get(document.status, ""))
    if document.error:
        text.append(f" — {terminal_text(document.error)}", style="red")
    return text


def edi_log(documents: Sequence[EdiDocument]) -> Widget:
    """The tab's content: the log oldest first, or the one line saying there is none."""
    if not documents:
        return Static(Text(NONE_TEXT, style="dim"), id="edi-none")
    table: DataTable = DataTable(id="edi", cursor_type="row", zebra_stripes=True)
    table.add_columns("Set", "Direction", "Control number", "When", "Status")
    for doc in documents:
        when = doc.sent_at if doc.sent_at is not None else doc.created_at
        control = terminal_text(doc.control_number) or "— not yet"
        if doc.set_control:
            control += f" / {terminal_text(doc.set_control)}"
        table.add_row(
            Text(SET_NAMES.get(doc.set_id, terminal_text(doc.set_id))),
            Text("In (from the retailer)" if doc.direction == "in" else "Out (to the retailer)"),
            Text(control),
            Text(local_time(when, missing=DASH)),
            _status(doc),
        )
    return table
