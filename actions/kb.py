"""The one gateway from the actions to `threshold_kb`, cached, and safe when the store is down.

The knowledge base is read from its database once, on the first message that needs it, and held
in memory with the engine built over it; nothing heavy happens at import (rasa_sdk imports every
actions module when the server starts). If the database cannot be read, `KnowledgeBaseUnavailable`
is raised; the actions turn it into the safe answer, which names 999, the designated
safeguarding lead and the front door from the bundled knowledge-base files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from threading import Lock

from threshold_kb import config, loader, queries
from threshold_kb import model as m
from threshold_kb.clock import LONDON
from threshold_kb.matching.danger import danger_signals
from threshold_kb.matching.encoder import load_encoder
from threshold_kb.matching.engine import Engine
from threshold_kb.replies import GUIDANCE_UNAVAILABLE, safe_answer
from threshold_kb.store.repository import InMemoryRepository, Repository, SqlRepository
from threshold_kb.triage.consult import Consultant

logger = logging.getLogger(__name__)



class KnowledgeBaseUnavailable(RuntimeError):
    pass


class KnowledgeBase:
    def __init__(
        self,
        load: Callable[[], Repository] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._load = load or (lambda: SqlRepository.from_url(config.database_url()))
        self._now = now or (lambda: datetime.now(LONDON))
        self._repo: InMemoryRepository | None = None
        self._engine: Engine | None = None
        self._consultant: Consultant | None = None
        self._lock = Lock()

    def now(self) -> datetime:
        return self._now()

    @property
    def repo(self) -> InMemoryRepository:
        self._ensure()
        assert self._repo is not None
        return self._repo

    @property
    def engine(self) -> Engine:
        self._ensure()
        assert self._engine is not None
        return self._engine

    @property
    def consultant(self) -> Consultant:
        """The engine's evidence and each authority's triage rules: the level, decided by asking."""
        self._ensure()
        assert self._consultant is not None
        return self._consultant

    def _ensure(self) -> None:
        if self._repo is not None:
            return
        with self._lock:
            if self._repo is not None:
                return
            try:
                authorities = self._load().all()
            except Exception as exc:  # any store failure: the caller gives the safe answer
                logger.error("knowledge base unavailable: %s", exc)
                raise KnowledgeBaseUnavailable(str(exc)) from exc
            self._engine = Engine(authorities, load_encoder())  # None: words only, logged
            self._consultant = Consultant(self._engine)
            self._repo = InMemoryRepository(authorities)

    def authority(self, slug: str | None) -> m.Authority | None:
        return self.repo.get(slug) if slug and slug in self.repo.slugs() else None

    def find_authorities(self, text: str) -> tuple[str, ...]:
        """Slugs named in the text (name, alias or town), best first; several means ambiguous."""
        if text in self.repo.slugs():
            return (text,)
        return tuple(match.slug for match in queries.authority_from_text(self.repo, text))

    def safe_answer(self, slug: str | None, text: str = "", reason: str = GUIDANCE_UNAVAILABLE) -> str:
        """The answer when the full guidance cannot be given. Uses the cached knowledge base, or
        the bundled files if the database is down; if both fail, 999 and the safeguarding lead."""
        authority = None
        if slug:
            try:
                authority = self.authority(slug)
            except KnowledgeBaseUnavailable:
                authority = loader.bundled_authority(slug)
        return safe_answer(authority, self.now(), bool(danger_signals(text)), reason)


_shared: KnowledgeBase | None = None


def gateway() -> KnowledgeBase:
    """The process-wide gateway, created on first use. Tests install their own with `use`."""
    global _shared
    if _shared is None:
        _shared = KnowledgeBase()
    return _shared


def use(kb: KnowledgeBase | None) -> None:
    global _shared
    _shared = kb
