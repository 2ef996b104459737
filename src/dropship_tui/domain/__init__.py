"""Records and workflow rules: pure, no I/O. Nothing here imports textual, sqlite3 or
httpx (tests/test_architecture.py enforces it)."""
