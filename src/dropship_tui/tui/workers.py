"""Store calls off the UI thread, one at a time: the one way screens, modals and widgets
reach the store.

The store may be remote over a slow link, so the UI thread never calls it: ``call_store``
runs the call in a thread worker and hands the result back on the UI thread. Every call
holds the store's own lock (``Store.lock``), so two workers never use one store connection
at the same moment. A ``DomainError`` comes back as the refusal to show; any other
failure as a ``DomainError`` that names it (a broken store must not end a session).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from dropship_tui.domain.errors import DomainError
from dropship_tui.store.base import Store


@contextmanager
def locked(app: Any) -> Iterator[Store]:
    """``with locked(app) as store:`` — the app's store, held for the calls inside (a
    worker that reads page by page takes it per page, so other reads go on between)."""
    store = app.store
    with store.lock:
        yield store


def unexpected(error: Exception) -> DomainError:
    """A failure that is not a refusal, in words a user can pass on."""
    return DomainError(f"Unexpected error: {type(error).__name__}: {error}")


class StoreWorkers:
    """Mixin for screens, modals and widgets: ``call_store(fn, done, failed)`` runs
    ``fn(store)`` in a thread worker and calls ``done(result)`` or ``failed(error)`` on
    the UI thread (not at all once the node has left the screen)."""

    busy: bool = False
    """A write is on its way (``write=True``): a second one is refused meanwhile."""

    def call_store(
        self,
        fn: Callable[[Store], Any],
        done: Callable[[Any], Any],
        failed: Callable[[DomainError], Any] | None = None,
        *,
        write: bool = False,
        group: str = "store",
        exclusive: bool = False,
        per_step: bool = False,
    ) -> bool:
        """False (and a warning) when a write is asked for while one is on its way.

        ``fn`` runs under the store lock; with ``per_step`` it takes the lock itself, a
        ``with locked(app)`` per step, for a long read that should let others in between
        (and must not hold the lock while it waits)."""
        if write:
            if self.busy:
                self.notify("Still saving the last change…", severity="warning")  # type: ignore[attr-defined]
                return False
            self.busy = True
        self.run_worker(  # type: ignore[attr-defined]
            partial(self._store_worker, fn, done, failed, write, per_step),
            thread=True,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
        )
        return True

    def _store_worker(self, fn, done, failed, write: bool, per_step: bool) -> None:  # type: ignore[no-untyped-def]
        app = self.app  # type: ignore[attr-defined]
        try:
            if per_step:
                result = fn(app.store)
            else:
                with locked(app) as store:
                    result = fn(store)
        except DomainError as exc:
            app.call_from_thread(self._store_finished, failed or self.show_error, exc, write)
        except Exception as exc:  # an unexpected failure must not kill a user's session
            app.call_from_thread(self._store_finished, failed or self.show_error, unexpected(exc), write)
        else:
            app.call_from_thread(self._store_finished, done, result, write)

    async def _store_finished(self, callback: Callable[[Any], Any], value: Any, write: bool) -> None:
        if write:
            self.busy = False
        if not self.is_attached:  # type: ignore[attr-defined]
            return
        result = callback(value)
        if inspect.isawaitable(result):
            await result

    def show_error(self, error: DomainError) -> None:
        self.notify(error.message, severity="error")  # type: ignore[attr-defined]
