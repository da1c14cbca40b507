"""The worry in, the named next step out (text for every channel, a JSON payload for cards)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import KnowledgeBaseAction, answer, authority_buttons, latest_text
from actions.feedback import offer as offer_feedback
from actions.kb import KnowledgeBase
from actions.practitioner import practitioner_of
from actions.records import keep_record, record_line
from threshold_kb import disclosure
from threshold_kb.consultation import parse_age, starts_afresh
from threshold_kb.recommend import recommend, to_payload
from threshold_kb.redaction import identifies_someone
from threshold_kb.replies import recommendation_text, record_notes, scale_warning, signs_of_safety_map

MAX_WORRY = 5000  # characters kept; longer text is cut (and the practitioner told)
NO_NAMES_NEEDED = (
    "You don't need to tell me the child's name, address, date of birth or school: I don't keep them "
    "(the record shows [NAME], [ADDRESS] and so on instead)."
)
WORRY_NOTED = 'Thank you. A few quick questions first (at most three); "not sure" is always an answer.'
NEW_CONSULTATION = "New consultation: I've set the last worry aside and kept nothing of it in this one."
# What one consultation holds about its child; a new consultation clears it (never the practitioner
# or the authority).
CONSULTATION_SLOTS = (
    "worry", "child_age", "stop_asking", "recommended", "pending_question", "pending_text",
    "q_harm", "q_pattern", "q_impact", "q_carers", "q_support", "q_services",
)


def clear_consultation() -> list[EventType]:
    return [SlotSet(slot, False if slot in ("stop_asking", "recommended") else None) for slot in CONSULTATION_SLOTS]


def child_age(tracker: Tracker) -> float | None:
    value = answer(tracker.get_slot("child_age"))
    return parse_age(value) if value else None


def consult(kb: KnowledgeBase, tracker: Tracker, slug: str | None = None):
    """The triage of the worry so far, with the practitioner's answers to its questions, for the
    authority given (one just chosen) or the conversation's."""
    from actions.consultation_form import triage_answers  # the form module imports this one

    worry = tracker.get_slot("worry") or latest_text(tracker)
    return kb.consultant.assess(
        slug or tracker.get_slot("authority"),
        worry,
        child_age(tracker),
        triage_answers(tracker),
        stop_asking=bool(tracker.get_slot("stop_asking")),
    )


def recommend_for(kb: KnowledgeBase, dispatcher: CollectingDispatcher, tracker: Tracker, slug: str) -> str | None:
    """Says the recommendation; returns its record's reference (None if it could not be kept)."""
    assessment = consult(kb, tracker, slug)
    rec = recommend(assessment, kb.now())
    sos = signs_of_safety_map(assessment)
    payload = to_payload(rec)
    payload["signs_of_safety"] = sos.as_payload()
    # What the text says about the practitioner's own answers, so that a card says it too.
    payload["scale_warning"] = scale_warning(rec, sos)
    payload["record"] = record_notes(rec, sos)
    payload["practitioner"] = practitioner_of(tracker)
    from actions.consultation_form import triage_answers  # the form module imports this one

    kept = keep_record(rec, sos, triage_answers(tracker), tracker)  # the consultation record (actions/records.py)
    if kept:
        payload["consultation_record"] = {"reference": kept.reference, "created_at": kept.data["created_at"],
                                          "text": kept.text()}
    dispatcher.utter_message(text=f"{recommendation_text(rec, sos)}\n{record_line(kept)}", json_message=payload)
    return kept.reference if kept else None


def record_worry(kb: KnowledgeBase, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Keeps the worry and notes a named authority. More about the same child is added to the
    consultation in hand; a different child, or a new worry once the last is answered, starts a new
    consultation, and says so (threshold_kb.consultation.starts_afresh)."""
    text = latest_text(tracker).strip()
    if len(text) > MAX_WORRY:
        dispatcher.utter_message(text=f"That is long, so I have kept the first {MAX_WORRY} characters.")
        text = text[:MAX_WORRY]
    previous = tracker.get_slot("worry")
    events: list[EventType] = []
    if previous and starts_afresh(text, bool(tracker.get_slot("recommended"))):
        dispatcher.utter_message(text=NEW_CONSULTATION)
        events += clear_consultation()
        previous = None
    worry = f"{previous}. {text}" if previous else text
    events.append(SlotSet("worry", worry))
    named = kb.find_authorities(text)
    if len(named) == 1 and named[0] != tracker.get_slot("authority"):
        events.append(SlotSet("authority", named[0]))
    if identifies_someone(text):
        dispatcher.utter_message(text=NO_NAMES_NEEDED)
    slug = next((e["value"] for e in events if e.get("name") == "authority"), tracker.get_slot("authority"))
    urgent = disclosure.for_text(worry) if kb.authority(slug) is None else None
    if urgent:  # a child has told: what to do and not to do, before the authority question
        dispatcher.utter_message(text="Thank you.\n" + "\n".join(disclosure.text_lines(urgent)))
    else:
        dispatcher.utter_message(text=WORRY_NOTED if _will_ask(kb, tracker, events) else "Thank you.")
    return events


class ActionRecordWorry(KnowledgeBaseAction):
    def name(self) -> str:
        return "action_record_worry"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        return record_worry(kb, dispatcher, tracker)


def _will_ask(kb: KnowledgeBase, tracker: Tracker, events: list[EventType]) -> bool:
    """Whether the consultation will ask anything: not when the authority is known and the worry is
    already decided (a red flag, danger now), so a disclosure is not met with "a few questions"."""
    slug = next((e["value"] for e in events if e.get("name") == "authority"), tracker.get_slot("authority"))
    if kb.authority(slug) is None:
        return True
    worry = next(e["value"] for e in reversed(events) if e.get("name") == "worry")
    triage = kb.consultant.assess(slug, worry).triage
    return triage is None or bool(triage.questions)


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
        reference = recommend_for(kb, dispatcher, tracker, slug)
        # "Was this right?" (actions/feedback.py), kept against the record's reference
        return [SlotSet("recommended", True), *offer_feedback(dispatcher, reference)]


class ActionNewConsultation(KnowledgeBaseAction):
    """"Restart", "new consultation": the worry, the child's age and the answers go; the practitioner
    and the authority stay."""

    def name(self) -> str:
        return "action_new_consultation"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        authority = kb.authority(tracker.get_slot("authority"))
        using = f" Still using {authority.name}'s document (name another authority to change it)." if authority else ""
        dispatcher.utter_message(
            text=f"{NEW_CONSULTATION}{using} Tell me what is worrying you about the child, in your own words. "
            "If a child may be in danger right now, call 999 first."
        )
        return clear_consultation()
