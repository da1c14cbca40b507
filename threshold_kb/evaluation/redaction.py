"""`make eval-redaction`: the redactor on practitioner messages with their personal data marked.

tests/redaction/messages.yml was written for this evaluation, apart from the redactor. A hash of
each id keeps about 30% of it out of all tuning (the held-out part, reported first; its misses are
counted, never listed). Per type:
- recall: an item is caught when every word of it is inside a redacted span (a town the address
  ends with may stay: the assistant reads it for the authority);
- precision: a redacted span is right when it overlaps some marked item (of any type: a school
  taken for a name is still not kept);
- kept: the strings that must survive (the knowledge base's numbers, places, roles, the worry's
  own words) and were redacted all the same.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from threshold_kb.config import PROJECT_ROOT
from threshold_kb.redaction.redactor import PLACEHOLDERS, Redactor, default_redactor

MESSAGES = PROJECT_ROOT / "tests" / "redaction" / "messages.yml"
HELD_OUT_TENTHS = 3
_WORD = re.compile(r"\w+")


def held_out(item_id: str) -> bool:
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 10 < HELD_OUT_TENTHS


@dataclass
class Tally:
    items: Counter = field(default_factory=Counter)
    caught: Counter = field(default_factory=Counter)
    spans: Counter = field(default_factory=Counter)
    right: Counter = field(default_factory=Counter)
    keep: int = 0
    keep_lost: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text)]


def score(items: list[dict], redactor: Redactor, protected: re.Pattern[str]) -> Tally:
    tally = Tally()
    for item in items:
        text = item["text"]
        spans = redactor.redact(text).spans
        marked = [(p["type"], start, end) for p in item["pii"] for start, end in _occurrences(text, p["text"])]
        for kind, start, end in marked:
            tally.items[kind] += 1
            # A protected place inside an address ("..., Dalton-in-Furness") may stay.
            places = [(m.start(), m.end()) for m in protected.finditer(text[start:end])] if kind == "ADDRESS" else []
            words = [w for w in _WORD.finditer(text[start:end]) if not any(a <= w.start() < b for a, b in places)]
            if all(any(s.start <= start + w.start() and start + w.end() <= s.end for s in spans) for w in words):
                tally.caught[kind] += 1
            else:
                tally.misses.append(f"{item['id']} {kind} {text[start:end]!r}")
        for span in spans:
            tally.spans[span.kind] += 1
            if any(span.start < end and start < span.end for _, start, end in marked):
                tally.right[span.kind] += 1
            else:
                tally.wrong.append(f"{item['id']} {span.kind} {span.text!r}")
        for keep in item.get("keep", []):
            for start, end in _occurrences(text, keep):
                tally.keep += 1
                if any(s.start < end and start < s.end for s in spans):
                    tally.keep_lost += 1
                    tally.lost.append(f"{item['id']} {keep!r}")
    return tally


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "n/a"


def table(tally: Tally) -> list[str]:
    lines = ["| type | items | recall | redacted spans | precision |", "|---|---|---|---|---|"]
    for kind in PLACEHOLDERS:
        lines.append(
            f"| {kind} | {tally.items[kind]} | {_pct(tally.caught[kind], tally.items[kind])} | "
            f"{tally.spans[kind]} | {_pct(tally.right[kind], tally.spans[kind])} |"
        )
    total_items, total_spans = sum(tally.items.values()), sum(tally.spans.values())
    lines.append(
        f"| all | {total_items} | {_pct(sum(tally.caught.values()), total_items)} | {total_spans} | "
        f"{_pct(sum(tally.right.values()), total_spans)} |"
    )
    lines += ["", f"Strings that must survive and were redacted: {_pct(tally.keep_lost, tally.keep)}", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m threshold_kb.evaluation.redaction", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "build" / "results" / "redaction")
    args = parser.parse_args(argv)
    items = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    redactor = default_redactor()
    protected = redactor.protected_pattern
    started = time.perf_counter()
    parts = {
        "held-out part (never tuned on)": [i for i in items if held_out(i["id"])],
        "tuning part": [i for i in items if not held_out(i["id"])],
    }
    lines = [
        "# Redaction: personal data in practitioner messages",
        "",
        f"`{MESSAGES.relative_to(PROJECT_ROOT)}`: {len(items)} messages. spaCy: "
        f"{'en_core_web_md 3.7.1' if redactor.uses_spacy else 'not loaded (rules and cues only)'}.",
        "",
    ]
    for title, part in parts.items():
        tally = score(part, redactor, protected)
        lines += [f"## {title}: {len(part)} messages", "", *table(tally)]
        if not title.startswith("held-out"):
            for heading, rows in (
                ("Missed", tally.misses),
                ("Redacted but not personal", tally.wrong),
                ("Lost", tally.lost),
            ):
                if rows:
                    lines += [f"{heading}:", "", *[f"- {r}" for r in rows], ""]
    per_message = (time.perf_counter() - started) / max(1, 2 * len(items)) * 1000
    lines.append(f"About {per_message:.1f} ms a message (scoring included).")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
