"""The triage qualifiers (qualifiers.yml): their questions, values, and typed answers to them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

NOT_SURE = "not_sure"


@dataclass(frozen=True)
class Value:
    value: str
    title: str
    change: str | None = None  # "if <change>": how "what would change the level" names it


@dataclass(frozen=True)
class Qualifier:
    name: str
    text: str
    values: tuple[Value, ...]  # concrete values, least risk first
    unsure: Value | None  # "not sure", where the question offers it
    unsure_means: str | None = None  # what a typed "not sure" means where there is no such button

    @property
    def concrete(self) -> tuple[str, ...]:
        return tuple(v.value for v in self.values)

    @property
    def answers(self) -> tuple[Value, ...]:
        """What a practitioner may answer, in button order."""
        return (*self.values, self.unsure) if self.unsure else self.values

    def value(self, name: str) -> Value:
        return next(v for v in self.answers if v.value == name)

    def risk(self, value: str) -> int:
        return self.concrete.index(value)


@lru_cache(maxsize=1)
def qualifiers() -> dict[str, Qualifier]:
    data = yaml.safe_load(Path(__file__).with_name("qualifiers.yml").read_text(encoding="utf-8"))
    out = {}
    for q in data["qualifiers"]:
        unsure = q.get("unsure")
        out[q["name"]] = Qualifier(
            name=q["name"],
            text=q["text"],
            values=tuple(Value(**v) for v in q["values"]),
            unsure=Value(**unsure) if unsure else None,
            unsure_means=q.get("unsure_means"),
        )
    return out


def valid(name: str, value: str) -> bool:
    q = qualifiers().get(name)
    return q is not None and value in {v.value for v in q.answers}


# Typed answers. Short replies only: a longer reply is read like a worry (reading.py).
_UNSURE = re.compile(
    r"^\W*(not sure|unsure|don'?t know|dont know|dunno|no idea|not certain|can'?t say|maybe|possibly|\?)\W*$"
)
_YES = re.compile(r"^\W*(yes|yeah|yep|yup|y|correct|they are|he has|she has|they have|it has)\b")
_NO = re.compile(r"^\W*(no|nope|nah|n|not really|none|never|they aren'?t|they are not|not at all)\b")
_BY_QUALIFIER = {
    "harm": {"yes": _YES, "no": _NO},
    "carers": {"engaging": _YES, "not_engaging": _NO},
    "support": {"none_yet": re.compile(r"^\W*(no|not yet|nothing|none|nope)\b")},
}


def parse_answer(name: str, text: str) -> str | None:
    """A typed or clicked answer to one question: its value, or None if it cannot be read."""
    q = qualifiers()[name]
    said = " ".join(text.lower().replace("_", " ").split())
    for v in q.answers:
        if said in (v.value.replace("_", " "), v.title.lower()) or said == f"/{v.value}":
            return v.value
    if _UNSURE.match(said):
        return q.unsure.value if q.unsure else q.unsure_means
    for value, pattern in _BY_QUALIFIER.get(name, {}).items():
        if pattern.match(said):
            return value
    from threshold_kb.triage.reading import read  # a sentence: read it as the worry is read

    return read(text).get(name)
