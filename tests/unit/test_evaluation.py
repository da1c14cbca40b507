"""The evaluation harness: the development set's shape, the metrics' definitions, the baseline."""

import pytest

from threshold_kb.evaluation import devset
from threshold_kb.evaluation.baseline import Baseline
from threshold_kb.evaluation.devset import Case
from threshold_kb.evaluation.metrics import Prediction, misses_targets, score

SLUGS = ("bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent")


@pytest.fixture(scope="module")
def cases():
    return devset.load(slugs=SLUGS)


def test_the_development_set_has_every_kind_the_issue_asks_for(cases):
    assert len(cases) >= 250
    kinds = {c.kind for c in cases}
    assert {"case_example", "slang", "negated", "mixed", "danger", "out_of_scope", "frequency", "age"} <= kinds
    stoke_examples = {c.source.get("case_example") for c in cases if c.kind == "case_example"}
    assert {f"stoke_on_trent.case_example.00{n}" for n in range(1, 5)} <= stoke_examples


def test_every_in_scope_case_has_an_expected_level_for_every_authority_within_its_scheme(cases, authorities):
    levels = {a.slug: {lv.number for lv in a.levels} for a in authorities}
    for case in cases:
        if case.in_scope:
            assert set(case.expected) == set(SLUGS), case.id
            assert all(case.expected[s] in levels[s] for s in SLUGS), case.id
        else:
            assert case.expected == {} and not case.danger


def test_a_missing_label_is_an_error(tmp_path):
    (tmp_path / "cases_x.yml").write_text('- {id: x-1, kind: slang, text: "dv at home", danger: false}\n')
    (tmp_path / "labels_cumbria.yml").write_text("{}\n")
    with pytest.raises(devset.DevSetError, match="x-1 has no cumbria label"):
        devset.load(tmp_path)


def _case(expected: int | None, danger=False, kind="slang"):
    return Case(id="c", kind=kind, text="t", danger=danger, expected={} if expected is None else {"s": expected})


def test_metrics_count_under_and_over_triage_and_call_a_real_worry_out_of_scope_under_triage():
    cases = [_case(4), _case(4), _case(2), _case(1), _case(None, kind="out_of_scope")]
    predictions = [
        Prediction(4, True, False),  # exact, statutory found
        Prediction(None, False, False),  # a statutory worry called out of scope: under-triage
        Prediction(3, True, False),  # over-triage
        Prediction(None, True, False),  # unclassified: wrong, but not under-triage
        Prediction(None, False, False),  # correctly out of scope
    ]
    s = score(cases, predictions, "s", statutory=4)
    assert s.cases == 4 and s.exact == 0.25 and s.under_triage == 0.25 and s.over_triage == 0.25
    assert s.statutory_recall == 0.5 and s.unclassified == 1
    assert s.flagged_out_of_scope == 2 and s.out_of_scope_precision == 0.5
    assert "statutory recall 50.0%" in misses_targets(s)


def test_danger_recall_counts_only_messages_in_danger_now():
    cases = [_case(4, danger=True), _case(4, danger=True), _case(2)]
    predictions = [Prediction(4, True, True), Prediction(4, True, False), Prediction(2, True, True)]
    assert score(cases, predictions, "s", statutory=4).danger_recall == 0.5


def test_the_baseline_ranks_passages_of_the_authoritys_own_document(authorities):
    baseline = Baseline(authorities)
    assert baseline.predict("stoke_on_trent", "what is the capital of france").in_scope is False
    found = baseline.predict("stoke_on_trent", "Pregnancy or sexually transmitted infection in a child under 13")
    assert found.in_scope and found.level == 4
