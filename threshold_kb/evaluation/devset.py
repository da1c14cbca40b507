"""The labelled development set (tests/devset/): cases written from the five documents, and one
expected level per authority for each, labelled from that authority's own document.

`cases_*.yml` hold the cases (text, optional age and "what's working well", whether the child
may be in danger now, the indicator it was written from); `labels_<slug>.yml` hold one
authority's expected level for every in-scope case, with the indicator or section relied on.
Out-of-scope cases have no level anywhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from threshold_kb.config import PROJECT_ROOT

DEVSET_DIR = PROJECT_ROOT / "tests" / "devset"
OUT_OF_SCOPE = "out_of_scope"
HELD_OUT_TENTHS = 3  # about 30% of cases, chosen by a hash of the id, never used for tuning


def held_out(case_id: str) -> bool:
    """The part of the development set kept out of all tuning (rules, patterns, presumptions)."""
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % 10 < HELD_OUT_TENTHS


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    text: str
    danger: bool
    age: float | None = None
    working_well: str | None = None
    source: dict = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)  # authority slug -> level
    because: dict[str, str] = field(default_factory=dict)
    # What the practitioner would answer to each triage qualifier (facts_*.yml); absent = unknown
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def held_out(self) -> bool:
        return held_out(self.id)

    @property
    def in_scope(self) -> bool:
        return self.kind != OUT_OF_SCOPE


class DevSetError(ValueError):
    """The development set is incomplete or inconsistent."""


def _fact(value: object) -> str:
    """YAML reads a bare yes/no as a boolean."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def load(directory: Path = DEVSET_DIR, slugs: tuple[str, ...] | None = None) -> list[Case]:
    """Every case with its expected levels. Raises DevSetError when a label is missing."""
    raw = [case for path in sorted(directory.glob("cases_*.yml")) for case in yaml.safe_load(path.read_text())]
    ids = [c["id"] for c in raw]
    if len(ids) != len(set(ids)):
        raise DevSetError("duplicate case ids: " + ", ".join(sorted({i for i in ids if ids.count(i) > 1})))
    labels = {
        path.stem.removeprefix("labels_"): yaml.safe_load(path.read_text()) or {}
        for path in sorted(directory.glob("labels_*.yml"))
    }
    if slugs is not None:
        missing = sorted(set(slugs) - labels.keys())
        if missing:
            raise DevSetError(f"no labels file for {', '.join(missing)}")
    facts: dict[str, dict] = {}
    for path in sorted(directory.glob("facts_*.yml")):
        facts.update(yaml.safe_load(path.read_text()) or {})
    cases = []
    for entry in raw:
        in_scope = entry["kind"] != OUT_OF_SCOPE
        expected, because = {}, {}
        for slug, table in labels.items():
            label = table.get(entry["id"])
            if in_scope and label is None:
                raise DevSetError(f"{entry['id']} has no {slug} label")
            if not in_scope and label is not None:
                raise DevSetError(f"{entry['id']} is out of scope but has a {slug} label")
            if label is not None:
                expected[slug] = int(label["level"])
                because[slug] = str(label.get("because", ""))
        cases.append(
            Case(
                id=entry["id"],
                kind=entry["kind"],
                text=str(entry["text"]).strip(),
                danger=bool(entry.get("danger", False)),
                age=entry.get("age"),
                working_well=entry.get("working_well"),
                source=entry.get("source") or {},
                expected=expected,
                because=because,
                facts={k: _fact(v) for k, v in (facts.get(entry["id"]) or {}).items()},
            )
        )
    return cases
