"""Which screen comes next: the one module that knows the concrete screens.

Screens never open one another; they post a message (``tui.messages``) that bubbles up
to the app, and ``Navigation`` (a mixin of the app) reacts: the order detail for
``OpenOrder``, the step ``workflow.fulfillment_step`` names for ``Fulfil`` and
``ShowOrder``, the batch screens for the batch messages. ``bound_classes`` lists every
class that declares key bindings, for the check of the user's ``[keymap]``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen

from dropship_tui.domain import workflow
from dropship_tui.domain.models import Order
from dropship_tui.tui import modals, widgets
from dropship_tui.tui.messages import (
    BackToDashboard,
    BatchAcknowledged,
    BatchDone,
    Fulfil,
    OpenBatchAcknowledge,
    OpenOrder,
    OpenShipping,
    ShowOrder,
)
from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.screens.batch_ack import BatchAckScreen
from dropship_tui.tui.screens.batch_result import BatchResultScreen
from dropship_tui.tui.screens.dashboard import DashboardScreen
from dropship_tui.tui.screens.invoice import InvoiceScreen
from dropship_tui.tui.screens.order_detail import OrderDetailScreen
from dropship_tui.tui.screens.order_screen import OrderScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen
from dropship_tui.tui.screens.scorecard import ScorecardScreen

SCREENS: tuple[type[Screen], ...] = (
    DashboardScreen,
    OrderDetailScreen,
    AcknowledgeScreen,
    PrepareShipmentsScreen,
    InvoiceScreen,
    BatchAckScreen,
    BatchResultScreen,
    ScorecardScreen,
)

STEP_SCREENS: dict[workflow.Step, type[OrderScreen]] = {
    workflow.Step.ACKNOWLEDGE: AcknowledgeScreen,
    workflow.Step.PREPARE_SHIPMENTS: PrepareShipmentsScreen,
    workflow.Step.INVOICE: InvoiceScreen,
}


def fulfillment_screen(order: Order) -> OrderScreen | None:
    """The screen of the step the order is at; None when nothing is left to fulfil."""
    step = workflow.fulfillment_step(order)
    return None if step is None else STEP_SCREENS[step](order.po_number, order)


def current_screen(order: Order) -> OrderScreen:
    """Where an order stands now: its fulfillment step, else its detail."""
    return fulfillment_screen(order) or OrderDetailScreen(order.po_number)


def bound_classes() -> list[type[DOMNode]]:
    """Every screen, modal and widget class of the app (each module of ``tui.modals`` and
    ``tui.widgets`` is read): the classes whose ``BINDINGS`` a keymap may name."""
    classes: list[type[DOMNode]] = list(SCREENS)
    for package in (modals, widgets):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            classes.extend(
                cls for _, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, DOMNode) and cls.__module__ == module.__name__
            )
    return classes


class Navigation(App[None]):
    """The app's reactions to the screens' messages."""

    def open_dashboard(self) -> None:
        """The first screen, under every other."""
        self.push_screen(DashboardScreen())

    def action_open_scorecard(self) -> None:
        """The app's ``R`` (``app.scorecard``): the vendor scorecard, over the dashboard."""
        self.push_screen(ScorecardScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The scorecard opens from the dashboard only (elsewhere ``R`` is not bound, so
        the help and palette of other screens do not list it)."""
        if action == "open_scorecard":
            return isinstance(self.screen, DashboardScreen)
        return True

    def on_open_order(self, message: OpenOrder) -> None:
        self.push_screen(OrderDetailScreen(message.po_number))

    def on_fulfil(self, message: Fulfil) -> None:
        screen = fulfillment_screen(message.order)
        if screen is None:
            self.notify(f"{workflow.nothing_to_fulfil(message.order)}.")
            return
        self.push_screen(screen)

    def on_show_order(self, message: ShowOrder) -> None:
        self.switch_screen(current_screen(message.order))

    async def on_back_to_dashboard(self, message: BackToDashboard) -> None:
        while len(self.screen_stack) > 1 and isinstance(self.screen, OrderScreen):
            await self.screen.settled()  # never left in the middle of rebuilding itself
            if not (len(self.screen_stack) > 1 and isinstance(self.screen, OrderScreen)):
                break
            self.pop_screen()
        if message.order is not None and isinstance(self.screen, DashboardScreen):
            self.screen.land_on(message.order)

    def on_open_shipping(self, message: OpenShipping) -> None:
        self.switch_screen(PrepareShipmentsScreen(message.order.po_number, message.order))

    def on_open_batch_acknowledge(self, message: OpenBatchAcknowledge) -> None:
        self.push_screen(BatchAckScreen(message.pos, message.query, marked=message.marked))

    def on_batch_done(self, message: BatchDone) -> None:
        self.switch_screen(BatchResultScreen(message.outcome))

    def on_batch_acknowledged(self, message: BatchAcknowledged) -> None:
        self.pop_screen()
        screen = self.screen
        if isinstance(screen, DashboardScreen) and message.succeeded:
            screen.clear_marks(message.succeeded)  # refused ones stay marked
