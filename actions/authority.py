"""Choosing the authority: asked once (buttons, or a typed name or town), changeable at any time."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import KnowledgeBaseAction, ask_authority, authority_buttons, resolve_authority
from actions.feedback import offer as offer_feedback
from actions.kb import KnowledgeBase
from actions.practitioner import practitioner_of
from actions.questions import answer_question
from actions.recommendation import recommend_for

GREETING = (
    "Tell me what is worrying you about a child, in your own words. If a child may be in danger right now, "
    "call 999 first."
)
CHOOSE_FIRST = "Which local authority's threshold document should I use? Choose one now, or type your worry first."


class ActionGreet(KnowledgeBaseAction):
    """Hello (by name when the channel gives one), the invitation, and the authority buttons when
    none is chosen yet, so that a practitioner can start from a button."""

    def name(self) -> str:
        return "action_greet"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        who = practitioner_of(tracker)
        hello = f"Hello {who['name']}." if who else "Hello."
        dispatcher.utter_message(text=f"{hello} {GREETING}")
        if not tracker.get_slot("authority"):
            dispatcher.utter_message(text=CHOOSE_FIRST, buttons=authority_buttons(kb))
        return []


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
            reference = recommend_for(kb, dispatcher, tracker, slug)
            return [*events, SlotSet("recommended", True), *offer_feedback(dispatcher, reference)]
        dispatcher.utter_message(text=f"Using {authority.name}'s document ({authority.document.title}).")
        return events
