"""Use cases that need a store: stock prefill, batch acknowledgement, batch printing,
CSV and JSON imports. Called by the TUI, the CLI and the server alike."""
