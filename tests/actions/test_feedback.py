""""Was this right?" after every recommendation: the buttons, and the answer (button or typed) kept
against the record's reference, the comment redacted; never a derailed consultation."""

from __future__ import annotations

import json

from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import NOTHING_YET, QUESTION, ActionRecordFeedback
from actions.recommendation import ActionRecommendNextStep
from tests.actions.conftest import payloads, slot_events, texts, tracker
from threshold_kb.store import audit

WORRY = "4 month old, 2 bruises on cheek"
SAM = {"practitioner": {"name": "Sam Patel", "role": "Health visitor", "organisation": "Hanley Health"}}


async def recommend(dispatcher, domain):
    t = tracker("", slots={"authority": "stoke_on_trent", "worry": WORRY}, metadata=SAM)
    events = await ActionRecommendNextStep().run(dispatcher, t, domain)
    return payloads(dispatcher)[0]["consultation_record"]["reference"], events


async def feedback(domain, text, reference, entities=None, intent="give_feedback", **slots):
    said = CollectingDispatcher()
    t = tracker(text, intent=intent, entities=entities, metadata=SAM,
                slots={"authority": "stoke_on_trent", "worry": WORRY, "recommended": True,
                       "consultation_reference": reference, **slots})
    events = await ActionRecordFeedback().run(said, t, domain)
    return said, events


def button_payload(message, title):
    return next(b["payload"] for b in message["buttons"] if b["title"] == title)


async def test_a_recommendation_asks_was_this_right_with_buttons_tied_to_its_record(kb, dispatcher, domain):
    reference, events = await recommend(dispatcher, domain)
    question = dispatcher.messages[-1]
    assert question["text"] == QUESTION
    assert [b["title"] for b in question["buttons"]] == ["Yes, helpful", "Not right", "Not sure"]
    payload = button_payload(question, "Not right")
    assert payload.startswith("/give_feedback") and json.loads(payload[len("/give_feedback"):]) == {"verdict": "wrong"}
    set_ = slot_events(events)
    assert set_["consultation_reference"] == reference and set_["recommended"] is True
    assert "feedback_decision" in set_ and set_["feedback_decision"] is None  # asked afresh for this record
    assert {slot for slot in domain["slots"]} >= {"consultation_reference", "feedback_decision"}
    assert "give_feedback" in domain["intents"] and "action_record_feedback" in domain["actions"]


async def test_a_verdict_button_is_kept_then_the_dsl_decision_is_asked_for_and_kept(
    kb, dispatcher, domain, record_store
):
    reference, _ = await recommend(dispatcher, domain)
    said, events = await feedback(domain, '/give_feedback{"verdict": "wrong"}', reference,
                                  entities=[{"entity": "verdict", "value": "wrong"}])
    [ask] = said.messages
    assert "What did your DSL or the front door decide?" in ask["text"]
    assert "feedback_decision" not in slot_events(events)
    titles = [b["title"] for b in ask["buttons"]]
    assert titles[-1] == "Not decided yet" and any(t.startswith("Level 3") for t in titles)
    said, events = await feedback(domain, '/give_feedback{"decision": "3"}', reference,
                                  entities=[{"entity": "decision", "value": "3"}])
    assert reference in texts(said)[0] and texts(said)[0].startswith("Thank you")
    assert slot_events(events)["feedback_decision"] == "3"
    [row] = audit.audit_rows(record_store)
    assert row["reference"] == reference and row["feedback_verdict"] == "wrong"
    assert row["dsl_decision"] == "Level 3" and row["feedback_comment"] == ""
    assert row["practitioner_name"] == "Sam Patel"


async def test_typed_feedback_is_kept_with_its_comment_redacted(kb, dispatcher, domain, record_store):
    reference, _ = await recommend(dispatcher, domain)
    said, _ = await feedback(domain, "no, wrong level: Jayden Smith at Oak Primary, my DSL said level 2", reference)
    assert texts(said)[0].startswith("Thank you: your feedback is kept")
    [row] = audit.audit_rows(record_store)
    assert row["feedback_verdict"] == "wrong" and row["dsl_decision"] == "Level 2"
    assert "[NAME]" in row["feedback_comment"] and "wrong level" in row["feedback_comment"]
    for personal in ("Jayden", "Smith", "Oak Primary"):
        assert personal not in row["feedback_comment"]


async def test_feedback_before_any_recommendation_keeps_nothing_and_changes_nothing(kb, domain, record_store):
    said, events = await feedback(domain, "yes that was helpful", None)
    assert texts(said) == [NOTHING_YET] and "consultation_reference" not in slot_events(events)
    assert audit.audit_rows(record_store) == []


async def test_feedback_never_touches_the_consultation(kb, dispatcher, domain):
    reference, _ = await recommend(dispatcher, domain)
    _, events = await feedback(domain, "/give_feedback{\"verdict\": \"right\"}", reference,
                               entities=[{"entity": "verdict", "value": "right"}])
    touched = set(slot_events(events))
    assert not touched & {"worry", "authority", "recommended", "child_age", "q_harm", "stop_asking"}


async def test_a_recommendation_that_could_not_be_kept_offers_no_feedback(kb, dispatcher, domain, monkeypatch):
    from threshold_kb.store import records

    monkeypatch.setattr(records.RecordStore, "save", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    _, events = await recommend_unkept(dispatcher, domain)
    assert QUESTION not in texts(dispatcher) and "consultation_reference" not in slot_events(events)


async def recommend_unkept(dispatcher, domain):
    t = tracker("", slots={"authority": "stoke_on_trent", "worry": WORRY}, metadata=SAM)
    return None, await ActionRecommendNextStep().run(dispatcher, t, domain)
