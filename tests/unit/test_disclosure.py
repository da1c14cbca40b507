"""A child has told you (issue 16): what to do and what not to do comes first, quoted from stored
public pages and marked as not the authority's; then the authority's own time limit and its words
on telling the parents, quoted from its document. Nothing here is our own wording of a fact."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from threshold_kb import config, disclosure
from threshold_kb.clock import LONDON
from threshold_kb.matching.engine import Engine
from threshold_kb.national_routes import read_source
from threshold_kb.provenance import normalise
from threshold_kb.recommend import recommend, to_payload
from threshold_kb.replies import recommendation_text
from threshold_kb.triage.consult import Consultant

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)
SLUGS = ("bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent")
TOLD = (
    "she told me her stepdad touches her at night",
    "child disclosed that her stepdad has been sexually abusing her",
    "14 year old girl has an older boyfriend who picks her up in his car and gives her alcohol",
)


@pytest.fixture(scope="module")
def consultant(authorities):
    return Consultant(Engine(authorities, None))


def _reply(consultant, slug, worry):
    rec = recommend(consultant.assess(slug, worry), TUESDAY_MORNING)
    return rec, recommendation_text(rec).splitlines(), to_payload(rec)


@pytest.mark.parametrize("worry", TOLD)
@pytest.mark.parametrize("slug", SLUGS)
def test_a_child_who_has_told_gets_what_not_to_do_before_the_level(consultant, authorities, slug, worry):
    rec, lines, payload = _reply(consultant, slug, worry)
    name = rec.authority.name
    level_at = next(i for i, x in enumerate(lines) if x.startswith(f"{name}: "))
    head = "\n".join(lines[:level_at])
    assert lines[0] == disclosure.HEADING
    assert f"not {name}'s document" in lines[1], "said plainly: not the authority's"
    for p in disclosure.guidance().points:
        assert f'"{p.quote}"' in head
    assert "alleged abuser" in head and "leading questions" in head and "promise" in head
    assert payload["guidance"]["national"] and len(payload["guidance"]["points"]) == len(disclosure.guidance().points)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_time_limit_is_quoted_from_the_authoritys_own_document(consultant, authorities, seeds_dir, slug):
    rec, lines, payload = _reply(consultant, slug, TOLD[0])
    own = payload["guidance"]["authority"]
    seed = next(a for a in authorities if a.slug == slug).document.source_file
    text = normalise((seeds_dir / seed).read_text(encoding="utf-8"))
    for line in own:
        assert normalise(line["quote"]) in text, "in the authority's own document, verbatim"
    limits = [x for x in own if x["topic"] == "time_limit"]
    expected = {"northamptonshire": 24, "peterborough": 24, "stoke_on_trent": 3}.get(slug)
    assert [x["hours"] for x in limits] == ([expected] if expected else []), "none invented where none is set"
    head = "\n".join(lines[: next(i for i, x in enumerate(lines) if x.startswith(f"{rec.authority.name}: "))])
    assert (f"within {expected} hours" in head) == bool(expected), "the time limit first, with the guidance"


@pytest.mark.parametrize("worry", (
    "year 9 boy's school attendance has dropped to 85% this term",
    "HV here, 4 month old, 2 bruises on cheek, mum no idea how",
))
def test_a_worry_nobody_has_told_gets_no_disclosure_guidance(consultant, worry):
    rec, lines, payload = _reply(consultant, "stoke_on_trent", worry)
    assert payload["guidance"] is None
    assert disclosure.HEADING not in lines and "alleged abuser" not in "\n".join(lines)


def test_every_guidance_quote_is_verbatim_in_its_stored_source(authorities):
    assert disclosure.problems(authorities) == []
    directory = config.national_dir()
    for p in disclosure.load().points:
        source = read_source(directory / "sources" / p.cite.file)
        assert normalise(p.quote) in normalise(source.text) and p.cite.url == source.url


def test_a_quote_not_in_its_source_fails_validation(tmp_path, authorities):
    copy = tmp_path / "national"
    shutil.copytree(config.national_dir(), copy)
    path = copy / "disclosure.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Don't delay reporting the abuse.", "Don't delay reporting the abuse to the parents."), encoding="utf-8")
    problems = disclosure.problems(authorities, copy)
    assert any("report_now" in p and "not found verbatim" in p for p in problems), problems


def test_a_parents_line_not_in_its_knowledge_base_item_fails_validation(tmp_path, authorities):
    copy = tmp_path / "national"
    shutil.copytree(config.national_dir(), copy)
    path = copy / "disclosure.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "unless there is a risk to the child of such a disclosure.", "always."), encoding="utf-8")
    assert any("parents.stoke_on_trent" in p for p in disclosure.problems(authorities, copy))


def test_only_the_told_or_alleged_kinds_get_it():
    g = disclosure.load()
    assert {"disclosure", "allegation", "sexual_abuse"} <= set(g.kinds)
    assert not g.applies(["non_mobile_injury", "suspicious_injury", "abandoned"])
