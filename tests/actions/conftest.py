"""Action tests: SDK objects, the real domain (loaded once), an in-memory knowledge base with a
fixed `now`, and a fresh tracker and dispatcher per test."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import kb as kb_module
from actions.kb import KnowledgeBase
from threshold_kb import config, national_routes
from threshold_kb.clock import LONDON
from threshold_kb.store.repository import InMemoryRepository

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)
SATURDAY_NIGHT = datetime(2026, 11, 28, 23, 0, tzinfo=LONDON)
SLUGS = ("bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent")


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(config.PROJECT_ROOT / "domain.yml")).as_dict()


@pytest.fixture
def kb(authorities):
    """The gateway every action uses, on the bundled files, at a fixed Tuesday morning."""
    gateway = KnowledgeBase(load=lambda: InMemoryRepository(authorities), now=lambda: TUESDAY_MORNING)
    kb_module.use(gateway)
    yield gateway
    kb_module.use(None)


@pytest.fixture(autouse=True)
def record_store(tmp_path):
    """Consultation records go to a database of each test's own, never build/."""
    from threshold_kb.store import records

    store = records.RecordStore.from_url(f"sqlite:///{tmp_path / 'records.sqlite'}")
    records.use(store)
    yield store
    records.use(None)


@pytest.fixture
def broken_kb():
    """A gateway whose database is unreachable."""

    def fail():
        raise ConnectionError("could not connect to server: Connection refused")

    gateway = KnowledgeBase(load=fail, now=lambda: TUESDAY_MORNING)
    kb_module.use(gateway)
    yield gateway
    kb_module.use(None)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def tracker(
    text: str = "",
    intent: str = "describe_worry",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    metadata: dict[str, Any] | None = None,
    input_channel: str | None = None,
) -> Tracker:
    all_slots = {"recommended": False, **(slots or {})}
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": all_slots,
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities or [],
                "metadata": metadata or {},
            },
            "events": [{"event": "user", "text": text, "input_channel": input_channel}] if input_channel else [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["text"] for m in dispatcher.messages if m.get("text")]


def payloads(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def slot_events(events) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


_PHONE = re.compile(r"(?<!\d)0\d{3,4}[ ]?\d{3}[ ]?\d{3,4}(?!\d)")
_SHORT = re.compile(r"(?<![\w.:/-])(?:999|101|111)(?![\w/-])")  # short national numbers, said alone
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEB = re.compile(r"https?://\S+|www\.\S+")


def contact_details(text: str) -> set[str]:
    """Every phone number (short national ones included), email and web address said in a reply."""
    found = set(_PHONE.findall(text)) | set(_SHORT.findall(text)) | set(_EMAIL.findall(text))
    return found | {w.rstrip(").,;") for w in _WEB.findall(text)}


def published(authorities, national: bool = True) -> set[str]:
    """Every contact detail the assistant may say: the authorities' own, from their files, and the
    national routes, read from threshold_kb/national/routes.yml itself (never from the code's
    constants), so a national number counts as published only while that cited file holds it."""
    own = {d for a in authorities for c in a.contacts for d in (*c.phones, *c.emails, *c.web)}
    return own | (national_routes.published(national_routes.load()) if national else set())
