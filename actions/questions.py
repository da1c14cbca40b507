"""Questions at any time: consent, escalation, contacts, levels, Children Act sections, comparing
authorities, special routes, and asking for a person. Each action asks for the authority first if
it needs one and none is known, and answers as soon as it is chosen (`pending_question`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from rasa_sdk.events import EventType, SlotSet

from actions.base import KnowledgeBaseAction, ask_authority, latest_text, resolve_authority
from actions.kb import KnowledgeBase
from threshold_kb import answers

# question kind -> (needs an authority, answer(kb, authority or None, question text)); every answer
# gets the clock's `now`, which says whether the document is too old to rely on unchecked.
_ANSWERS: dict[str, tuple[bool, Callable[..., str]]] = {
    "consent": (True, lambda kb, a, q: answers.consent(a, kb.now(), q)),
    "escalation": (True, lambda kb, a, q: answers.escalation(a, kb.now())),
    "contacts": (True, lambda kb, a, q: answers.contacts(a, kb.now(), q)),
    "levels": (True, lambda kb, a, q: answers.levels(a, kb.now(), q)),
    "legal_section": (False, lambda kb, a, q: answers.legal_section(a, kb.now(), q)),
    "compare": (False, lambda kb, a, q: answers.compare(kb.repo, kb.now(), q)),
    "special_route": (True, lambda kb, a, q: answers.special_route(a, kb.now(), q)),
    "person": (True, lambda kb, a, q: answers.talk_to_person(a, kb.now())),
}


def answer_question(kind: str, kb: KnowledgeBase, dispatcher, slug: str | None, question: str) -> None:
    _, respond = _ANSWERS[kind]
    dispatcher.utter_message(text=respond(kb, kb.authority(slug), question))


class QuestionAction(KnowledgeBaseAction, ABC):
    @property
    @abstractmethod
    def kind(self) -> str:
        """A key of _ANSWERS; subclasses set it as a class attribute."""

    def name(self) -> str:
        return f"action_answer_{self.kind}"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        return answer_or_ask_authority(self.kind, kb, dispatcher, tracker)


def answer_or_ask_authority(kind: str, kb: KnowledgeBase, dispatcher, tracker) -> list[EventType]:
    """The question answered for the authority it names (or the one chosen), or the authority
    asked for first, the question kept to answer once it is chosen."""
    question = latest_text(tracker)
    slug = tracker.get_slot("authority")
    events: list[EventType] = []
    named, _ = resolve_authority(kb, tracker)  # "out-of-hours number for Stoke" names it
    if named and named != slug:
        slug = named
        events.append(SlotSet("authority", slug))
    needs_authority, _ = _ANSWERS[kind]
    if needs_authority and kb.authority(slug) is None:
        ask_authority(kb, dispatcher)
        return [SlotSet("pending_question", kind), SlotSet("pending_text", question)]
    answer_question(kind, kb, dispatcher, slug, question)
    return events


class ActionAnswerConsent(QuestionAction):
    kind = "consent"


class ActionAnswerEscalation(QuestionAction):
    kind = "escalation"


class ActionAnswerContacts(QuestionAction):
    kind = "contacts"


class ActionAnswerLevels(QuestionAction):
    kind = "levels"


class ActionAnswerLegalSection(QuestionAction):
    kind = "legal_section"


class ActionAnswerCompare(QuestionAction):
    kind = "compare"


class ActionAnswerSpecialRoute(QuestionAction):
    kind = "special_route"


class ActionTalkToPerson(QuestionAction):
    """"Can I speak to a real person?": the people to talk to now, named, for the authority."""

    kind = "person"

    def name(self) -> str:
        return "action_talk_to_person"
