"""Always something to ring (issue 16): where a document publishes no phone number for its routes,
the replies and the payload give the national lines (999, police 101, the NSPCC Helpline), marked
as national, never as the authority's; an authority that publishes its number leads with it."""

from __future__ import annotations

import json
import re
from datetime import datetime

import jsonschema
import pytest

from threshold_kb import answers, checks, config, national_routes
from threshold_kb.clock import LONDON
from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import recommend, to_payload
from threshold_kb.replies import national_line, recommendation_text
from threshold_kb.triage.consult import Consultant

SCHEMA = json.loads((config.PROJECT_ROOT / "docs" / "recommendation.schema.json").read_text())
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)
SATURDAY_NIGHT = datetime(2026, 11, 28, 23, 0, tzinfo=LONDON)
CHRISTMAS_DAY = datetime(2026, 12, 25, 11, 0, tzinfo=LONDON)
WORRIES = (
    "child disclosed that her stepdad has been sexually abusing her",
    "year 3 girl says dad hits her with a belt, she goes home in an hour",
)
NO_NUMBER = {"bedford_borough": "Bedford Borough", "cumbria": "Cumbria"}
OWN_NUMBER = ("northamptonshire", "peterborough", "stoke_on_trent")
PHONE = re.compile(r"(?<![\w.])(?:999|101|0\d{3,4} ?\d{3} ?\d{3,4})(?![\w])")
ROUTES = national_routes.load()  # the cited file itself
NATIONAL = national_routes.published(ROUTES)


@pytest.fixture(scope="module")
def consultant(authorities):
    return Consultant(Engine(authorities, None))


def statutory(consultant, slug, worry, now):
    rec = recommend(consultant.assess(slug, worry, None, {}), now)
    assert rec.assessment.level is not None and rec.assessment.level.statutory, "the worry is at the statutory level"
    return rec


def test_the_national_routes_are_999_101_and_the_nspcc_helpline():
    by_id = {r.id: r for r in ROUTES}
    assert by_id["emergency"].phones == ("999",)
    assert by_id["police_non_emergency"].phones == ("101",)
    assert by_id["nspcc_helpline"].phones == ("0808 800 5000",)
    assert by_id["nspcc_helpline"].emails == ("help@nspcc.org.uk",)
    for route in ROUTES:
        assert route.cite and all(c.url.startswith("https://") and c.quote and c.title for c in route.cite)
        assert not checks.maintainer_phrases(f"{route.name} {route.use} {route.hours or ''}")


@pytest.mark.parametrize("worry", WORRIES)
@pytest.mark.parametrize("now", [TUESDAY_MORNING, SATURDAY_NIGHT, CHRISTMAS_DAY], ids=["tue", "sat-night", "xmas"])
@pytest.mark.parametrize("slug", NO_NUMBER)
def test_no_published_number_ends_the_next_steps_with_national_lines(consultant, slug, worry, now):
    rec = statutory(consultant, slug, worry, now)
    assert rec.missing_numbers
    lines = recommendation_text(rec).splitlines()
    steps = [i for i, line in enumerate(lines) if re.match(r"\d+\. ", line)]
    said = lines[steps[-1] + 1]  # the line right after the last next step
    name = NO_NUMBER[slug]
    assert said.startswith(f"{name}'s document publishes no phone number for ")
    assert f"National lines you can ring now (national, not {name}'s): 999 " in said
    assert {"999", "101", "0808 800 5000"} <= set(PHONE.findall(said)), "always something to ring"
    assert sum("publishes no phone number" in line for line in lines) == 1, "said in one line, not per route"
    assert not any(PHONE.findall(line) for line in lines[steps[0] : steps[-1] + 1]), "none is the authority's"


@pytest.mark.parametrize("slug", NO_NUMBER)
def test_the_payload_carries_the_national_routes_when_no_step_has_a_number(consultant, slug):
    payload = to_payload(statutory(consultant, slug, WORRIES[1], TUESDAY_MORNING))
    jsonschema.validate(payload, SCHEMA)
    assert payload["missing_numbers"] and not any(s["phones"] for s in payload["next_steps"])
    routes = payload["national_routes"]
    assert [r["id"] for r in routes] == [r.id for r in ROUTES]
    assert {d for r in routes for d in (*r["phones"], *r["emails"])} == NATIONAL, "exactly the cited file's"
    assert all(r["national"] is True and r["cite"] for r in routes)
    nspcc = next(r for r in routes if r["id"] == "nspcc_helpline")
    assert nspcc["status"] == "open" and nspcc["hours"]


@pytest.mark.parametrize("slug", OWN_NUMBER)
def test_an_authority_that_publishes_its_number_leads_with_it(consultant, authorities, slug):
    authority = next(a for a in authorities if a.slug == slug)
    own = {p for c in authority.contacts for p in c.phones}
    for worry in WORRIES:
        rec = statutory(consultant, slug, worry, TUESDAY_MORNING)
        assert not rec.missing_numbers
        payload = to_payload(rec)
        assert payload["national_routes"] == []
        text = recommendation_text(rec)
        assert "National lines" not in text
        numbers = [n for n in PHONE.findall(text) if n != "999"]
        assert numbers and numbers[0] in own, "its own number comes first"
        assert not (set(numbers) & (NATIONAL - own))


@pytest.mark.parametrize("now", [TUESDAY_MORNING, SATURDAY_NIGHT], ids=["tue", "sat-night"])
@pytest.mark.parametrize("slug", [*NO_NUMBER, *OWN_NUMBER])
def test_talking_to_a_person_gives_the_authoritys_routes_then_the_national_lines(repo, slug, now):
    authority = repo.get(slug)
    lines = answers.talk_to_person(authority, now).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("National lines"))
    national = lines[at]
    assert national.startswith(f"National lines you can ring now (national, not {authority.name}'s): 999 ")
    assert "101" in national and "0808 800 5000" in national and "help@nspcc.org.uk" in national
    # After the national lines, only where the answer comes from (the document's date, its age).
    assert lines[at + 1].startswith("Source:") and all(not PHONE.findall(line) for line in lines[at + 1 :])
    own = {p for c in authority.contacts for p in c.phones}
    before = [n for line in lines[:at] for n in PHONE.findall(line)]
    assert set(before) <= own, "the authority's routes come before, with only its own numbers"
    if slug in OWN_NUMBER:
        assert before, "an authority with a number is named with it first"


def test_the_nspcc_phone_follows_its_published_hours():
    nspcc = next(r for r in ROUTES if r.id == "nspcc_helpline")
    assert nspcc.phone_status(TUESDAY_MORNING) == "open"
    assert nspcc.phone_status(datetime(2026, 11, 24, 22, 30, tzinfo=LONDON)) == "closed"
    assert nspcc.phone_status(datetime(2026, 11, 28, 17, 0, tzinfo=LONDON)) == "open"
    assert nspcc.phone_status(SATURDAY_NIGHT) == "closed"
    assert nspcc.phone_status(CHRISTMAS_DAY) == "unknown", "the source states no bank-holiday hours"
    night = national_line("Cumbria", SATURDAY_NIGHT)
    email_first = "help@nspcc.org.uk (NSPCC Helpline) for adults worried about a child, 24 hours a day, 365 days a year"
    assert email_first in night
    assert f"0808 800 5000, {nspcc.hours} (closed now)" in night
    assert f"(phone {nspcc.hours})" in national_line("Cumbria", CHRISTMAS_DAY)
    assert "closed" not in national_line("Cumbria", TUESDAY_MORNING)


def test_an_unreadable_national_file_still_leaves_999(monkeypatch):
    monkeypatch.setattr(national_routes, "routes", lambda: ())
    assert national_line("Cumbria", TUESDAY_MORNING) == "If a child may be in danger right now, call 999."


def test_the_bundled_routes_are_the_cited_file(tmp_path, monkeypatch):
    national_routes.routes.cache_clear()
    monkeypatch.setenv("THRESHOLD_KB_NATIONAL", str(tmp_path / "nowhere"))
    try:
        assert national_routes.routes() == (), "never raises: the safe answer must not fail with the file"
    finally:
        national_routes.routes.cache_clear()
    monkeypatch.delenv("THRESHOLD_KB_NATIONAL")
    assert national_routes.routes() == ROUTES
