"""The worry in, the named next step out (text for every channel, a JSON payload for cards)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import KnowledgeBaseAction, answer, authority_buttons, latest_text
from actions.kb import KnowledgeBase
from actions.practitioner import practitioner_of
from threshold_kb.consultation import parse_age, parse_scale
from threshold_kb.recommend import recommend, to_payload
from threshold_kb.replies import SignsOfSafetyAnswers, recommendation_text, record_notes, scale_warning

MAX_WORRY = 5000  # characters kept; longer text is cut (and the practitioner told)
WORRY_NOTED = "Thank you. A few quick questions first; you can skip any of them."
SIGNS_OF_SAFETY_SLOTS = ("sos_worried", "sos_working_well", "sos_needs_to_happen", "sos_scale")


def signs_of_safety(tracker: Tracker) -> SignsOfSafetyAnswers:
    scale = answer(tracker.get_slot("sos_scale"))
    return SignsOfSafetyAnswers(
        worried=answer(tracker.get_slot("sos_worried")),
        working_well=answer(tracker.get_slot("sos_working_well")),
        needs_to_happen=answer(tracker.get_slot("sos_needs_to_happen")),
        scale=parse_scale(scale) if scale else None,
    )


def child_age(tracker: Tracker) -> float | None:
    value = answer(tracker.get_slot("child_age"))
    return parse_age(value) if value else None


def recommend_for(kb: KnowledgeBase, dispatcher: CollectingDispatcher, tracker: Tracker, slug: str) -> None:
    sos = signs_of_safety(tracker)
    worry = tracker.get_slot("worry") or latest_text(tracker)
    assessment = kb.engine.assess(
        slug, worry, child_age(tracker), extra=sos.worried or "", working_well=sos.working_well or ""
    )
    rec = recommend(assessment, kb.now())
    payload = to_payload(rec)
    payload["signs_of_safety"] = sos.as_payload()
    # What the text says about the practitioner's own answers, so that a card says it too.
    payload["scale_warning"] = scale_warning(rec, sos)
    payload["record"] = record_notes(rec, sos)
    payload["practitioner"] = practitioner_of(tracker)
    dispatcher.utter_message(text=recommendation_text(rec, sos), json_message=payload)


class ActionRecordWorry(KnowledgeBaseAction):
    """Keeps the worry (added to, for a consultation in progress) and notes a named authority.

    A worry after a finished recommendation starts a fresh set of Signs of Safety answers."""

    def name(self) -> str:
        return "action_record_worry"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        text = latest_text(tracker).strip()
        if len(text) > MAX_WORRY:
            dispatcher.utter_message(text=f"That is long, so I have kept the first {MAX_WORRY} characters.")
            text = text[:MAX_WORRY]
        previous = tracker.get_slot("worry")
        events: list[EventType] = [SlotSet("worry", f"{previous}. {text}" if previous else text)]
        if tracker.get_slot("recommended"):
            events += [SlotSet(slot, None) for slot in SIGNS_OF_SAFETY_SLOTS] + [SlotSet("recommended", False)]
        named = kb.find_authorities(text)
        if len(named) == 1 and named[0] != tracker.get_slot("authority"):
            events.append(SlotSet("authority", named[0]))
        dispatcher.utter_message(text=WORRY_NOTED)
        return events


class ActionRecommendNextStep(KnowledgeBaseAction):
    def name(self) -> str:
        return "action_recommend_next_step"

    def act(self, kb: KnowledgeBase, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        slug = tracker.get_slot("authority")
        if kb.authority(slug) is None:  # e.g. danger first, before the authority was known
            dispatcher.utter_message(text=kb.safe_answer(None, tracker.get_slot("worry") or "", reason=""))
            dispatcher.utter_message(
                text="Which authority are you in? I will then name its front door and the level.",
                buttons=authority_buttons(kb),
            )
            return []
        recommend_for(kb, dispatcher, tracker, slug)
        return [SlotSet("recommended", True)]
