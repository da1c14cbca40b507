"""The consultation's questions: the authority, the child's age when it matters, then the triage
questions that still separate the levels (threshold_kb.triage), at most three, each with buttons.

Wiring in domain.yml: `signs_of_safety_form` lists every slot it may ask (authority, child_age and
one `q_<qualifier>` slot per triage qualifier); `required_slots` below keeps the ones this worry
needs, recomputed after every answer, so a worry already decided asks nothing more. An answer is
a button's payload (`/answer_question{"triage_answer": "harm=no"}`) or typed words ("no",
"not sure", "mum won't engage"); "skip" counts as not sure, on the side of risk; "just tell me"
stops the questions and the answer gives the range still open. The Signs of Safety questions are
no longer asked: the map is built from what the practitioner said and answered
(threshold_kb.replies.signs_of_safety_map).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import SKIPPED, KnowledgeBaseAction, ask_authority, latest_text, resolve_authority
from actions.kb import KnowledgeBaseUnavailable, gateway
from actions.recommendation import consult
from threshold_kb.consultation import age_matters, parse_age
from threshold_kb.matching.age import age_from_text
from threshold_kb.triage.qualifiers import parse_answer, qualifiers

SKIP_ONE = re.compile(r"^\W*(skip|pass|not sure|unsure|don'?t know|dunno|no idea|n/?a|next)\W*$")
SKIP_ALL = re.compile(r"\b(just tell me|skip (them )?all|skip the (rest|questions)|no more questions|tell me now)\b")
AGE_QUESTION = "How old is the child? A number of years, or months for a baby."
SKIP_HINT = ' (Say "skip" to skip this question, or "just tell me" to skip the rest.)'
# Channels that draw the Skip buttons: the hint would only repeat them. REST clients may not.
BUTTON_CHANNELS = frozenset({"socketio", "teams"})
# "just tell me" goes through NLU as text, so SKIP_ALL sees it whatever the channel.
SKIP_BUTTONS = [{"title": "Skip", "payload": "/skip_question"}, {"title": "Skip the rest", "payload": "just tell me"}]
SKIP_REST = {"title": "Skip the rest", "payload": "just tell me"}
QUALIFIER_SLOTS = {name: f"q_{name}" for name in qualifiers()}
ANSWER_ENTITY = "triage_answer"
REST_CHANNELS = frozenset({"rest", "cmdline", None})  # no buttons drawn: the question also as JSON


def answer_payload(qualifier: str, value: str) -> str:
    return f'/answer_question{{"{ANSWER_ENTITY}":"{qualifier}={value}"}}'


def unsure(qualifier: str) -> str:
    """A skipped question counts as "not sure": on the side of risk."""
    q = qualifiers()[qualifier]
    return q.unsure.value if q.unsure else q.unsure_means


def triage_answers(tracker: Tracker) -> dict[str, str]:
    """The practitioner's answers so far, qualifier -> value."""
    answers = {}
    for name, slot in QUALIFIER_SLOTS.items():
        value = tracker.get_slot(slot)
        if value == SKIPPED:
            answers[name] = unsure(name)
        elif value:
            parsed = _parse(name, str(value))
            if parsed:
                answers[name] = parsed
    return answers


def _parse(qualifier: str, said: str) -> str | None:
    if "=" in said and said.split("=", 1)[0] == qualifier:
        value = said.split("=", 1)[1]
        return value if value in {v.value for v in qualifiers()[qualifier].answers} else None
    return parse_answer(qualifier, said)


class ActionAskChildAge(KnowledgeBaseAction):
    def name(self) -> str:
        return "action_ask_child_age"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        hint = "" if tracker.get_latest_input_channel() in BUTTON_CHANNELS else SKIP_HINT
        dispatcher.utter_message(text=AGE_QUESTION + hint, buttons=SKIP_BUTTONS)
        return []


class ActionAskQualifier(KnowledgeBaseAction, ABC):
    """One triage question: its plain words, "question n of m", a button per answer."""

    @property
    @abstractmethod
    def qualifier(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_q_{self.qualifier}"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        q = qualifiers()[self.qualifier]
        answered = len(triage_answers(tracker))
        assessment = consult(kb, tracker)
        still = len(assessment.triage.questions) if assessment.triage else 1
        total = max(answered + still, answered + 1)
        authority = kb.authority(tracker.get_slot("authority"))
        text = f"{authority.name if authority else 'Triage'}, question {answered + 1} of {total}: {q.text}"
        buttons = [{"title": v.title, "payload": answer_payload(q.name, v.value)} for v in q.answers]
        channel = tracker.get_latest_input_channel()
        if channel not in BUTTON_CHANNELS:
            text += " (Answer in your own words, or \"not sure\"; \"just tell me\" skips the rest.)"
        dispatcher.utter_message(text=text, buttons=[*buttons, SKIP_REST])
        if channel in REST_CHANNELS:
            dispatcher.utter_message(
                json_message={
                    "type": "threshold_question",
                    "qualifier": q.name,
                    "text": q.text,
                    "number": answered + 1,
                    "of": total,
                    "answers": [
                        {"value": v.value, "title": v.title, "payload": answer_payload(q.name, v.value)}
                        for v in q.answers
                    ],
                }
            )
        return []


class ActionAskQHarm(ActionAskQualifier):
    qualifier = "harm"


class ActionAskQPattern(ActionAskQualifier):
    qualifier = "pattern"


class ActionAskQImpact(ActionAskQualifier):
    qualifier = "impact"


class ActionAskQCarers(ActionAskQualifier):
    qualifier = "carers"


class ActionAskQSupport(ActionAskQualifier):
    qualifier = "support"


class ActionAskQServices(ActionAskQualifier):
    qualifier = "services"


# Intents never read as an answer: danger, a new start, a person, another authority, and the two
# that the slot mappings already take as answers.
NOT_ANSWERS = frozenset(
    {"report_danger", "new_consultation", "talk_to_person", "choose_authority", "answer_question", "skip_question"}
)
QUESTION_WORDS = re.compile(
    r"^\W*(what|how|who|whom|when|where|why|which|can|could|do|does|did|should|shall|is|are|may|might|will|would)\b",
    re.IGNORECASE,
)


def reads_as_answer(slot: str, said: str) -> bool:
    """Whether words the classifier took for something else ("Nothing, carry on with universal
    services" as an escalation question) answer the question being asked: not phrased as a
    question, and a skip, an age, or an answer the question's own parser reads."""
    said = said.strip()
    if not said or said.startswith("/") or "?" in said or QUESTION_WORDS.match(said):
        return False
    if SKIP_ALL.search(said.lower()) or SKIP_ONE.match(said.lower()):
        return True
    if slot == "child_age":
        return len(said.split()) <= 8 and parse_age(said) is not None
    qualifier = next((q for q, name in QUALIFIER_SLOTS.items() if name == slot), None)
    return qualifier is not None and _parse(qualifier, said) is not None


def _answer_first(tracker: Tracker) -> list[EventType]:
    """An answer to the question being asked is read as that answer before any other intent: the
    words become the requested slot's candidate, validated like a typed answer. Words the
    classifier took for more of the worry ("mum refuses to engage with us") are also kept in it."""
    requested = tracker.get_slot("requested_slot")
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if requested in (None, "authority") or intent in NOT_ANSWERS or requested in tracker.slots_to_validate():
        return []
    said = latest_text(tracker)
    if not reads_as_answer(requested, said):
        return []
    tracker.add_slots([SlotSet(requested, said)])
    worry = tracker.get_slot("worry")
    return [SlotSet("worry", f"{worry}. {said}" if worry else said)] if intent == "describe_worry" else []


class ValidateSignsOfSafetyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_signs_of_safety_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        kb = gateway()
        slug = tracker.get_slot("authority")
        if kb.authority(slug) is None:
            return domain_slots  # the authority first; the rest is decided once it is known
        worry = tracker.get_slot("worry") or ""
        assessment = consult(kb, tracker)
        asked = []
        # The age while unanswered, and on the turn it is answered, so that the answer is validated
        # ("skip the rest" at the age question stops the questions).
        unanswered = tracker.get_slot("child_age") is None or "child_age" in tracker.slots_to_validate()
        if unanswered and age_from_text(worry) is None and age_matters(assessment):
            asked.append("child_age")
        # Answered questions stay in the list (so that their answers are validated), then the next.
        asked += [QUALIFIER_SLOTS[q] for q in QUALIFIER_SLOTS if tracker.get_slot(QUALIFIER_SLOTS[q]) is not None]
        if assessment.triage is not None:
            asked += [QUALIFIER_SLOTS[q.qualifier] for q in assessment.triage.questions[:1]]
        return [slot for slot in domain_slots if slot == "authority" or slot in asked]

    async def run(self, dispatcher, tracker, domain):
        try:
            kept = _answer_first(tracker)
            return [*await super().run(dispatcher, tracker, domain), *kept]
        except KnowledgeBaseUnavailable:
            dispatcher.utter_message(text=gateway().safe_answer(None, tracker.get_slot("worry") or ""))
            return [{"event": "active_loop", "name": None}, {"event": "slot", "name": "requested_slot", "value": None}]

    @staticmethod
    def _skipped(slot: str, value: Any, tracker: Tracker) -> dict[str, Any] | None:
        """Skip answers are read from the words too, so a misread intent cannot store "skip" as an answer.
        "Just tell me" stops the questions: what is unanswered stays unknown, and the answer says so."""
        said = latest_text(tracker).lower()
        if SKIP_ALL.search(said):
            return {slot: SKIPPED, "stop_asking": True, "child_age": tracker.get_slot("child_age") or SKIPPED}
        if value == SKIPPED or SKIP_ONE.match(said):
            return {slot: SKIPPED}
        return None

    def _qualifier(self, qualifier: str, value: Any, dispatcher, tracker: Tracker) -> dict[str, Any]:
        slot = QUALIFIER_SLOTS[qualifier]
        entity = next(tracker.get_latest_entity_values(ANSWER_ENTITY), None)
        parsed = _parse(qualifier, entity) if entity else None
        if parsed is None:
            said = latest_text(tracker)
            skipped = self._skipped(slot, value, tracker)
            if skipped and SKIP_ALL.search(said.lower()):
                return {**skipped, slot: None}  # unanswered, not "not sure": the range stays open
            parsed = _parse(qualifier, said) or (unsure(qualifier) if skipped else None)
        if parsed is None:
            titles = ", ".join(f'"{v.title}"' for v in qualifiers()[qualifier].answers)
            dispatcher.utter_message(text=f"I didn't catch that. Choose one of {titles}, or say not sure.")
            return {slot: None}
        return {slot: parsed}

    def validate_q_harm(self, value, dispatcher, tracker, domain):
        return self._qualifier("harm", value, dispatcher, tracker)

    def validate_q_pattern(self, value, dispatcher, tracker, domain):
        return self._qualifier("pattern", value, dispatcher, tracker)

    def validate_q_impact(self, value, dispatcher, tracker, domain):
        return self._qualifier("impact", value, dispatcher, tracker)

    def validate_q_carers(self, value, dispatcher, tracker, domain):
        return self._qualifier("carers", value, dispatcher, tracker)

    def validate_q_support(self, value, dispatcher, tracker, domain):
        return self._qualifier("support", value, dispatcher, tracker)

    def validate_q_services(self, value, dispatcher, tracker, domain):
        return self._qualifier("services", value, dispatcher, tracker)

    def validate_authority(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        kb = gateway()
        if value == tracker.get_slot("authority") and kb.authority(value) is not None:
            # Chosen before the worry: the form validates it again as pre-filled when it starts.
            return {"authority": value}
        slug, found = resolve_authority(kb, tracker)
        if slug is None:
            if not found:
                dispatcher.utter_message(text="I don't recognise that authority.")
            elif len(found) > 1:
                ask_authority(kb, dispatcher, found)
            return {"authority": None}
        dispatcher.utter_message(
            text=f"Using {kb.repo.get(slug).name}'s document ({kb.repo.get(slug).document.title})."
        )
        return {"authority": slug}

    def validate_child_age(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        skipped = self._skipped("child_age", value, tracker)
        if skipped:
            return skipped
        age = parse_age(str(value))
        if age is None:
            dispatcher.utter_message(
                text="I didn't catch an age. Give it in years (or months for a baby), or say skip."
            )
            return {"child_age": None}
        return {"child_age": age}
