"""Serving the app itself (issue 15): over SSH (``ssh``) and in a browser (``web``), each
session its own app process talking to the HTTP API with a session token (``keys``), so
vendor scoping, roles and activity attribution are exactly those of the user's token."""
