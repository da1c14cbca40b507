"""The evaluation as markdown: per-authority tables for the engine, its ablations and the baseline."""

from __future__ import annotations

from collections import defaultdict

from threshold_kb.evaluation.devset import Case
from threshold_kb.evaluation.metrics import TARGETS, Prediction, Scores, misses_targets


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def table(title: str, scores: dict[str, Scores], names: dict[str, str], targets: bool) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| authority | cases | exact | within one | under-triage | over-triage | statutory recall | danger recall | "
        "out-of-scope precision (flagged) | unclassified |" + (" targets |" if targets else ""),
        "|---|---|---|---|---|---|---|---|---|---|" + ("---|" if targets else ""),
    ]
    for slug, s in scores.items():
        row = (
            f"| {names[slug]} | {s.cases} | {_pct(s.exact)} | {_pct(s.within_one)} | {_pct(s.under_triage)} | "
            f"{_pct(s.over_triage)} | "
            f"{_pct(s.statutory_recall)} ({s.statutory_cases}) | {_pct(s.danger_recall)} ({s.danger_cases}) | "
            f"{_pct(s.out_of_scope_precision)} ({s.flagged_out_of_scope}) | {s.unclassified} |"
        )
        if targets:
            misses = misses_targets(s)
            row += " met |" if not misses else f" missed: {', '.join(misses)} |"
        lines.append(row)
    return lines + [""]


def precaution(predictions: dict[str, list[Prediction]], names: dict[str, str]) -> list[str]:
    """How often the suggested level is a precaution, the top of a range the words fit."""
    lines = ["| authority | messages given a level | of which as a precaution |", "|---|---|---|"]
    for slug, preds in predictions.items():
        placed = [p for p in preds if p.level is not None]
        shown = sum(p.precautionary for p in placed)
        lines.append(f"| {names[slug]} | {len(placed)} | {shown} ({_pct(shown / len(placed) if placed else None)}) |")
    return lines + [""]


def by_kind(cases: list[Case], predictions: dict[str, list[Prediction]]) -> list[str]:
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for slug, preds in predictions.items():
        for case, p in zip(cases, preds, strict=True):
            if slug in case.expected:
                hits[case.kind][0] += p.level == case.expected[slug]
                hits[case.kind][1] += 1
    lines = ["| kind of case | (case, authority) pairs | exact |", "|---|---|---|"]
    lines += [f"| {k} | {n} | {h / n:.1%} |" for k, (h, n) in sorted(hits.items())]
    return lines + [""]


def wrong_cases(cases: list[Case], predictions: dict[str, list[Prediction]], names: dict[str, str]) -> list[str]:
    lines = ["| case | authority | expected | suggested | kind | text |", "|---|---|---|---|---|---|"]
    for slug, preds in predictions.items():
        for case, p in zip(cases, preds, strict=True):
            if slug not in case.expected or p.level == case.expected[slug]:
                continue
            said = "out of scope" if not p.in_scope else ("unclassified" if p.level is None else str(p.level))
            text = case.text.replace("\n", " ").replace("|", "/")
            text = text if len(text) <= 90 else text[:87] + "..."
            lines.append(f"| {case.id} | {names[slug]} | {case.expected[slug]} | {said} | {case.kind} | {text} |")
    return lines + [""]


def definitions() -> list[str]:
    return [
        "Definitions: *exact* counts an unclassified worry as wrong; *under-triage* is a suggested level below "
        "the expected one, or a real worry called out of scope (an unclassified worry is not under-triage: "
        "the assistant then names the designated safeguarding lead and the front door, as for a statutory "
        "worry); *over-triage* is a suggested level above the expected one; *statutory recall* is the share "
        "of worries expected at the statutory level suggested at it; "
        "*danger recall* is the share of 'in danger now' messages flagged; *out-of-scope precision* is the "
        "share of messages called out of scope that were (the count flagged in brackets).",
        f"Targets per authority: statutory recall {TARGETS['statutory_recall']:.0%}, danger recall "
        f"{TARGETS['danger_recall']:.0%}, under-triage at most {TARGETS['under_triage_max']:.0%}, exact at least "
        f"{TARGETS['exact']:.0%}.",
        "",
    ]


def triage_table(
    title: str,
    cases: list[Case],
    predictions: dict[str, list[Prediction]],
    names: dict[str, str],
    statutory: dict[str, int],
) -> list[str]:
    """The triage's figures per authority, with the shares that show whether the level informs:
    below-statutory worries sent to the statutory level, and the statutory share against the labels'."""
    lines = [
        f"### {title}",
        "",
        "| authority | cases | exact | within one | under-triage | statutory recall | danger recall | "
        "below-statutory placed statutory | statutory share (labels) | questions median / max |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for slug, preds in predictions.items():
        s = triage_scores(cases, preds, slug, statutory[slug])
        lines.append(
            f"| {names[slug]} | {s['cases']} | {_pct(s['exact'])} | {_pct(s['within_one'])} | "
            f"{_pct(s['under_triage'])} | {_pct(s['statutory_recall'])} | {_pct(s['danger_recall'])} | "
            f"{_pct(s['below_placed_statutory'])} | {_pct(s['statutory_share'])} ({_pct(s['labels_statutory_share'])}) "
            f"| {s['questions_median']:g} / {s['questions_max']} |"
        )
    return lines + [""]


def triage_scores(cases: list[Case], preds: list[Prediction], slug: str, statutory: int) -> dict:
    from statistics import median

    from threshold_kb.evaluation.metrics import score

    s = score(cases, preds, slug, statutory)
    labelled = [(c, p) for c, p in zip(cases, preds, strict=True) if slug in c.expected]
    below = [(c, p) for c, p in labelled if c.expected[slug] < statutory]
    at_statutory = sum(p.level is not None and p.level >= statutory for _, p in labelled)
    questions = [p.questions for _, p in labelled] or [0]
    return {
        "cases": s.cases,
        "exact": s.exact,
        "within_one": s.within_one,
        "under_triage": s.under_triage,
        "statutory_recall": s.statutory_recall,
        "danger_recall": s.danger_recall,
        "below_placed_statutory": sum(p.level is not None and p.level >= statutory for _, p in below) / len(below)
        if below
        else 0.0,
        "statutory_share": at_statutory / len(labelled) if labelled else 0.0,
        "labels_statutory_share": sum(c.expected[slug] >= statutory for c, _ in labelled) / len(labelled)
        if labelled
        else 0.0,
        "questions_median": float(median(questions)),
        "questions_max": max(questions),
    }
