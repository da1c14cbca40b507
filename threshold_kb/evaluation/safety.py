"""The danger and red-flag detectors on wordings no pattern was written from.

`tests/devset/heldout_safety.yml` was written apart from the patterns and training sentences, and
is never trained on. Its misses were shown in earlier reports, so `heldout_safety_2.yml` was written
later, blind to everything the detector holds, and is reported first: it is the clean figure (the
danger model's recall target was lowered from 90% to 85% after both sets' false alarms were seen).
`tuning_safety.yml` is part of the danger model's training data (danger_model.py). Each item says
whether a child may be in danger now and which red flag, if any, it raises.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from threshold_kb.matching.danger import danger_signals
from threshold_kb.matching.engine import Engine
from threshold_kb.triage.consult import Consultant
from threshold_kb.triage.red_flags import red_flags


def _pct(hits: int, total: int) -> str:
    return f"{hits / total:.1%} ({hits}/{total})" if total else "n/a"


def safety_lines(engine: Engine, consultant: Consultant, devset: Path) -> list[str]:
    lines = ["## Danger now and red flags, on wordings no pattern was written from", ""]
    for name in ("heldout_safety_2.yml", "heldout_safety.yml", "tuning_safety.yml"):
        path = devset / name
        if not path.is_file():
            continue
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        danger = [bool(engine.danger.signals(i["text"])) for i in items]
        patterns_only = [bool(danger_signals(i["text"])) for i in items]
        flags = [{f.kind for f in red_flags(i["text"])} for i in items]
        statutory_at_once = []
        for item in items:
            a = consultant.assess("stoke_on_trent", item["text"])
            statutory_at_once.append(bool(a.triage and a.triage.decided and a.level and a.level.statutory))
        is_danger = [bool(i.get("danger")) for i in items]
        flagged = [bool(i.get("red_flag")) for i in items]
        urgent = [d or f for d, f in zip(is_danger, flagged, strict=True)]
        n_pos, n_neg = sum(is_danger), len(items) - sum(is_danger)
        lines += [
            f"### {name} ({len(items)} messages)",
            "",
            "| measure | value |",
            "|---|---|",
            f"| danger recall (patterns and meaning) | {_pct(_both(danger, is_danger), n_pos)} |",
            f"| danger recall (patterns alone) | {_pct(_both(patterns_only, is_danger), n_pos)} |",
            f"| false 999 on messages not in danger | {_pct(_both(danger, [not t for t in is_danger]), n_neg)} |",
            f"| red flag or danger found, where one is present | "
            f"{_pct(sum((d or bool(f)) and u for d, f, u in zip(danger, flags, urgent, strict=False)), sum(urgent))} |",
            f"| red flag raised on a near miss (no flag, no danger) | "
            f"{_pct(sum(bool(f) and not u for f, u in zip(flags, urgent, strict=False)), len(items) - sum(urgent))} |",
            f"| decided statutory at once (Stoke), where danger or a flag is present | "
            f"{_pct(sum(s and u for s, u in zip(statutory_at_once, urgent, strict=False)), sum(urgent))} |",
            "",
        ]
        kinds = Counter(i["red_flag"] for i in items if i.get("red_flag"))
        if kinds:
            lines += [
                "| red flag kind | messages | this kind found | any red flag or danger found |",
                "|---|---|---|---|",
            ]
            for kind, total in sorted(kinds.items()):
                rows = [(i, f, d) for i, f, d in zip(items, flags, danger, strict=False) if i.get("red_flag") == kind]
                lines.append(
                    f"| {kind} | {total} | {_pct(sum(kind in f for _, f, _ in rows), total)} | "
                    f"{_pct(sum(bool(f) or d for _, f, d in rows), total)} |"
                )
            lines.append("")
        missed = [i for i, d, f, u in zip(items, danger, flags, urgent, strict=False) if u and not d and not f]
        if missed:
            lines += ["Missed (neither danger nor any red flag found):", ""]
            lines += [f"- {i['id']}: {i['text'][:140]}" for i in missed]
            lines.append("")
    return lines


def _both(a: list[bool], b: list[bool]) -> int:
    return sum(x and y for x, y in zip(a, b, strict=True))
