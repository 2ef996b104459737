"""dropship-tui: a keyboard-first terminal app for dropship vendors."""

__version__ = "0.1.0"
