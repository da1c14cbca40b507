"""Safety replies: 999 first, why there is no anonymous answer, and the fallback that is never silent."""

from __future__ import annotations

from rasa_sdk.events import EventType, FollowupAction, SlotSet, UserUtteranceReverted

from actions.base import KnowledgeBaseAction, latest_text, resolve_authority
from actions.kb import KnowledgeBaseUnavailable
from actions.questions import answer_or_ask_authority
from actions.recommendation import MAX_WORRY, NEW_CONSULTATION, clear_consultation, record_worry
from actions.records import give_back
from threshold_kb import answers, record
from threshold_kb.consultation import starts_afresh
from threshold_kb.matching.danger import danger_signals
from threshold_kb.matching.engine import names_a_child
from threshold_kb.matching.language import looks_english
from threshold_kb.redaction import identifies_someone
from threshold_kb.replies import DANGER_FIRST, danger_first

NOT_ENGLISH = "I can only read English at the moment. "
NOT_UNDERSTOOD = (
    "I'm not sure I understood. If you are worried about a child, describe what you saw or heard in your own "
    "words; or ask about consent, contacts, escalation or levels of need."
)


class ActionWarnDanger(KnowledgeBaseAction):
    """The first reply to a message suggesting a child is in danger now: call 999."""

    def name(self) -> str:
        return "action_warn_danger"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        text = latest_text(tracker)[:MAX_WORRY]
        try:
            signals = kb.engine.danger.signals(text)  # the detector the NLU component flagged it with
        except KnowledgeBaseUnavailable:
            signals = danger_signals(text)  # the patterns alone: 999 first whatever is down
        dispatcher.utter_message(text=danger_first(signals) if signals else DANGER_FIRST)
        previous = tracker.get_slot("worry")
        events: list[EventType] = []
        if previous and starts_afresh(text, bool(tracker.get_slot("recommended"))):
            dispatcher.utter_message(text=NEW_CONSULTATION)  # after 999, never before it
            events, previous = clear_consultation(), None  # a different child: nothing of the last
        events.append(SlotSet("worry", f"{previous}. {text}" if previous else text))
        named = kb.find_authorities(text)
        if len(named) == 1:
            events.append(SlotSet("authority", named[0]))
        return events


class ActionExplainNamedRoute(KnowledgeBaseAction):
    """An anonymous or "What If" request: why not, and the named route instead."""

    def name(self) -> str:
        return "action_explain_named_route"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        slug = tracker.get_slot("authority")
        named, _ = resolve_authority(kb, tracker)  # "a no-names consultation in Stoke" names it
        dispatcher.utter_message(text=answers.what_if(kb.authority(named or slug), kb.now()))
        return [SlotSet("authority", named)] if named and named != slug else []


class ActionDefaultFallback(KnowledgeBaseAction):
    """Low confidence: say so, say what I can do, and name the safe next step. Never a guessed level."""

    def name(self) -> str:
        return "action_default_fallback"

    def act(self, kb, dispatcher, tracker, domain) -> list[EventType]:
        said = latest_text(tracker)
        reference = record.asked_for(said)  # "record TA-7K3M-Q9XD": sent here by EnglishOnly
        if reference:
            dispatcher.utter_message(text=give_back(reference, tracker))
            return [UserUtteranceReverted()]
        if _a_worry(said) and not tracker.active_loop_name:
            # The classifier was unsure (or took it for an answer), but the words are a worry about
            # a child: no worry is lost to the fallback. It starts the consultation.
            return [*record_worry(kb, dispatcher, tracker), FollowupAction("signs_of_safety_form")]
        kind = answers.question_kind(said)
        if kind:
            # "LADO email for Stoke?", "mash no for northants?": a named service and a contact word.
            # The classifier was unsure, but the question is plain: answered as the question it is.
            return [UserUtteranceReverted(), *answer_or_ask_authority(kind, kb, dispatcher, tracker)]
        reason = NOT_UNDERSTOOD if looks_english(said) else NOT_ENGLISH + NOT_UNDERSTOOD
        context = f"{tracker.get_slot('worry') or ''} {said}"
        dispatcher.utter_message(text=kb.safe_answer(tracker.get_slot("authority"), context, reason=reason))
        return [UserUtteranceReverted()]


WORRY_WORDS = 6  # "I'm worried about a child" says little; a described worry has more words


def _a_worry(text: str) -> bool:
    """A message about a child (or a named person: "Jayden Smith, DOB ..."), in English, long enough
    to describe something."""
    if len(text.split()) < WORRY_WORDS or not looks_english(text):
        return False
    return names_a_child(text) or identifies_someone(text)
