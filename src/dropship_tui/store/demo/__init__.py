"""Demo data: a reproducible store that looks like a vendor's real week (``build_demo``;
see ``builder``)."""

from dropship_tui.store.demo.builder import DemoSummary, build_demo

__all__ = ["DemoSummary", "build_demo"]
