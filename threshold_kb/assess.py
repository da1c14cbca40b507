"""python -m threshold_kb.assess: the engine and recommendation for scripts and reviewers.

  python -m threshold_kb.assess --authority Stoke [--age 8] [--now 2026-11-28T23:00] "worry text"
  python -m threshold_kb.assess --jsonl < cases.jsonl   # {"authority", "text", "age"?, "answers"?} per line

Output is the assistant's recommendation payload (docs/recommendation.schema.json), one JSON
object per worry. `answers` maps triage qualifiers to values ({"harm": "no", "impact": "some"},
docs/triage_qualifiers.md); where the level is still open the payload lists the `questions` to
ask next, in order. The knowledge base and the engine are loaded once.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from threshold_kb import loader, queries
from threshold_kb.clock import LONDON
from threshold_kb.matching.encoder import load_encoder
from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import recommend, to_payload
from threshold_kb.store.repository import InMemoryRepository
from threshold_kb.triage.consult import Consultant
from threshold_kb.triage.qualifiers import qualifiers, valid

MAX_TEXT = 5000  # characters; a worry longer than this is cut, and the output says so


class Assessor:
    def __init__(self) -> None:
        authorities = loader.load_all()
        self.repo = InMemoryRepository(authorities)
        self.engine = Engine(authorities, load_encoder())
        self.consultant = Consultant(self.engine)

    def resolve(self, name: str) -> str | None:
        if name in self.repo.slugs():
            return name
        found = queries.authority_from_text(self.repo, name)
        return found[0].slug if len(found) == 1 else None

    def assess(
        self, authority: str, text: str, age: float | None, now: datetime, answers: Any = None
    ) -> dict[str, Any]:
        answers = answers or {}
        problem = _answers_problem(answers)
        if problem:
            return {"error": problem}
        slug = self.resolve(authority or "")
        if slug is None:
            names = ", ".join(self.repo.get(s).name for s in self.repo.slugs())
            return {"error": f"unknown authority {authority!r}; choose one of: {names}"}
        text = (text or "").strip()
        if not text:
            return {"error": "no worry given: describe what is worrying you about the child"}
        result = to_payload(recommend(self.consultant.assess(slug, text[:MAX_TEXT], age, answers), now))
        if len(text) > MAX_TEXT:
            result["truncated_to"] = MAX_TEXT
        return result


def _answers_problem(answers: Any) -> str | None:
    if not isinstance(answers, dict):
        return "answers must be an object: {qualifier: value}"
    for name, value in answers.items():
        if name not in qualifiers():
            return f"unknown qualifier {name!r}; known: {', '.join(qualifiers())}"
        if not isinstance(value, str) or not valid(name, value):
            allowed = ", ".join(v.value for v in qualifiers()[name].answers)
            return f"{name}: {value!r} is not one of {allowed}"
    return None


def _moment(text: str | None) -> datetime:
    if not text:
        return datetime.now(LONDON)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m threshold_kb.assess", description=__doc__.split("\n\n")[0])
    parser.add_argument("text", nargs="?", help="the worry, in the practitioner's words")
    parser.add_argument("--authority", help="authority name, alias, town or slug")
    parser.add_argument("--age", type=float, help="the child's age in years, if known")
    parser.add_argument("--now", help="ISO date-time (Europe/London) to judge in/out of hours; default now")
    parser.add_argument("--jsonl", action="store_true", help="read JSON lines on stdin, write one result a line")
    args = parser.parse_args(argv)
    assessor, now = Assessor(), _moment(args.now)

    if args.jsonl:
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
                result = assessor.assess(
                    case.get("authority", ""), case.get("text", ""), case.get("age"), now, case.get("answers")
                )
            except (json.JSONDecodeError, AttributeError) as exc:
                result = {"error": f"line {number}: not a JSON object: {exc}"}
            print(json.dumps(result, ensure_ascii=False), flush=True)
        return 0

    if not args.authority:
        parser.error("--authority is required (or use --jsonl)")
    result = assessor.assess(args.authority, args.text or "", args.age, now)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 1 if "error" in result else 0


if __name__ == "__main__":
    raise SystemExit(main())
