"""The consultation record: every part a designated safeguarding lead needs, nothing about the child."""

import json
import re

import pytest

from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import WHAT_TO_RECORD, recommend
from threshold_kb.record import ALPHABET, asked_for, compose, find_reference, new_reference
from threshold_kb.replies import SignsOfSafetyAnswers, signs_of_safety_map
from threshold_kb.triage.consult import Consultant

PERSONAL = "Worried about Jayden Smith DOB 03/04/2015 of 12 High Street Hanley ST1 4AB, Oak Primary."
WORRY = PERSONAL + " Year 4 boy often hungry and tired, mum is working with us"
CHILD_DATA = ("Jayden", "Smith", "03/04/2015", "12 High Street", "ST1 4AB", "Oak Primary")
PRACTITIONER = {"name": "Sam Patel", "role": "Class teacher", "organisation": "Hillside Academy", "source": "web"}
ANSWERS = {"harm": "no", "impact": "some", "support": "helping"}


@pytest.fixture(scope="module")
def consultant(authorities):
    return Consultant(Engine(authorities, None))


@pytest.fixture
def record(consultant, tuesday_morning):
    assessment = consultant.assess("stoke_on_trent", WORRY, 9.0, ANSWERS)
    rec = recommend(assessment, tuesday_morning)
    sos = signs_of_safety_map(assessment)
    sos = SignsOfSafetyAnswers(sos.worried, sos.working_well, sos.needs_to_happen, scale=6)
    return rec, compose(rec, WORRY, PRACTITIONER, sos, ANSWERS)


def test_a_reference_is_short_unambiguous_and_fresh_each_time():
    refs = {new_reference() for _ in range(200)}
    assert len(refs) == 200
    for ref in refs:
        assert re.fullmatch(r"TA-[A-Z0-9]{4}-[A-Z0-9]{4}", ref)
        assert set(ref[3:].replace("-", "")) <= set(ALPHABET)
        assert not set(ref[3:]) & set("01OILU")


@pytest.mark.parametrize(
    "said, found",
    [
        ("record TA-7K3M-Q9XD", "TA-7K3M-Q9XD"),
        ("can I have record ta-7k3m-q9xd please", "TA-7K3M-Q9XD"),
        ("TA7K3MQ9XD", "TA-7K3M-Q9XD"),
        ("record TA-7K3M-Q9X0", None),  # 0 is never in a reference
        ("the child is in year 4", None),
    ],
)
def test_a_reference_is_found_in_what_the_practitioner_types(said, found):
    assert find_reference(said) == found


def test_the_record_holds_every_part(record):
    rec, r = record
    d = r.as_dict()
    assert d["reference"] == r.reference and find_reference(r.reference) == r.reference
    assert d["practitioner"] == {"name": "Sam Patel", "role": "Class teacher", "organisation": "Hillside Academy"}
    assert d["created_at"] == "2026-11-24T10:30:00+00:00"  # Europe/London, GMT in November
    assert d["authority"] == {"slug": "stoke_on_trent", "name": "Stoke-on-Trent"}
    assert d["document"]["title"] == rec.authority.document.title and d["document"]["date"]
    assert "hungry and tired" in d["worry"] and "[NAME]" in d["worry"]
    sos = d["signs_of_safety"]
    assert sos["worried"] and sos["working_well"] and sos["needs_to_happen"] and sos["scale"] == 6
    assert [q["qualifier"] for q in d["questions"]] == ["harm", "impact", "support"]
    assert all(q["question"].endswith("?") and q["answer"] for q in d["questions"])
    assert d["level"]["number"] == rec.assessment.level.number
    assert d["reasons"] and all(r_["cite"]["document"] and r_["cite"]["section"] for r_ in d["reasons"])
    assert all({"authority", "document", "section", "level"} <= set(r_["cite"]) for r_ in d["reasons"])
    assert d["changes"] and all(c["quote"] and c["cite"] for c in d["changes"])
    assert [s["name"] for s in d["next_steps"]] == [s.name for s in rec.next_steps]
    assert d["consent"] and d["what_to_record"] == list(WHAT_TO_RECORD)
    json.dumps(d)  # storable as it is


def test_the_text_says_every_part(record):
    rec, r = record
    text, d = r.text(), r.as_dict()
    for part in (r.reference, "Sam Patel, Class teacher, Hillside Academy", "Tue 24 Nov 2026, 10:30 (GMT",
                 "Stoke-on-Trent", d["document"]["title"], "What's working well?", "Safety scale (0-10): 6",
                 d["questions"][0]["question"], f"Level: {d['level']['label']}", "What would change it:",
                 d["changes"][0]["quote"], "Next steps:", d["next_steps"][0]["name"], "Consent:",
                 WHAT_TO_RECORD[0], d["reasons"][0]["cite"]["text"]):
        assert part in text, part


def test_no_personal_detail_of_the_child_is_anywhere_in_the_record(record):
    _, r = record
    for said in (json.dumps(r.as_dict()), r.text()):
        for personal in CHILD_DATA:
            assert personal not in said


def test_a_phrase_of_the_worry_quoted_in_a_reason_is_scrubbed_too(consultant, tuesday_morning):
    worry = "Kiera Jones told me her stepdad has been sexually abusing her"
    rec = recommend(consultant.assess("peterborough", worry), tuesday_morning)
    d = compose(rec, worry, PRACTITIONER).as_dict()
    assert "Kiera" not in json.dumps(d) and "Jones" not in json.dumps(d)
    assert d["level"]["statutory"]


def test_an_unnamed_consultation_and_an_unplaced_worry_still_make_a_record(consultant, tuesday_morning):
    rec = recommend(consultant.assess("peterborough", "the weather is nice today"), tuesday_morning)
    r = compose(rec, "the weather is nice today", None)
    assert r.as_dict()["level"] is None and r.as_dict()["practitioner"]["name"] is None
    assert "Level: not placed" in r.text() and "Practitioner: not named" in r.text()
    assert r.as_dict()["next_steps"]


def test_only_a_short_message_quoting_a_reference_asks_for_the_record():
    assert asked_for("can I have record TA-7K3M-Q9XD please") == "TA-7K3M-Q9XD"
    long = "I rang the front door about record TA-7K3M-Q9XD and they said to wait, is that right for a level 3"
    assert find_reference(long) == "TA-7K3M-Q9XD" and asked_for(long) is None, "about something else"
