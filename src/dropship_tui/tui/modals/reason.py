"""The reason modal (R3/R4): why each short line cannot be fulfilled in full.

Per short line: ordered / fulfilling / unfulfilled / reason (R3's codes by label), free
text for ``other`` (a bordered field, next after its reason in the Tab order); one "apply to all" reason; a live count of lines still missing one.
Confirming is refused, naming the lines, until every short line has a complete reason.
When every line is validated to 0 the modal says the order will be canceled instead (R4).
Dismisses with ``{line_id: Reason}`` (or None on esc); the acknowledgement screen writes.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from dropship_tui.domain import workflow
from dropship_tui.domain.models import REASON_TEXT_MAX, Order, Reason, ReasonCode
from dropship_tui.domain.words import terminal_text
from dropship_tui.tui.widgets.reason_select import ReasonSelect
from dropship_tui.tui.widgets.key_footer import KeyFooter


class ReasonModal(ModalScreen[dict[int, Reason] | None]):
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Confirm", id="reason.confirm",
                tooltip="Confirm the acknowledgement with these reasons"),
        Binding("escape", "back", "Back", id="reason.back", tooltip="Back to the quantities"),
    ]
    CSS_PATH = "../styles/fulfillment.tcss"

    def __init__(self, order: Order, validated: Mapping[int, int], reasons: Mapping[int, Reason] | None = None) -> None:
        super().__init__(classes="dim-modal")
        self.order = order
        self.memory = reasons if isinstance(reasons, dict) else None
        """The caller's dict of reasons: updated on esc so nothing chosen is lost."""
        self.validated = dict(validated)
        self.short = workflow.short_lines(order, validated)
        self.initial = {lid: r for lid, r in (reasons or {}).items() if any(l.line_id == lid for l in self.short)}
        self.all_zero = workflow.would_cancel(order, self.validated)

    def compose(self) -> ComposeResult:
        with Vertical(id="reason-box"):
            title = "Every line is validated to 0" if self.all_zero else "Some items cannot be fulfilled in full"
            yield Static(Text(f"PO {self.order.po_number} — {title}", style="bold"), classes="title")
            if self.all_zero:
                yield Static(
                    Text(
                        "Nothing would ship, so the order will not be acknowledged: confirming "
                        "CANCELS the order with the reasons below.",
                        style="bold",
                    ),
                    id="all-zero",
                )
            with Horizontal(id="reason-all-row"):
                yield Static(Text("Apply a reason to all lines:"), classes="r-all-label")
                yield ReasonSelect(prompt="Choose…", id="reason-all", compact=True)
                yield Input(
                    placeholder="Why? (for Other)", max_length=REASON_TEXT_MAX, id="reason-all-text",
                    classes="reason-text",
                )
            with Horizontal(classes="r-row r-head"):
                for label, cls in (
                    ("Product", "r-product"),
                    ("Ordered", "r-num"),
                    ("Fulfilling", "r-num"),
                    ("Unfulfilled", "r-num"),
                    ("Reason", "r-reason"),
                ):
                    yield Static(Text(label, justify="left" if cls != "r-num" else "right"), classes=cls)
            # Not a tab stop itself: Tab goes from field to field (focus scrolls the list).
            with VerticalScroll(id="reason-lines", can_focus=False):
                for line in self.short:
                    fulfilling = workflow.validated_quantity(line, self.validated)
                    reason = self.initial.get(line.line_id)
                    with Vertical(classes="r-line"):
                        with Horizontal(classes="r-row"):
                            product = Text(no_wrap=True, overflow="ellipsis")
                            product.append(terminal_text(line.sku), style="bold")
                            product.append("  " + terminal_text(line.description))
                            yield Static(product, classes="r-product")
                            yield Static(Text(str(line.quantity_ordered), justify="right"), classes="r-num")
                            yield Static(Text(str(fulfilling), justify="right"), classes="r-num")
                            yield Static(
                                Text(str(workflow.shortfall(line, self.validated)), justify="right", style="bold yellow"),
                                classes="r-num",
                            )
                            yield ReasonSelect(prompt="Choose a reason",
                                value=reason.code if reason else Select.NULL,
                                id=f"reason-{line.line_id}",
                                classes="r-reason",
                                compact=True,
                            )
                        yield Input(
                            reason.text if reason else "",
                            placeholder=f"Why is {terminal_text(line.sku)} short? (required for Other)",
                            max_length=REASON_TEXT_MAX,
                            id=f"reason-text-{line.line_id}",
                            classes="reason-text" + (" shown" if reason and reason.code is ReasonCode.OTHER else ""),
                        )
                        yield Static("", id=f"reason-problem-{line.line_id}", classes="r-problem")
            yield Static("", id="reason-count")
            with Horizontal(classes="actions"):
                label = "Cancel the order  ctrl+s" if self.all_zero else "Confirm acknowledgement  ctrl+s"
                yield Button(label, variant="error" if self.all_zero else "primary", id="reason-confirm", compact=True)
                yield Button("Back  esc", id="reason-back", compact=True)

        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 100, "-narrow")
        self.refresh_count()
        if self.short:
            target = "#reason-all" if len(self.short) > 1 else f"#reason-{self.short[0].line_id}"
            self.query_one(target, Select).focus()

    # --- state -------------------------------------------------------------------------

    def reasons(self) -> dict[int, Reason]:
        out = {}
        for line in self.short:
            value = self.query_one(f"#reason-{line.line_id}", Select).value
            if isinstance(value, ReasonCode):
                text = self.query_one(f"#reason-text-{line.line_id}", Input).value
                out[line.line_id] = Reason(code=value, text=text if value is ReasonCode.OTHER else "")
        return out

    def missing(self) -> dict[int, str]:
        return workflow.lines_missing_reason(self.order, self.validated, self.reasons())

    def refresh_count(self, *, show_problems: bool = False) -> None:
        missing = self.missing()
        count = self.query_one("#reason-count", Static)
        if missing:
            text = Text(workflow.still_need_reason(len(missing)), style="bold yellow")
            if show_problems:
                text.append(": ")
                text.append(
                    "; ".join(f"{terminal_text(self.order.line(lid).sku)} {what}" for lid, what in missing.items()),
                    style="bold red",
                )
            count.update(text)
        else:
            count.update(Text("All reasons provided ✓", style="bold green"))
        for line in self.short:
            label = self.query_one(f"#reason-problem-{line.line_id}", Static)
            what = missing.get(line.line_id)
            if what and (show_problems or label.has_class("shown")):
                label.update(Text(f"✗ {terminal_text(line.sku)} {what}", style="bold red"))
                label.add_class("shown")
            else:
                label.update("")
                label.remove_class("shown")

    # --- events ------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        select_id = event.select.id or ""
        is_other = event.value is ReasonCode.OTHER
        if select_id == "reason-all":
            self.query_one("#reason-all-text", Input).set_class(is_other, "shown")
            if isinstance(event.value, ReasonCode):
                all_text = self.query_one("#reason-all-text", Input).value
                for line in self.short:
                    self.query_one(f"#reason-{line.line_id}", Select).value = event.value
                    field = self.query_one(f"#reason-text-{line.line_id}", Input)
                    field.set_class(is_other, "shown")
                    if is_other and not field.value:
                        field.value = all_text
                if is_other:
                    self.query_one("#reason-all-text", Input).focus()
        elif select_id.startswith("reason-"):
            line_id = int(select_id.removeprefix("reason-"))
            field = self.query_one(f"#reason-text-{line_id}", Input)
            field.set_class(is_other, "shown")
            if is_other and event.select.has_focus:
                field.focus()
        self.refresh_count()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "reason-all-text":
            for line in self.short:
                if self.query_one(f"#reason-{line.line_id}", Select).value is ReasonCode.OTHER:
                    self.query_one(f"#reason-text-{line.line_id}", Input).value = event.value
        self.refresh_count()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "reason-confirm":
            self.action_confirm()
        else:
            self.action_back()

    def action_confirm(self) -> None:
        missing = self.missing()
        if missing:
            self.refresh_count(show_problems=True)
            first = next(iter(missing))
            select = self.query_one(f"#reason-{first}", Select)
            if select.value is ReasonCode.OTHER:
                self.query_one(f"#reason-text-{first}", Input).focus()
            else:
                select.focus()
            self.notify(workflow.still_need_reason(len(missing)), severity="warning")
            return
        self.dismiss(self.reasons())

    def action_back(self) -> None:
        if self.memory is not None:
            self.memory.update(self.reasons())
        self.dismiss(None)

