"""make eval: the triage on the development set (held-out part apart), the danger and red-flag
detectors on held-out wordings, and today's engine beside its ablations and a BM25 baseline.

  python -m threshold_kb.evaluation [--out build/results/engine] [--check]

Writes report.md (and scores.json) and prints the report. With --check, exits 1 when the engine
misses a target for any authority.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, replace
from pathlib import Path

from threshold_kb import loader
from threshold_kb.config import PROJECT_ROOT
from threshold_kb.evaluation import devset, report
from threshold_kb.evaluation.baseline import Baseline
from threshold_kb.evaluation.metrics import Scores, misses_targets, score
from threshold_kb.evaluation.run import (
    consulted_predictor,
    engine_predictor,
    one_shot_predictor,
    predict_all,
)
from threshold_kb.evaluation.safety import safety_lines
from threshold_kb.matching.encoder import load_encoder
from threshold_kb.matching.engine import Engine
from threshold_kb.triage.consult import Consultant


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m threshold_kb.evaluation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "build" / "results" / "engine")
    parser.add_argument("--devset", type=Path, default=devset.DEVSET_DIR)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    authorities = loader.load_all()
    slugs = [a.slug for a in authorities]
    names = {a.slug: a.name for a in authorities}
    statutory = {a.slug: min(lv.number for lv in a.levels if lv.statutory) for a in authorities}
    cases = devset.load(args.devset, tuple(slugs))
    encoder = load_encoder()
    engine = Engine(authorities, encoder)

    def scores_of(predictions) -> dict[str, Scores]:
        return {slug: score(cases, predictions[slug], slug, statutory[slug]) for slug in slugs}

    runs = {"engine": predict_all(engine_predictor(engine), slugs, cases)}
    lowest = "the lowest level the words fit, without the precaution (not what the assistant says)"
    runs[lowest] = predict_all(engine_predictor(engine, lowest=True), slugs, cases)
    baseline = Baseline(authorities)
    runs["baseline"] = predict_all(lambda slug, c: baseline.predict(slug, c.text, c.age, c.working_well), slugs, cases)
    if encoder is not None:
        words_only = Engine(authorities, None, engine.params)
        runs["words only (no encoder)"] = predict_all(engine_predictor(words_only), slugs, cases)
        blend = engine.with_params(replace(engine.params, semantic_weight=0.7))
        runs["70% meaning + 30% words"] = predict_all(engine_predictor(blend), slugs, cases)
    scores = {name: scores_of(predictions) for name, predictions in runs.items()}

    consultant = Consultant(engine)
    triage_lines = []
    for part, chosen in (("held-out part (never tuned on)", [c for c in cases if c.held_out]),
                         ("tuning part", [c for c in cases if not c.held_out])):
        triage_lines += [f"## Triage, {part}: {len(chosen)} cases ({sum(c.in_scope for c in chosen)} in scope)", ""]
        for title, predictor in (
            ("Consulted: a simulated practitioner answers only the questions asked, from the case's facts",
             consulted_predictor(consultant)),
            ("One-shot: the worry alone, no answers", one_shot_predictor(consultant)),
            ("Baseline: today's engine (over-triage margin)", engine_predictor(engine)),
        ):
            triage_lines += report.triage_table(title, chosen, predict_all(predictor, slugs, chosen), names, statutory)
    triage_lines += safety_lines(engine, consultant, args.devset)

    kinds = sorted({c.kind for c in cases})
    lines = [
        "# Threshold triage and engine evaluation",
        "",
        "Facts a practitioner would give for each case (`tests/devset/facts_*.yml`) were written from the case "
        "text alone, blind to the labels. The held-out part (a hash of the case id, about 30%) was never used to "
        "choose rules, patterns or presumptions.",
        "",
        *triage_lines,
        "# Today's engine (the baseline) in detail",
        "",
        f"Development set: {len(cases)} cases ({sum(c.in_scope for c in cases)} in scope, "
        f"{sum(not c.in_scope for c in cases)} out of scope, {sum(c.danger for c in cases)} in danger now), "
        f"kinds: {', '.join(kinds)}. Expected levels per authority from `tests/devset/labels_*.yml`.",
        f"Engine: {'sentence encoder + words' if encoder else 'words only (encoder unavailable)'}; "
        f"parameters {asdict(engine.params)}.",
        "",
        *report.definitions(),
        "## Per authority",
        "",
        *report.table("Engine", scores["engine"], names, targets=True),
        *report.table("Baseline: BM25 over each document's own text", scores["baseline"], names, targets=True),
    ]
    lines += [
        "### Precaution",
        "",
        "When the words fit a range of levels and only the engine's margin chose the higher, the level is "
        "*precautionary*: the assistant says so, gives the range, and asks that it is not lowered without "
        "the designated safeguarding lead.",
        "",
        *report.precaution(runs["engine"], names),
    ]
    for name in runs:
        if name not in ("engine", "baseline"):
            lines += report.table(f"Ablation: {name}", scores[name], names, targets=True)
    lines += ["## Engine exact level by kind of case", "", *report.by_kind(cases, runs["engine"])]
    lines += [
        "## Engine: every case not placed at the expected level",
        "",
        *report.wrong_cases(cases, runs["engine"], names),
    ]
    lines += [f"Run took {time.perf_counter() - started:.0f}s.", ""]
    text = "\n".join(lines)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(text, encoding="utf-8")
    (args.out / "scores.json").write_text(
        json.dumps({name: {s: asdict(v) for s, v in sc.items()} for name, sc in scores.items()}, indent=1)
    )
    print(text)
    missed = {slug: misses_targets(s) for slug, s in scores["engine"].items() if misses_targets(s)}
    if args.check and missed:
        print("targets missed:", json.dumps(missed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
