"""The first-version engine: paraphrase, negation, age, borrowing for Cumbria, no guessing."""

from dataclasses import replace

import numpy as np
import pytest

from threshold_kb.matching.age import age_from_text
from threshold_kb.matching.danger import DangerSignal
from threshold_kb.matching.engine import Engine, Params
from threshold_kb.matching.negation import split_terms
from threshold_kb.matching.normalise import expand


@pytest.fixture(scope="module")
def engine(authorities):
    return Engine(authorities)


@pytest.mark.parametrize(
    "text, age",
    [
        ("4 month old", 4 / 12),
        ("Year 4 boy", 8.0),
        ("yr 10 girl", 14.0),
        ("14yo", 14.0),
        ("aged 6", 6.0),
        ("a six year old", 6.0),
        ("newborn", 0.0),
        ("toddler", 2.0),
        ("mum is worried", None),
    ],
)
def test_age_is_read_from_the_text(text, age):
    found = age_from_text(text)
    assert (found is None) if age is None else found == pytest.approx(age, abs=0.01)


def test_slang_is_expanded_without_losing_the_original_words():
    text = expand("HV visit, DV at home, CSE concerns")
    for words in ("hv", "health visitor", "domestic violence", "sexual exploitation"):
        assert words in text


@pytest.mark.parametrize(
    "text, negated, affirmed",
    [
        ("no bruises seen", {"bruis"}, set()),
        ("she is not self-harming but is very withdrawn", {"self", "harm"}, {"withdrawn"}),
        ("mum didn't turn up to parents evening", set(), {"disengag", "miss"}),
    ],
)
def test_negation_scope(text, negated, affirmed):
    got_affirmed, got_negated = split_terms(expand(text))
    assert negated <= got_negated
    assert affirmed <= set(got_affirmed)


def test_unexplained_bruising_on_a_baby_reaches_the_statutory_level(engine):
    result = engine.assess("northamptonshire", "HV here, 4 month old, 2 bruises on cheek, mum no idea how")
    assert result.level is not None and result.level.statutory
    assert any("non-mobile" in m.indicator.text for m in result.matches)


def test_age_condition_in_the_text_is_respected(engine):
    young = engine.assess("bedford_borough", "12 year old girl is pregnant")
    assert young.level.statutory
    assert any("under 13" in m.indicator.text for m in young.matches)
    older = engine.assess("bedford_borough", "pregnant", age=15)
    assert not any("under 13" in m.indicator.text for m in older.matches)


def test_negated_worry_does_not_match_what_it_denies(engine):
    result = engine.assess("stoke_on_trent", "no bruises, not self-harming")
    assert not any(
        "injur" in m.indicator.text.lower() or "self-harm" in m.indicator.text.lower() for m in result.matches
    )


def test_cumbria_borrows_other_documents_indicators_and_says_so(engine):
    result = engine.assess("cumbria", "dad was arrested for domestic violence, the kids saw it, mum drinking heavily")
    assert result.level is not None and result.borrowed
    assert all(m.borrowed_from != "cumbria" for m in result.matches if m.borrowed_from)
    assert {m.indicator.cite.authority for m in result.matches if m.borrowed_from} <= {
        "northamptonshire",
        "bedford_borough",
        "peterborough",
        "stoke_on_trent",
    }


def test_a_level_is_not_guessed_when_nothing_matches(engine):
    result = engine.assess("peterborough", "the weather is nice today")
    assert result.level is None and result.matches == ()


def test_danger_is_reported_alongside_the_level(engine):
    result = engine.assess("stoke_on_trent", "dad is hitting mum right now, the kids are there")
    assert result.immediate_danger


@pytest.mark.parametrize("slug", ["bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent"])
def test_sexual_abuse_disclosure_is_statutory_everywhere(engine, slug):
    result = engine.assess(slug, "child disclosed that her stepdad has been sexually abusing her")
    assert result.level is not None and result.level.statutory, [m.indicator.text for m in result.matches]


def _evidence_scoring(engine, slug, by_level, danger=()):
    """Evidence whose every indicator at a level scores `by_level[level]` (words only)."""
    evidence = engine.score(slug, "yr 4 boy, worried about him")
    levels = engine._indexes[slug].levels
    row = np.array([by_level.get(int(lv), 0.0) for lv in levels], dtype=np.float32)
    return replace(evidence, lexical=row[None, :], danger=danger)


def test_a_level_raised_only_by_the_margin_is_precautionary_and_gives_the_lower_end(engine):
    evidence = _evidence_scoring(engine, "stoke_on_trent", {2: 0.5, 4: 0.45})
    result = engine.decide(evidence, Params(margin=0.1, floor=0.9))
    assert result.level.number == 4 and result.precautionary
    assert result.alternative.number == 2
    exact = engine.decide(evidence, Params(margin=0.0, floor=0.9))
    assert exact.level.number == 2 and not exact.precautionary


def test_a_level_set_by_a_rule_is_not_precautionary(engine):
    danger = (DangerSignal(label="Violence happening now", phrase="hitting him now"),)
    in_danger = engine.decide(_evidence_scoring(engine, "stoke_on_trent", {2: 0.5}, danger), Params(floor=0.9))
    assert in_danger.level.statutory and not in_danger.precautionary
    strong = engine.decide(_evidence_scoring(engine, "stoke_on_trent", {2: 0.7, 4: 0.65}), Params(floor=0.6))
    assert strong.level.number == 4 and not strong.precautionary, "a strong statutory match supports the level"
