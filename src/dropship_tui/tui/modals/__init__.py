"""One modal screen per module (dialogs pushed over a screen)."""
