"""What a served session needs from the store, in one place for SSH and the web: who a key
or token is, and the session token its app acts with (each store call in a thread, under
the store's write lock where it writes (``admin_connection``: either engine), so a busy store never stalls the event loop)."""

from __future__ import annotations

import asyncio

from dropship_tui.server.auth import Principal, authenticate
from dropship_tui.server.backend import ServerStore
from dropship_tui.server.serving import keys


class SessionStore:
    def __init__(self, store: ServerStore) -> None:
        self.store = store

    def user_of_key(self, fingerprint: str) -> Principal | None:
        with self.store.reading() as conn:
            return keys.user_of_key(conn, fingerprint)

    def user_of_token(self, token: str) -> Principal:
        """The user of an API token, never of a session token (``UnauthorizedError``)."""
        with self.store.reading() as conn:
            return authenticate(conn, token, sessions=False)

    def user_of_session(self, token: str) -> Principal:
        """The user of a live session token: ``UnauthorizedError`` once it expired or the
        user was revoked."""
        with self.store.reading() as conn:
            return authenticate(conn, token)

    async def open_token(self, name: str, kind: str) -> str:
        def opening() -> str:
            with self.store.admin_connection() as conn:
                return keys.open_session_token(conn, name, kind)

        return await asyncio.to_thread(opening)

    async def close_token(self, token: str) -> None:
        def closing() -> None:
            with self.store.admin_connection() as conn:
                keys.close_session_token(conn, token)

        await asyncio.to_thread(closing)

    def close_all_tokens(self) -> None:
        """Every session token goes (at the server's start and when it stops): no token
        outlives the server that made its session. Synchronous, so it is done before the
        process exits. One ``serve`` per store, then (docs/serve.md)."""
        with self.store.admin_connection() as conn:
            keys.close_all_session_tokens(conn)
