"""The named next step and its payload: cited, time-aware, never an invented contact."""

import json
from pathlib import Path

import jsonschema
import pytest

from threshold_kb import config
from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import DSL_STEP, recommend, to_payload

SCHEMA = json.loads((config.PROJECT_ROOT / "docs" / "recommendation.schema.json").read_text())
SLUGS = ["bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent"]
WORRIES = [
    "child disclosed that her stepdad has been sexually abusing her",
    "family new to the area, mum struggling and needs some parenting support",
    "the weather is nice today",
    "dad is hitting mum right now and the kids are there",
]


@pytest.fixture(scope="module")
def engine(authorities):
    return Engine(authorities)


def payload(engine, repo, slug, text, now):
    return to_payload(recommend(engine.assess(slug, text), now))


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("text", WORRIES)
def test_payload_matches_its_schema_and_names_someone(engine, repo, slug, text, tuesday_morning):
    data = payload(engine, repo, slug, text, tuesday_morning)
    jsonschema.validate(data, SCHEMA)
    assert data["next_steps"] and all(step["name"] for step in data["next_steps"])


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("text", WORRIES)
def test_every_contact_detail_comes_from_the_knowledge_base(engine, repo, slug, text, saturday_night):
    known = {v for c in repo.get(slug).contacts for v in (*c.phones, *c.emails, *c.web)}
    data = payload(engine, repo, slug, text, saturday_night)
    said = {v for step in data["next_steps"] for v in (*step["phones"], *step["emails"], *step["web"])}
    assert said <= known


def test_unclassified_worry_gets_the_safe_route_not_a_guessed_level(engine, repo, tuesday_morning):
    data = payload(engine, repo, "peterborough", "something about the pupil feels off to me", tuesday_morning)
    assert data["classified"] is False and data["level"] is None and data["in_scope"] is True
    assert data["next_steps"][0]["name"] == DSL_STEP.name
    assert any(step["role"] == "front_door" for step in data["next_steps"])
    assert "does not mean it is low level" in data["why"]


def test_a_message_with_no_worry_in_it_is_out_of_scope_but_still_names_a_safe_route(engine, repo, tuesday_morning):
    data = payload(engine, repo, "peterborough", "the weather is nice today", tuesday_morning)
    assert data["in_scope"] is False and data["level"] is None
    assert "could not find a worry about a child" in data["why"]
    assert data["next_steps"][0]["name"] == DSL_STEP.name


def test_stoke_weekend_recommendation_gives_the_out_of_hours_number(engine, repo, saturday_night):
    data = payload(engine, repo, "stoke_on_trent", WORRIES[0], saturday_night)
    phones = [p for step in data["next_steps"] for p in step["phones"]]
    assert "01782 234234" in phones and "01782 235100" not in phones
    assert data["written_followup"]["hours"] == 3


def test_statutory_recommendation_quotes_indicators_with_citations(engine, repo, tuesday_morning):
    data = payload(engine, repo, "northamptonshire", WORRIES[0], tuesday_morning)
    assert data["level"]["statutory"]
    assert data["indicators"] and all(i["cite"]["section"] for i in data["indicators"])
    assert data["consent"], "statutory guidance should say when consent is not needed"


def test_cumbria_says_it_has_no_number_and_gives_what_the_document_gives(engine, repo, tuesday_morning):
    data = payload(engine, repo, "cumbria", WORRIES[0], tuesday_morning)
    assert data["missing_numbers"] is True
    assert any(step["web"] for step in data["next_steps"])


def test_danger_is_flagged_with_the_emergency_number(engine, repo, tuesday_morning):
    data = payload(engine, repo, "bedford_borough", WORRIES[3], tuesday_morning)
    assert data["immediate_danger"] and data["emergency_number"] == "999"


def test_the_designated_safeguarding_lead_is_named_once(engine, repo, tuesday_morning):
    data = payload(engine, repo, "stoke_on_trent", WORRIES[0], tuesday_morning)
    leads = [s for s in data["next_steps"] if "safeguarding lead" in s["name"].lower()]
    assert len(leads) == 1 and data["next_steps"][0] is leads[0]


def test_payload_is_json_serialisable(engine, repo, tuesday_morning):
    json.dumps(payload(engine, repo, "bedford_borough", WORRIES[1], tuesday_morning))


assert Path(config.PROJECT_ROOT / "docs" / "recommendation.schema.json").is_file()


# -- the short part a card shows first -----------------------------------------------------------
SHORT_WORRIES = [*WORRIES, "Year 4 boy, bruise on his cheek again, says he fell, mum didn't turn up to parents evening",
                 "yr 3 girl often tired in class, mum is working with us"]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("text", SHORT_WORRIES)
@pytest.mark.parametrize("moment", ["tuesday_morning", "saturday_night"])
def test_the_short_part_fits_a_phone_screen_and_says_only_what_the_payload_says(engine, repo, slug, text, moment,
                                                                                 request):
    data = payload(engine, repo, slug, text, request.getfixturevalue(moment))
    short = data["short"]
    assert len(short["text"].split()) <= 60, short["text"]
    # The level in the authority's words, and 999 first when there is danger.
    assert short["level"].startswith(data["authority"]["name"] + ": ")
    if data["classified"]:
        assert data["level"]["label"] in short["level"]
    assert (short["danger"] is not None) == data["immediate_danger"]
    if data["immediate_danger"]:
        assert short["text"].startswith("Call 999 now")
    assert short["do_now"] in short["text"] and "designated safeguarding lead" in short["do_now"]
    # Every number to ring is one the full payload gives (a next step's, or a national line's).
    given = {p for step in data["next_steps"] for p in step["phones"]} | {
        p for route in data["national_routes"] for p in route["phones"]}
    if data["immediate_danger"] or not data["classified"] or data["level"]["statutory"]:
        assert short["calls"], "there is always someone to ring about a statutory worry"
    assert len({c["phone"] for c in short["calls"]}) == len(short["calls"])
    assert all(c["phone"] in given and c["phone"] in short["text"] for c in short["calls"])
    assert all(c["status"] != "closed" for c in short["calls"])


def test_the_short_part_gives_the_documents_time_to_follow_up_in_writing(engine, repo, tuesday_morning):
    data = payload(engine, repo, "stoke_on_trent", "child disclosed that her stepdad has been sexually abusing her",
                   tuesday_morning)
    hours = data["written_followup"]["hours"]
    assert data["short"]["by_when"] == f"Follow up in writing within {hours} hours."


def test_where_no_step_has_a_number_the_short_part_gives_national_lines_not_999_again(engine, repo, tuesday_morning):
    data = payload(engine, repo, "cumbria", "child disclosed that her stepdad has been sexually abusing her",
                   tuesday_morning)
    assert data["missing_numbers"]
    assert data["short"]["calls"] and all(c["national"] and c["phone"] != "999" for c in data["short"]["calls"])
