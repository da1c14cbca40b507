"""The triage core: red flags decide at once, qualifiers read from the worry, questions only while
the level is open, "not sure" never lowers a level, and every level in the document's words."""

from __future__ import annotations

from itertools import product

import pytest

from threshold_kb.triage.decide import triage
from threshold_kb.triage.qualifiers import NOT_SURE, parse_answer, qualifiers
from threshold_kb.triage.reading import read
from threshold_kb.triage.red_flags import red_flags
from threshold_kb.triage.rules import RulesError, load_rules, red_flag_kinds

OPEN_WORRY = "I'm a bit worried about a boy in my class"


@pytest.fixture(scope="module")
def rules(authorities):
    return {a.slug: load_rules(a) for a in authorities}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("mum said they're going back to sudan in the summer hols so nan can do 'the cutting', is this FGM??", "fgm"),
        ("HV here, 4 month old, 2 bruises on cheek, mum no idea how", "non_mobile_injury"),
        ("she told me her step dad touched her private parts", "disclosure"),
        ("11 year old says she's been having sex with a lad from year 10", "sexual_activity_under_13"),
        ("he's been seen with older lads, has a second phone and lots of cash, county lines?", "exploitation"),
    ],
)
def test_a_red_flag_decides_at_the_statutory_level_with_no_questions(rules, authorities, text, kind):
    assert kind in {f.kind for f in red_flags(text)}
    for authority in authorities:
        t = triage(rules[authority.slug], text)
        assert t.decided and not t.questions
        assert authority.level(t.level).statutory
        assert t.red_flag is not None and t.red_flag.quote, "the document's own words are quoted"


@pytest.mark.parametrize(
    "text", ["no disclosure, no marks, she seems happy", "walking toddler bumped his knee at nursery"]
)
def test_negated_or_ordinary_words_raise_no_red_flag(text):
    assert red_flags(text) == ()


def test_danger_now_decides_at_the_statutory_level(rules):
    t = triage(rules["stoke_on_trent"], "something worrying", danger=True)
    assert t.decided and t.level == 4 and not t.questions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no marks and mum is engaging well", {"harm": "no", "carers": "engaging"}),
        ("third time this month, mum refuses to engage", {"pattern": "repeated", "carers": "not_engaging"}),
        ("EHA last year closed and nothing has changed", {"support": "tried_not_enough"}),
        ("it has been going on for months", {"pattern": "repeated"}),
        ("mum isn't engaging at all", {"carers": "not_engaging"}),
    ],
)
def test_qualifiers_are_read_from_the_worry_negation_aware(text, expected):
    said = read(text)
    for name, value in expected.items():
        assert said.get(name) == value, (text, said)


def test_an_open_worry_asks_at_most_three_questions_with_buttons(rules, authorities):
    for authority in authorities:
        t = triage(rules[authority.slug], OPEN_WORRY)
        assert not t.decided and 1 <= len(t.questions) <= 3
        for q in t.questions:
            assert q.text.endswith("?") and len(q.answers) >= 2


def test_answers_override_what_was_read_and_close_the_questions(rules):
    answers = {"harm": "no", "impact": "little", "pattern": "first_time"}
    t = triage(rules["stoke_on_trent"], "third time this month", answers)
    assert t.facts["pattern"] == "first_time"
    assert len(t.questions) <= 3 - len(answers)


def test_no_more_than_three_questions_are_ever_asked(rules):
    answers = {"services": "one", "pattern": "first_time", "support": "none_yet"}
    assert triage(rules["cumbria"], OPEN_WORRY, answers).questions == ()


def test_stop_asking_ends_the_questions_and_says_the_range(rules):
    t = triage(rules["cumbria"], OPEN_WORRY, stop_asking=True)
    assert t.questions == () and not t.decided and t.low < t.high


@pytest.mark.parametrize("slug", ["bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent"])
def test_not_sure_never_lowers_a_level(rules, slug):
    """For every complete set of answers, answering "not sure" to one question instead gives a
    level at least as high."""
    names = [n for n, q in qualifiers().items() if q.unsure]
    others = [n for n in qualifiers() if n not in names]
    for values in product(*(qualifiers()[n].concrete for n in qualifiers())):
        answers = dict(zip(qualifiers(), values, strict=True))
        base = rules[slug].place(answers).level
        for name in names:
            unsure = triage(rules[slug], "", {**answers, name: NOT_SURE}).level
            assert unsure >= base, (answers, name)
    assert others  # carers and support: "not sure" maps to a value of their own


def test_every_level_can_be_reached_by_answers_and_is_quoted(rules, authorities):
    for authority in authorities:
        placed = {r.level for r in rules[authority.slug].rules}
        assert placed == {lv.number for lv in authority.levels}
        assert all(r.quote and r.cite.authority == authority.slug for r in rules[authority.slug].rules)


def test_a_decided_level_says_what_would_change_it(rules):
    answers = {
        "harm": "no",
        "impact": "some",
        "carers": "engaging",
        "support": "none_yet",
        "pattern": "first_time",
        "services": "one",
    }
    t = triage(rules["stoke_on_trent"], "", answers)
    assert t.decided and t.level == 2
    assert t.changes and all(c.level != 2 and c.rule.quote for c in t.changes)
    assert any(c.level > 2 for c in t.changes)


def test_every_authority_names_every_red_flag(rules):
    for authority_rules in rules.values():
        assert set(authority_rules.red_flags) == set(red_flag_kinds())


def test_a_rules_file_with_an_unknown_qualifier_is_refused(authorities, tmp_path):
    authority = authorities[0]
    (tmp_path / f"{authority.slug}.yml").write_text(
        "rules:\n  - when: {mood: [bad]}\n    level: 2\n  - level: 1\n", encoding="utf-8"
    )
    with pytest.raises(RulesError, match="unknown qualifier"):
        load_rules(authority, tmp_path)


def test_a_rules_file_that_leaves_a_worry_unplaced_is_refused(authorities, tmp_path):
    authority = authorities[0]
    (tmp_path / f"{authority.slug}.yml").write_text("rules:\n  - when: {harm: ['yes']}\n    level: 2\n")
    with pytest.raises(RulesError, match="last rule"):
        load_rules(authority, tmp_path)


@pytest.mark.parametrize(
    ("qualifier", "said", "value"),
    [
        ("harm", "No", "no"),
        ("harm", "not sure", "not_sure"),
        ("carers", "dunno", "not_asked"),
        ("support", "Yes, but not enough", "tried_not_enough"),
        ("pattern", "it keeps happening", "repeated"),
        ("impact", "a little", "little"),
        ("services", "it needs others too", "several"),
    ],
)
def test_typed_answers_are_read(qualifier, said, value):
    assert parse_answer(qualifier, said) == value


def test_a_consultation_turn_asks_the_engine_about_the_same_worry_once(authorities, monkeypatch):
    from threshold_kb.matching.engine import Engine
    from threshold_kb.triage.consult import Consultant

    engine = Engine(authorities, None)
    calls = []
    real = engine.assess
    monkeypatch.setattr(engine, "assess", lambda *a, **k: calls.append(a) or real(*a, **k))
    consultant = Consultant(engine)
    worry = "Year 4 boy often hungry and tired, mum is working with us"
    first = consultant.assess("stoke_on_trent", worry, 9.0)
    again = consultant.assess("stoke_on_trent", worry, 9.0, {"harm": "no"})
    consultant.assess("stoke_on_trent", worry + ". He has a bruise on his arm", 9.0)  # a new worry: asked again
    assert len(calls) == 2  # the answers change the triage, not the engine's reading of the words
    assert set(first.matches) == set(again.matches) and first.triage != again.triage
