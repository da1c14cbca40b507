"""The trained model on the held-out NLU set (tests/nlu/heldout.yml, written apart and never trained
on): intent accuracy, the confusion pairs, worries lost to the fallback, and questions that name an
authority answered for it. Prints a markdown report; `--json` also writes the figures.

    .venv/bin/python scripts/eval_nlu_heldout.py models/thresholds.tar.gz [--out build/results/nlu]

A worry counts as lost when neither the classifier nor the fallback's own check (actions.safety:
a message about a child, long enough to describe something) would start a consultation with it.
Likewise a contact question the classifier missed counts as answered when the fallback's own check
(threshold_kb.answers.question_kind: a named service and a contact word) answers it as the right
kind for the right authority; the classifier's own figure is reported beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path

import yaml

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HELDOUT = Path(__file__).resolve().parent.parent / "tests" / "nlu" / "heldout.yml"
WORRIES = {"describe_worry", "report_danger"}
TO_FALLBACK = {"nlu_fallback", "answer_question", "skip_question"}  # outside a question: the fallback action


def parse_all(model: str, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's parse debug lines would print every message
    agent = Agent.load(model)

    async def run() -> list[dict]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(run())


def authority_of(parsed: dict, text: str, find) -> str | None:
    """As actions.base.resolve_authority: the message's entities first, then its words."""
    named = list(dict.fromkeys(e["value"] for e in parsed.get("entities", []) if e["entity"] == "authority_name"))
    found = [slug for value in named for slug in find(value)] or list(find(text))
    return found[0] if len(found) == 1 else None


def evaluate(cases: list[dict], parsed: list[dict]) -> dict:
    from actions.safety import _a_worry
    from threshold_kb import answers, loader, queries
    from threshold_kb.store.repository import InMemoryRepository

    repo = InMemoryRepository(loader.load_all())

    def find(text: str) -> tuple[str, ...]:
        return (text,) if text in repo.slugs() else tuple(m.slug for m in queries.authority_from_text(repo, text))

    confusions: Counter = Counter()
    per_intent: dict[str, list[int]] = {}
    lost, named_ok, named_total, wrong_named, by_classifier = [], 0, 0, [], 0
    correct = 0
    for case, result in zip(cases, parsed, strict=False):
        want, got = case["intent"], result["intent"]["name"]
        per_intent.setdefault(want, [0, 0])[1] += 1
        if got == want:
            correct += 1
            per_intent[want][0] += 1
        else:
            confusions[(want, got)] += 1
        if want in WORRIES and got not in WORRIES and not (got in TO_FALLBACK and _a_worry(case["text"])):
            lost.append((case["text"], got))
        if want.startswith("ask_") and case.get("authority"):
            named_total += 1
            right_authority = want == "ask_compare" or authority_of(result, case["text"], find) == case["authority"]
            rescued = got in TO_FALLBACK and not _a_worry(case["text"]) and (
                f"ask_{answers.question_kind(case['text'])}" == want
            )
            if got == want and right_authority:
                named_ok += 1
                by_classifier += 1
            elif rescued and right_authority:
                named_ok += 1
            else:
                wrong_named.append((case["text"], got, authority_of(result, case["text"], find)))
    return {
        "messages": len(cases),
        "accuracy": correct / len(cases),
        "per_intent": {k: {"correct": v[0], "total": v[1]} for k, v in sorted(per_intent.items())},
        "confusions": [{"expected": e, "predicted": p, "count": n} for (e, p), n in confusions.most_common()],
        "worries": sum(1 for c in cases if c["intent"] in WORRIES),
        "worries_lost": [{"text": t, "predicted": p} for t, p in lost],
        "named_questions": named_total,
        "named_questions_answered": named_ok,
        "named_questions_answered_by_classifier": by_classifier,
        "named_questions_missed": [{"text": t, "predicted": p, "authority": a} for t, p, a in wrong_named],
    }


def report(figures: dict, model: str) -> str:
    f = figures
    lines = [
        f"# Held-out NLU ({f['messages']} messages, never trained on), model {model}",
        "",
        f"- intent accuracy: **{f['accuracy']:.1%}** ({round(f['accuracy'] * f['messages'])}/{f['messages']})",
        f"- in-scope worries lost to the fallback: **{len(f['worries_lost'])}** of {f['worries']}",
        f"- questions naming an authority answered for it (right intent, right authority): "
        f"**{f['named_questions_answered']}/{f['named_questions']}** "
        f"({f['named_questions_answered_by_classifier']} by the classifier, the rest by the fallback's contact check)",
        "",
        "| intent | correct | total |",
        "|---|---|---|",
        *(f"| {k} | {v['correct']} | {v['total']} |" for k, v in f["per_intent"].items()),
        "",
        "Confusion pairs (expected -> predicted):",
        "",
        *(f"- {c['expected']} -> {c['predicted']}: {c['count']}" for c in f["confusions"]),
    ]
    if f["worries_lost"]:
        lines += ["", "Worries lost:", "", *(f"- {w['text']!r} -> {w['predicted']}" for w in f["worries_lost"])]
    if f["named_questions_missed"]:
        lines += ["", "Questions naming an authority not answered for it:", ""]
        lines += [f"- {q['text']!r} -> {q['predicted']}, {q['authority']}" for q in f["named_questions_missed"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    cases = yaml.safe_load(HELDOUT.read_text())["messages"]
    figures = evaluate(cases, parse_all(args.model, [c["text"] for c in cases]))
    text = report(figures, args.model)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "heldout.md").write_text(text)
        (args.out / "heldout.json").write_text(json.dumps(figures, indent=1))
    print(text)


if __name__ == "__main__":
    main()
