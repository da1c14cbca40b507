"""The Signs of Safety questions, each skippable, in the authority's own words.

Wiring in domain.yml: `signs_of_safety_form` lists every slot it may ask (authority, child_age,
sos_worried, sos_working_well, sos_needs_to_happen, sos_scale); `required_slots` below drops the
ones this worry does not need (threshold_kb.consultation decides). Each slot is filled from the
practitioner's text, or with "skipped" by the skip_question intent; "just tell me" skips every
question left. The questions themselves are `action_ask_<slot>` actions reading the knowledge base.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import SKIPPED, KnowledgeBaseAction, ask_authority, latest_text, resolve_authority
from actions.kb import KnowledgeBase, KnowledgeBaseUnavailable, gateway
from actions.recommendation import child_age
from threshold_kb.consultation import follow_up_questions, parse_age, parse_scale

SKIP_ONE = re.compile(r"^\W*(skip|pass|not sure|unsure|don'?t know|dunno|no idea|n/?a|next)\W*$")
SKIP_ALL = re.compile(r"\b(just tell me|skip (them )?all|skip the (rest|questions)|no more questions|tell me now)\b")
AGE_QUESTION = "How old is the child? A number of years, or months for a baby."
DEFAULT_QUESTIONS = {
    "sos_worried": "What are we worried about? What has happened, and what could happen if nothing changes?",
    "sos_working_well": "What's working well? Who or what keeps the child safe and well?",
    "sos_needs_to_happen": "What needs to happen? What would you like to see change?",
    "sos_scale": "On a scale of 0 to 10, where 0 is the worst it could be and 10 is that the child is safe enough, "
    "where would you put this?",
}
_KEYWORDS = {
    "sos_worried": "worried about",
    "sos_working_well": "working well",
    "sos_needs_to_happen": "needs to happen",
}
SKIP_HINT = ' (Say "skip" to skip this question, or "just tell me" to skip the rest.)'
# Channels that draw the Skip buttons: the hint would only repeat them. REST clients may not.
BUTTON_CHANNELS = frozenset({"socketio", "teams"})
# "just tell me" goes through NLU as text, so SKIP_ALL sees it whatever the channel.
SKIP_BUTTONS = [{"title": "Skip", "payload": "/skip_question"}, {"title": "Skip the rest", "payload": "just tell me"}]


def question_for(kb: KnowledgeBase, slug: str | None, slot: str) -> str:
    """The authority's own wording of a Signs of Safety question, with its source, where it has one."""
    authority = kb.authority(slug)
    sos = authority.signs_of_safety if authority else None
    if sos is not None:
        if slot == "sos_scale" and sos.scale:
            return f"{sos.scale} ({authority.name}'s wording, {sos.cite.section})"
        own = next((q for q in sos.questions if _KEYWORDS.get(slot, "\0") in q.lower()), None)
        if own:
            return f"{own} ({authority.name}'s wording, {sos.cite.section})"
    return DEFAULT_QUESTIONS[slot]


class ActionAskSignsOfSafety(KnowledgeBaseAction, ABC):
    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        if self.slot == "child_age":
            text = AGE_QUESTION
        else:
            text = question_for(kb, tracker.get_slot("authority"), self.slot)
        if self.slot == "sos_scale":
            text += " Reply with a number from 0 to 10."
        hint = "" if tracker.get_latest_input_channel() in BUTTON_CHANNELS else SKIP_HINT
        dispatcher.utter_message(text=text + hint, buttons=SKIP_BUTTONS)
        return []


class ActionAskChildAge(ActionAskSignsOfSafety):
    slot = "child_age"


class ActionAskSosWorried(ActionAskSignsOfSafety):
    slot = "sos_worried"


class ActionAskSosWorkingWell(ActionAskSignsOfSafety):
    slot = "sos_working_well"


class ActionAskSosNeedsToHappen(ActionAskSignsOfSafety):
    slot = "sos_needs_to_happen"


class ActionAskSosScale(ActionAskSignsOfSafety):
    slot = "sos_scale"


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
        assessment = kb.engine.assess(slug, worry, child_age(tracker))
        asked = follow_up_questions(assessment, worry, age_known=tracker.get_slot("child_age") is not None)
        return [slot for slot in domain_slots if slot == "authority" or slot in asked]

    async def run(self, dispatcher, tracker, domain):
        try:
            return await super().run(dispatcher, tracker, domain)
        except KnowledgeBaseUnavailable:
            dispatcher.utter_message(text=gateway().safe_answer(None, tracker.get_slot("worry") or ""))
            return [{"event": "active_loop", "name": None}, {"event": "slot", "name": "requested_slot", "value": None}]

    @staticmethod
    def _skipped(slot: str, value: Any, tracker: Tracker) -> dict[str, Any] | None:
        """Skip answers are read from the words too, so a misread intent cannot store "skip" as an answer."""
        said = latest_text(tracker).lower()
        if SKIP_ALL.search(said):
            unanswered = {s: SKIPPED for s in DEFAULT_QUESTIONS if tracker.get_slot(s) in (None, value)}
            return {**unanswered, slot: SKIPPED, "child_age": tracker.get_slot("child_age") or SKIPPED}
        if value == SKIPPED or SKIP_ONE.match(said):
            return {slot: SKIPPED}
        return None

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

    def _free_text(self, slot: str, value: Any, tracker: Tracker) -> dict[str, Any]:
        return self._skipped(slot, value, tracker) or {slot: str(value)[:2000]}

    def validate_sos_worried(self, value, dispatcher, tracker, domain):
        return self._free_text("sos_worried", value, tracker)

    def validate_sos_working_well(self, value, dispatcher, tracker, domain):
        return self._free_text("sos_working_well", value, tracker)

    def validate_sos_needs_to_happen(self, value, dispatcher, tracker, domain):
        return self._free_text("sos_needs_to_happen", value, tracker)

    def validate_sos_scale(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        skipped = self._skipped("sos_scale", value, tracker)
        if skipped:
            return skipped
        scale = parse_scale(str(value))
        if scale is None:
            dispatcher.utter_message(text="Please give a number from 0 to 10, or say skip.")
            return {"sos_scale": None}
        return {"sos_scale": str(scale)}
