"""How many sessions may run: per user and in all, shared by the SSH and web servers, with
the message the refused client reads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class SessionLimits:
    per_user: int = 3
    total: int = 50
    idle_minutes: float = 30.0
    """A session without a key press for this long is closed (0: never)."""
    _open: Counter[str] = field(default_factory=Counter)

    def claim(self, user: str) -> str | None:
        """Count a new session of ``user``; or say why it may not start."""
        if sum(self._open.values()) >= self.total:
            return (f"The server is full ({self.total} sessions are open, its limit); "
                    "try again in a few minutes.")
        if self._open[user] >= self.per_user:
            return (f"{user} already has {self._open[user]} sessions open (the limit is "
                    f"{self.per_user}); close one first.")
        self._open[user] += 1
        return None

    def release(self, user: str) -> None:
        self._open[user] -= 1
        if self._open[user] <= 0:
            del self._open[user]

    @property
    def idle_seconds(self) -> float | None:
        return self.idle_minutes * 60 if self.idle_minutes > 0 else None
