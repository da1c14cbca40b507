"""The engine with the real sentence encoder: meaning, negation, age, rules, scope, the CLI and
the safety targets on the development set. The encoder loads once for the module (~10 s)."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from threshold_kb.evaluation import devset
from threshold_kb.evaluation.baseline import Baseline
from threshold_kb.evaluation.metrics import Prediction, score
from threshold_kb.evaluation.run import engine_predictor, predict_all
from threshold_kb.matching.encoder import EncoderUnavailable, SentenceEncoder, load_encoder
from threshold_kb.matching.engine import Engine, Evidence
from threshold_kb.matching.negation import affirmed_text
from threshold_kb.matching.normalise import expand
from threshold_kb.recommend import recommend, to_payload


@pytest.fixture(scope="module")
def encoder():
    loaded = load_encoder()
    assert loaded is not None, "the sentence encoder must load here (make setup installs it)"
    return loaded


@pytest.fixture(scope="module")
def engine(authorities, encoder):
    return Engine(authorities, encoder)


def test_an_altered_model_file_is_refused(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"not the upstream weights")
    with pytest.raises(EncoderUnavailable, match="sha256"):
        SentenceEncoder(tmp_path)


def test_the_encoder_puts_a_paraphrase_near_the_documents_words(encoder):
    worry, indicator, unrelated = encoder.encode(
        ["mum's new fella hits her in front of the kids", "Child witnessing domestic abuse", "the canteen menu changed"]
    )
    assert float(worry @ indicator) > float(worry @ unrelated) + 0.3


def test_a_bruised_baby_is_statutory_and_an_older_childs_age_excludes_baby_only_indicators(engine):
    baby = engine.assess("northamptonshire", "HV here, 4 month old, 2 bruises on cheek, mum no idea how")
    assert baby.level.statutory
    older = engine.assess("northamptonshire", "yr 4 boy, bruise on his cheek again, says he fell")
    assert older.matches and all(m.indicator.conditions.admits_age(8.0) for m in older.matches)


def test_negated_words_are_not_given_to_the_encoder():
    text = affirmed_text(expand("no bruises seen, not self-harming, just tired lately"))
    assert "bruises" not in text and "self" not in text and "tired" in text


def test_strengths_lower_a_suggestion_below_the_statutory_level_but_never_across_it(engine):
    worry = "yr 3 boy often tired and a bit behind with reading"
    well = "mum engages well, attends every parents evening, good routines at home, grandparents help"
    plain, helped = engine.assess("stoke_on_trent", worry), engine.assess("stoke_on_trent", worry, working_well=well)
    assert not plain.level.statutory and helped.level.number == plain.level.number - 1
    assert [r.kind for r in helped.rules] == ["strengths"]
    abuse = engine.assess("stoke_on_trent", "dad hits him with a belt, marks on his back", working_well=well)
    assert abuse.level.statutory and "strengths" not in [r.kind for r in abuse.rules]


def test_bedfords_combination_rule_raises_several_level_2_needs_and_cites_the_document(engine):
    index = engine._indexes["bedford_borough"]
    level_2 = np.flatnonzero(index.levels == 2)[:3]
    scores = np.zeros((4, len(index.entries)))
    for unit, row in enumerate(level_2, start=1):  # three clauses, each matching its own Level 2 need
        scores[0, row] = scores[unit, row] = 0.7
    evidence = Evidence(
        slug="bedford_borough",
        lexical=scores,
        semantic=scores,
        admitted=np.ones(len(index.entries), dtype=bool),
        shared=((),) * len(index.entries),
        danger=(),
        negated=(),
        lexicon_hit=True,
        strength=0.0,
    )
    assessment = engine.decide(evidence, replace(engine.params, margin=0.0, floor=1.1))
    assert assessment.level.number == 3
    (rule,) = assessment.rules
    assert rule.kind == "combination" and "combination of indicators of need under Level Two" in rule.detail
    assert rule.cite.authority == "bedford_borough"


def test_cumbria_borrows_other_documents_indicators_and_says_so(engine, tuesday_morning):
    assessment = engine.assess("cumbria", "mum's new fella hits her in front of the kids, police called twice")
    assert assessment.borrowed and assessment.level is not None
    payload = to_payload(recommend(assessment, tuesday_morning))
    borrowed = [i for i in payload["indicators"] if i["borrowed_from"]]
    assert borrowed and all(i["cite"]["authority"] == i["borrowed_from"] != "cumbria" for i in borrowed)
    assert "cited as theirs" in payload["why"]


def test_out_of_scope_only_when_nothing_is_about_a_child(engine):
    assert engine.assess("cumbria", "what's the capital of France").in_scope is False
    assert engine.assess("cumbria", "something about the pupil feels off").in_scope is True


def test_danger_now_is_flagged_and_never_below_the_statutory_level(engine):
    worry = "mum just turned up steaming drunk with the car keys, says she is driving him home"
    a = engine.assess("peterborough", worry)
    assert a.immediate_danger and a.level.statutory


def test_a_precautionary_level_says_so_and_gives_the_range(engine, tuesday_morning):
    """Words that fit several levels keep the highest, but the answer must not sound sure of it:
    the range is given, in the payload and the reasons, and the lower end is not offered as the answer."""
    a = engine.assess("stoke_on_trent", "reception boy needs help with his speech and language, mum is supportive")
    assert a.precautionary and a.alternative is not None and a.alternative.number < a.level.number
    payload = to_payload(recommend(a, tuesday_morning))
    assert payload["precautionary"] is True
    assert payload["alternative_level"]["number"] == a.alternative.number
    assert f"Your words resemble indicators at {a.alternative.label}" in payload["why"]
    assert f"I suggest the higher level, {a.level.label}, as a precaution." in payload["why"]
    assert "Do not lower it on your own" in payload["why"]
    clear = engine.assess("stoke_on_trent", "HV here, 4 month old, 2 bruises on cheek, mum no idea how")
    assert clear.level.statutory and not clear.precautionary, "a strong statutory match is not a precaution"


def test_the_precaution_never_applies_to_danger_and_only_ever_raises(engine, authorities):
    cases = devset.load(devset.DEVSET_DIR, tuple(a.slug for a in authorities))
    for authority in authorities:
        for case in cases:
            a = engine.assess(authority.slug, case.text, case.age, working_well=case.working_well or "")
            if a.precautionary:
                assert not a.immediate_danger, case.id
                assert a.alternative.number < a.level.number, case.id


def test_the_cli_reads_json_lines_and_answers_one_line_each():
    lines = "\n".join(
        [
            json.dumps({"authority": "Stoke", "text": "yr 10 girl says her stepdad touched her", "age": 14}),
            json.dumps({"authority": "Narnia", "text": "anything"}),
        ]
    )
    done = subprocess.run(
        [sys.executable, "-m", "threshold_kb.assess", "--jsonl", "--now", "2026-11-24T10:30"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["authority"]["slug"] == "stoke_on_trent" and first["level"]["statutory"] is True
    assert first["indicators"][0]["cite"]["document"] and first["next_steps"][0]["name"]
    assert "unknown authority" in second["error"]


def test_on_the_development_set_the_engine_never_under_triages_and_beats_the_baseline(engine, authorities):
    """The issue's safety targets, per authority (exact level is reported by make eval, not gated)."""
    slugs = [a.slug for a in authorities]
    statutory = {a.slug: min(lv.number for lv in a.levels if lv.statutory) for a in authorities}
    cases = devset.load(slugs=tuple(slugs))
    ours = predict_all(engine_predictor(engine), slugs, cases)
    baseline = Baseline(authorities)
    theirs = predict_all(lambda s, c: baseline.predict(s, c.text), slugs, cases)
    for slug in slugs:
        mine, base = score(cases, ours[slug], slug, statutory[slug]), score(cases, theirs[slug], slug, statutory[slug])
        assert mine.statutory_recall == 1.0, slug
        assert mine.danger_recall == 1.0, slug
        assert mine.under_triage <= 0.03, slug
        assert mine.out_of_scope_precision in (None, 1.0), slug
        assert mine.under_triage < base.under_triage and mine.statutory_recall > base.statutory_recall, slug
    assert isinstance(ours[slugs[0]][0], Prediction)


# The issue's own examples of danger the patterns missed, and messages that must not be danger.
DANGER_BY_MEANING = [
    "she's taken a whole pack of her mum's tablets and wants to die, she's home alone",
    "her dad is at the front gate with a big kitchen knife",
    "dad stinks of alcohol and is slurring, he's about to put her in the car and drive off",
]
NOT_DANGER = [
    "hello",
    "what is the LADO number for Stoke",
    "can I speak to a real person?",
    "Year 4 boy, bruise on his cheek again, says he fell, mum didn't turn up to parents evening",
    "14 year old keeps going missing overnight",
    "asdkjh qwe",
]


@pytest.mark.parametrize("text", DANGER_BY_MEANING)
def test_danger_the_patterns_miss_is_found_by_meaning(engine, text):
    a = engine.assess("bedford_borough", text)
    assert a.immediate_danger and a.level.statutory, text
    assert engine.danger.signals(text), "the NLU component's call (no vector given) must agree"


@pytest.mark.parametrize("text", NOT_DANGER)
def test_ordinary_messages_are_not_danger_by_meaning(engine, text):
    assert engine.danger.signals(text) == (), text
