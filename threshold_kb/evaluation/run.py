"""Runs a predictor over the development set: one Prediction per (authority, case)."""

from __future__ import annotations

from collections.abc import Callable

from threshold_kb.evaluation.devset import Case
from threshold_kb.evaluation.metrics import Prediction
from threshold_kb.matching.engine import Engine

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
