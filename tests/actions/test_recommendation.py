import json
import shutil

import jsonschema
import pytest

from actions.recommendation import ActionRecommendNextStep, ActionRecordWorry
from tests.actions.conftest import (
    SLUGS,
    contact_details,
    payloads,
    published,
    slot_events,
    texts,
    tracker,
)
from threshold_kb import config
from threshold_kb.source_age import age_warning

SCHEMA = json.loads((config.PROJECT_ROOT / "docs" / "recommendation.schema.json").read_text())
BRUISED_BABY = "HV here, 4 month old, 2 bruises on cheek, mum no idea how"


async def test_recording_a_worry_keeps_the_text_and_notes_a_named_town(kb, dispatcher, domain):
    events = await ActionRecordWorry().run(dispatcher, tracker("worried about a boy at our Hanley school"), domain)
    slots = slot_events(events)
    assert slots["worry"] == "worried about a boy at our Hanley school"
    assert slots["authority"] == "stoke_on_trent"
    assert texts(dispatcher)  # never silent


async def test_more_detail_is_added_to_the_worry_in_progress(kb, dispatcher, domain):
    t = tracker("and mum has a new partner", slots={"worry": "bruise on his cheek"})
    slots = slot_events(await ActionRecordWorry().run(dispatcher, t, domain))
    assert slots["worry"] == "bruise on his cheek. and mum has a new partner"


async def test_a_worry_after_a_recommendation_starts_fresh_triage_answers(kb, dispatcher, domain):
    t = tracker("another child now", slots={"worry": "x", "recommended": True, "q_harm": "no", "stop_asking": True})
    slots = slot_events(await ActionRecordWorry().run(dispatcher, t, domain))
    assert slots["q_harm"] is None and slots["stop_asking"] is False and slots["recommended"] is False
    assert slots["worry"] == "another child now", "nothing of the last worry"


async def test_a_huge_worry_is_cut_and_the_practitioner_told(kb, dispatcher, domain):
    slots = slot_events(await ActionRecordWorry().run(dispatcher, tracker("bruise " * 5000), domain))
    assert len(slots["worry"]) == 5000
    assert "first 5000 characters" in texts(dispatcher)[0]


@pytest.mark.parametrize("slug", SLUGS)
async def test_recommendation_sends_text_and_a_payload_that_matches_the_schema(
    slug, kb, dispatcher, domain, authorities
):
    t = tracker("", slots={"authority": slug, "worry": BRUISED_BABY})
    events = await ActionRecommendNextStep().run(dispatcher, t, domain)
    [payload] = payloads(dispatcher)
    reference = payload["consultation_record"]["reference"]  # feedback is kept against it (test_feedback.py)
    assert slot_events(events) == {"recommended": True, "consultation_reference": reference, "feedback_decision": None}
    jsonschema.validate(payload, SCHEMA)
    assert payload["authority"]["slug"] == slug
    sos = payload["signs_of_safety"]
    assert set(sos) == {"worried", "working_well", "needs_to_happen", "scale"}
    assert "2 bruises" not in str(sos), "the map does not copy the worry, which may name the child"
    if payload["level"] and payload["level"]["definition"]:
        assert sos["needs_to_happen"] is None or payload["level"]["cite"]["text"] in sos["needs_to_happen"]
    level = payload["level"]
    assert level is None or level["statutory"], "a bruised 4-month-old is never placed below the statutory level"
    text = "\n".join(texts(dispatcher))
    own = [a for a in authorities if a.slug == slug]
    assert contact_details(text) <= published(own), "every contact said is one this authority publishes"
    assert "designated safeguarding lead" in text.lower()
    # The document's date, and in 2026 that it is too old (or undated) to rely on unchecked.
    warning = age_warning(own[0], kb.now())
    assert payload["document"]["date"] == own[0].document.date and own[0].document.date in text
    assert warning and payload["document"]["age_warning"] == warning and text.count(warning) == 1


SHE_GOES_HOME = "year 3 girl says dad hits her with a belt, she goes home in an hour"


@pytest.mark.parametrize(("slug", "name"), [("bedford_borough", "Bedford Borough"), ("cumbria", "Cumbria")])
async def test_no_published_number_still_leaves_a_national_line_to_ring(slug, name, kb, dispatcher, domain,
                                                                         authorities):
    await ActionRecommendNextStep().run(dispatcher, tracker("", slots={"authority": slug, "worry": SHE_GOES_HOME}),
                                        domain)
    [payload] = payloads(dispatcher)
    jsonschema.validate(payload, SCHEMA)
    assert payload["level"]["statutory"] and payload["missing_numbers"]
    text = "\n".join(texts(dispatcher))
    own = published([a for a in authorities if a.slug == slug], national=False)
    national = contact_details(text) - own
    assert {"101", "0808 800 5000", "help@nspcc.org.uk"} <= national, "something to ring"
    assert "999" in contact_details(text)  # Bedford Borough's document publishes 999 too
    assert national <= published([]), "each from the national routes file"
    for line in text.splitlines():
        if contact_details(line) & (national - {"999"}):
            assert f"National lines you can ring now (national, not {name}'s)" in line, line
    assert {p for r in payload["national_routes"] for p in r["phones"]} == {"999", "101", "0808 800 5000"}


@pytest.mark.parametrize("slug", ["northamptonshire", "peterborough", "stoke_on_trent"])
async def test_an_authority_with_its_number_gets_no_national_lines(slug, kb, dispatcher, domain, authorities):
    await ActionRecommendNextStep().run(dispatcher, tracker("", slots={"authority": slug, "worry": SHE_GOES_HOME}),
                                        domain)
    [payload] = payloads(dispatcher)
    text = "\n".join(texts(dispatcher))
    own = published([a for a in authorities if a.slug == slug], national=False)
    assert payload["national_routes"] == [] and "National lines" not in text
    assert contact_details(text) - {"999"} <= own


def test_national_numbers_count_as_published_only_through_the_national_file(tmp_path, monkeypatch, authorities):
    assert {"101", "0808 800 5000", "help@nspcc.org.uk"}.isdisjoint(published(authorities, national=False))
    copy = tmp_path / "national"
    shutil.copytree(config.national_dir(), copy)
    routes = copy / "routes.yml"
    routes.write_text(routes.read_text(encoding="utf-8").replace("'0808 800 5000'", "'0808 800 5001'"),
                      encoding="utf-8")
    monkeypatch.setenv("THRESHOLD_KB_NATIONAL", str(copy))
    assert "0808 800 5000" not in published(authorities), "the file, not the code, makes it published"
    assert "0808 800 5001" in published(authorities)


async def test_without_an_authority_the_safe_step_comes_with_the_authority_buttons(kb, dispatcher, domain):
    events = await ActionRecommendNextStep().run(dispatcher, tracker("", slots={"worry": "dad hits him"}), domain)
    assert events == []
    assert "designated safeguarding lead" in texts(dispatcher)[0]
    assert len(dispatcher.messages[-1]["buttons"]) == 5
    assert not payloads(dispatcher), "no level is suggested without the authority's document"


async def test_knowledge_base_down_gives_the_safe_answer_with_the_published_front_door(broken_kb, dispatcher, domain):
    t = tracker("", slots={"authority": "stoke_on_trent", "worry": "bruises on a baby"})
    await ActionRecommendNextStep().run(dispatcher, t, domain)
    [text] = texts(dispatcher)
    assert "unavailable" in text or "can't reach" in text
    assert "999" in text and "designated safeguarding lead" in text
    assert "01782 235100" in text  # Stoke's front door, from the bundled knowledge-base file
    assert not payloads(dispatcher)


async def test_knowledge_base_down_and_danger_words_put_999_first(broken_kb, dispatcher, domain):
    t = tracker("", slots={"authority": "peterborough", "worry": "dad is hitting mum right now"})
    await ActionRecommendNextStep().run(dispatcher, t, domain)
    assert texts(dispatcher)[0].startswith("If a child may be in danger right now, call 999")


async def test_no_scale_warning_now_that_no_scale_is_asked(kb, dispatcher, domain):
    slots = {"authority": "stoke_on_trent", "worry": "attendance has dropped and he is often late"}
    await ActionRecommendNextStep().run(dispatcher, tracker("", slots=slots), domain)
    [payload] = payloads(dispatcher)
    assert payload["scale_warning"] is None and "You rated" not in texts(dispatcher)[0]


STEPDAD = "she told me her stepdad touches her at night"


@pytest.mark.parametrize("slug", SLUGS)
async def test_a_disclosure_reads_what_to_do_and_not_to_do_first(slug, kb, dispatcher, domain, authorities):
    t = tracker("", slots={"authority": slug, "worry": STEPDAD})
    await ActionRecommendNextStep().run(dispatcher, t, domain)
    [payload] = payloads(dispatcher)
    jsonschema.validate(payload, SCHEMA)
    lines = "\n".join(texts(dispatcher)).splitlines()
    name = next(a.name for a in authorities if a.slug == slug)
    assert lines[0].startswith("A child has told you"), "the guidance first: no danger now"
    assert lines[1] == f"General guidance from public pages (NSPCC; IDAS), not {name}'s document:"
    head = "\n".join(lines[:lines.index(next(x for x in lines if x.startswith(f"{name}: ")))])
    for words in ("Don't talk to the alleged abuser", "Do not ask leading questions", "Do not promise"):
        assert words in head, "before the level and the contacts"
    assert payload["guidance"]["points"] and payload["guidance"]["national"] is True
    assert "A few quick questions" not in "\n".join(texts(dispatcher))


async def test_danger_now_stays_before_the_disclosure_guidance(kb, dispatcher, domain):
    worry = "she told me her stepdad touches her and he is at the school gate now threatening to take her"
    t = tracker("", slots={"authority": "stoke_on_trent", "worry": worry})
    await ActionRecommendNextStep().run(dispatcher, t, domain)
    lines = "\n".join(texts(dispatcher)).splitlines()
    [payload] = payloads(dispatcher)
    assert payload["immediate_danger"], "the danger patterns read 'at the school gate now threatening'"
    assert "999" in lines[0] and lines[1].startswith("A child has told you")


async def test_a_disclosure_with_no_authority_yet_gets_the_guidance_not_a_few_questions(kb, dispatcher, domain):
    await ActionRecordWorry().run(dispatcher, tracker(STEPDAD), domain)
    text = "\n".join(texts(dispatcher))
    assert "A few quick questions" not in text
    assert "Don't talk to the alleged abuser" in text and "General guidance from public pages" in text


async def test_a_school_attendance_worry_gets_no_disclosure_guidance(kb, dispatcher, domain):
    worry = "year 9 boy's school attendance has dropped to 85% this term"
    t = tracker("", slots={"authority": "stoke_on_trent", "worry": worry})
    await ActionRecommendNextStep().run(dispatcher, t, domain)
    [payload] = payloads(dispatcher)
    assert payload["guidance"] is None and "alleged abuser" not in "\n".join(texts(dispatcher))
