"""The shared shape of every action that reads the knowledge base: never silent, never a crash.

An action subclasses `KnowledgeBaseAction` and writes `act`. If the knowledge base is down, or
`act` fails for any reason, the practitioner gets the safe answer (999 if a child may be in
danger, the designated safeguarding lead and the authority's front door) instead of an error.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.kb import KnowledgeBase, KnowledgeBaseUnavailable, gateway
from actions.practitioner import remember_practitioner

logger = logging.getLogger(__name__)

SKIPPED = "skipped"


def answer(value: Any) -> str | None:
    """A slot's answer, or None when it was skipped or never asked."""
    return None if value in (None, "", SKIPPED) else str(value)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def authority_buttons(kb: KnowledgeBase, intent: str = "choose_authority") -> list[dict[str, str]]:
    """One button per authority in the knowledge base: adding a file adds a button."""
    return [
        {"title": kb.repo.get(slug).name, "payload": f'/{intent}{{"authority_name":"{slug}"}}'}
        for slug in kb.repo.slugs()
    ]


ASK_AUTHORITY = "Which local authority's threshold document should I use? Choose one, or type your council or town."


def resolve_authority(kb: KnowledgeBase, tracker: Tracker) -> tuple[str | None, tuple[str, ...]]:
    """The slug the practitioner named (the message's entities, from a button or typed, then their
    words), and any rivals: "Stoke or Cumbria?" names two, so none is chosen."""
    named = tuple(dict.fromkeys(tracker.get_latest_entity_values("authority_name")))
    found = tuple(slug for entity in named for slug in kb.find_authorities(entity))
    found = found or kb.find_authorities(latest_text(tracker))
    return (found[0] if len(found) == 1 else None), found


def ask_authority(kb: KnowledgeBase, dispatcher: CollectingDispatcher, found: tuple[str, ...] = ()) -> None:
    if len(found) > 1:
        names = " or ".join(kb.repo.get(slug).name for slug in found)
        dispatcher.utter_message(text=f"That could be {names}. Which one?", buttons=authority_buttons(kb))
    else:
        dispatcher.utter_message(text=ASK_AUTHORITY, buttons=authority_buttons(kb))


class KnowledgeBaseAction(Action, ABC):
    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def act(
        self, kb: KnowledgeBase, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        kb = gateway()
        try:
            return [*remember_practitioner(tracker), *self.act(kb, dispatcher, tracker, domain)]
        except KnowledgeBaseUnavailable:
            pass
        except Exception:  # a bug must not silence the assistant: log it, give the safe answer
            logger.exception("action %s failed", self.name())
        context = f"{tracker.get_slot('worry') or ''} {latest_text(tracker)}"
        dispatcher.utter_message(text=kb.safe_answer(tracker.get_slot("authority"), context))
        return remember_practitioner(tracker)
