"""The consultation record in the chat: the reference line on every recommendation, and the record
given back ("record TA-...") to the practitioner who made it, and to no one else."""

import json

import jsonschema
import pytest

from actions.recommendation import ActionRecommendNextStep
from actions.records import NOT_KEPT
from actions.safety import ActionDefaultFallback
from tests.actions.conftest import payloads, texts, tracker
from threshold_kb import config
from threshold_kb.record import find_reference

SCHEMA = json.loads((config.PROJECT_ROOT / "docs" / "recommendation.schema.json").read_text())
WORRY = "Jayden Smith DOB 03/04/2015 of 12 High Street ST1 4AB, Oak Primary: 4 month old, 2 bruises on cheek"
SAM = {"practitioner": {"name": "Sam Patel", "role": "Health visitor", "organisation": "Hanley Health"}}
ALEX = {"practitioner": {"name": "Alex Jones", "role": "Teacher", "organisation": "Hanley Health"}}


async def recommend(dispatcher, domain, metadata=SAM):
    t = tracker("", slots={"authority": "stoke_on_trent", "worry": WORRY}, metadata=metadata)
    await ActionRecommendNextStep().run(dispatcher, t, domain)
    text = texts(dispatcher)[0]  # then "Was this right?" (tests/actions/test_feedback.py)
    [payload] = payloads(dispatcher)
    return text, payload


async def test_the_recommendation_ends_with_the_record_reference_and_the_card_carries_it(
    kb, dispatcher, domain, record_store
):
    text, payload = await recommend(dispatcher, domain)
    last = text.splitlines()[-1]
    assert last.startswith("Your record: TA-")
    reference = find_reference(last)
    assert reference and payload["consultation_record"]["reference"] == reference
    jsonschema.validate(payload, SCHEMA)
    assert isinstance(payload["record"], list), "what to record, as the card draws it, is unchanged"
    kept = payload["consultation_record"]["text"]
    assert reference in kept and "Sam Patel" in kept and "[NAME]" in kept
    for personal in ("Jayden", "Smith", "03/04/2015", "12 High Street", "ST1 4AB", "Oak Primary"):
        assert personal not in kept
    assert record_store.get(reference, SAM["practitioner"]) is not None


@pytest.mark.parametrize("asked", ["record {}", "{}", "can I have record {} please"])
async def test_the_practitioner_gets_their_record_back_by_its_reference(kb, dispatcher, domain, asked):
    _, payload = await recommend(dispatcher, domain)
    reference = payload["consultation_record"]["reference"]
    again = type(dispatcher)()
    events = await ActionDefaultFallback().run(
        again, tracker(asked.format(reference.lower()), intent="nlu_fallback", metadata=SAM), domain
    )
    [said] = texts(again)
    assert said == payload["consultation_record"]["text"]
    assert events[-1]["event"] == "rewind"


async def test_another_practitioner_cannot_get_it(kb, dispatcher, domain):
    _, payload = await recommend(dispatcher, domain)
    reference = payload["consultation_record"]["reference"]
    again = type(dispatcher)()
    await ActionDefaultFallback().run(again, tracker(f"record {reference}", intent="nlu_fallback", metadata=ALEX),
                                      domain)
    [said] = texts(again)
    assert "I have no record" in said and "Sam Patel" not in said and "bruises" not in said


async def test_a_record_that_cannot_be_kept_still_gives_the_recommendation(kb, dispatcher, domain, monkeypatch):
    from threshold_kb.store import records

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(records.RecordStore, "save", fail)
    text, payload = await recommend(dispatcher, domain)
    assert text.splitlines()[-1] == NOT_KEPT and "consultation_record" not in payload
    assert "designated safeguarding lead" in text.lower()
