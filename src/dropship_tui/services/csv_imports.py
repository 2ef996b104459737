"""Transitional re-export for the TUI's tracking import modal, which still imports this
name: the imports are ``stock_import`` and ``tracking_import``. Delete once the modal
imports ``tracking_import``."""

from dropship_tui.services.tracking_import import REFUSED, TrackingImportReport, import_tracking

__all__ = ["REFUSED", "TrackingImportReport", "import_tracking"]
