"""Choosing the authority: asked once (buttons, or a typed name or town), changeable at any time."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import KnowledgeBaseAction, ask_authority, resolve_authority
from actions.kb import KnowledgeBase
from actions.questions import answer_question
from actions.recommendation import recommend_for


class ActionAskAuthority(KnowledgeBaseAction):
    def name(self) -> str:
        return "action_ask_authority"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        ask_authority(kb, dispatcher)
        return []


class ActionSetAuthority(KnowledgeBaseAction):
    """Sets or switches the authority, then answers what was waiting for it."""

    def name(self) -> str:
        return "action_set_authority"

    def act(self, kb: KnowledgeBase, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        slug, found = resolve_authority(kb, tracker)
        if slug is None:
            if not found:
                dispatcher.utter_message(text="I don't recognise that authority.")
            ask_authority(kb, dispatcher, found)
            return []
        authority = kb.repo.get(slug)
        events: list[EventType] = [SlotSet("authority", slug)]
        pending = tracker.get_slot("pending_question")
        if pending:
            dispatcher.utter_message(text=f"Using {authority.name}'s document ({authority.document.title}).")
            answer_question(pending, kb, dispatcher, slug, tracker.get_slot("pending_text") or "")
            return [*events, SlotSet("pending_question", None), SlotSet("pending_text", None)]
        if tracker.get_slot("worry") and not tracker.active_loop_name:
            # A worry waiting for its authority (danger first), or one already answered under another.
            dispatcher.utter_message(text=f"Using {authority.name}. Here is the worry under its document.")
            recommend_for(kb, dispatcher, tracker, slug)
            return [*events, SlotSet("recommended", True)]
        dispatcher.utter_message(text=f"Using {authority.name}'s document ({authority.document.title}).")
        return events
