"""Runs a predictor over the development set: one Prediction per (authority, case)."""

from __future__ import annotations

from collections.abc import Callable

from threshold_kb.evaluation.devset import Case
from threshold_kb.evaluation.metrics import Prediction
from threshold_kb.matching.engine import Engine
from threshold_kb.triage.consult import Consultant
from threshold_kb.triage.qualifiers import qualifiers

Predictor = Callable[[str, Case], Prediction]


def engine_predictor(engine: Engine, lowest: bool = False) -> Predictor:
    """The engine's suggested level; with `lowest`, the lowest level the words fit, i.e. the level
    without the precaution (measured to show what the precaution saves, never what the assistant says)."""

    def predict(slug: str, case: Case) -> Prediction:
        a = engine.assess(slug, case.text, case.age, working_well=case.working_well or "")
        level = a.alternative if lowest and a.precautionary else a.level
        return Prediction(
            level=level.number if level else None,
            in_scope=a.in_scope,
            danger=a.immediate_danger,
            precautionary=a.precautionary,
        )

    return predict


def predict_all(predict: Predictor, slugs: list[str], cases: list[Case]) -> dict[str, list[Prediction]]:
    return {slug: [predict(slug, case) for case in cases] for slug in slugs}


def one_shot_predictor(consultant: Consultant) -> Predictor:
    """The triage's level from the worry alone, before any question is answered."""

    def predict(slug: str, case: Case) -> Prediction:
        a = consultant.assess(slug, case.text, case.age, working_well=case.working_well or "")
        return Prediction(level=a.level.number if a.level else None, in_scope=a.in_scope, danger=a.immediate_danger)

    return predict


def practitioner_answer(case: Case, qualifier: str) -> str:
    """What a practitioner who knows only the case's facts answers: the fact, or "not sure"."""
    if qualifier in case.facts:
        return case.facts[qualifier]
    q = qualifiers()[qualifier]
    return q.unsure.value if q.unsure else q.unsure_means


def consulted_predictor(consultant: Consultant) -> Predictor:
    """The triage after a simulated practitioner answers the questions it asks, one at a time."""

    def predict(slug: str, case: Case) -> Prediction:
        answers: dict[str, str] = {}
        while True:
            a = consultant.assess(slug, case.text, case.age, answers, working_well=case.working_well or "")
            t = a.triage
            if t is None or not t.questions:
                break
            asked = t.questions[0].qualifier
            answers[asked] = practitioner_answer(case, asked)
        return Prediction(
            level=a.level.number if a.level else None,
            in_scope=a.in_scope,
            danger=a.immediate_danger,
            questions=len(answers),
        )

    return predict
