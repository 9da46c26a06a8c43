"""Sessions of `privgen serve`, held in this process's memory only: nothing goes to disk.

A session is found by a random id (the only cookie); it holds the answers, what was typed
but does not fit yet, the CSRF token, and the documents made from the answers (so a PDF is
rendered once). It ends when the user deletes it, after IDLE_SECONDS without a request, or
with the process. The number of sessions is bounded: the least recently used goes first.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

IDLE_SECONDS = 4 * 3600
MAX_SESSIONS = 64
MAX_CACHED = 256  # rendered files per session: every format of every document, ~10 MB at most


@dataclass
class WebSession:
    id: str
    lang: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    answers: dict[str, Any] = field(default_factory=dict)
    drafts: dict[str, Any] = field(default_factory=dict)  # path -> what was typed, when it did not fit
    errors: dict[str, str] = field(default_factory=dict)  # path -> message (in the language of the time)
    visited: set[str] = field(default_factory=set)  # sections the user continued from
    notices: list[str] = field(default_factory=list)  # shown once on the next page
    touched: float = field(default_factory=time.monotonic)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    cache: OrderedDict = field(default_factory=OrderedDict, repr=False)

    def cached(self, key: tuple, make) -> Any:
        """The value for key, made once (files rendered from the current answers)."""
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        value = make()
        self.cache[key] = value
        while len(self.cache) > MAX_CACHED:
            self.cache.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every answer and document (the session itself stays, with its token)."""
        self.answers.clear()
        self.drafts.clear()
        self.errors.clear()
        self.visited.clear()
        self.cache.clear()


class SessionStore:
    def __init__(self, idle_seconds: float = IDLE_SECONDS, max_sessions: int = MAX_SESSIONS):
        self.idle_seconds = idle_seconds
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, WebSession] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        for sid in [s.id for s in self._sessions.values() if now - s.touched > self.idle_seconds]:
            self._sessions.pop(sid).clear()

    def get(self, sid: str | None) -> WebSession | None:
        """The live session with this id (its clock restarts), or None."""
        if not sid:
            return None
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            session = self._sessions.get(sid)
            if session is not None:
                session.touched = now
                self._sessions.move_to_end(sid)
            return session

    def create(self, lang: str) -> WebSession:
        with self._lock:
            self._expire(time.monotonic())
            while len(self._sessions) >= self.max_sessions:
                _, oldest = self._sessions.popitem(last=False)
                oldest.clear()
            session = WebSession(id=secrets.token_urlsafe(32), lang=lang)
            self._sessions[session.id] = session
            return session

    def __len__(self) -> int:
        return len(self._sessions)
