"""Each authority's triage rules, as data (rules/<slug>.yml), quoted from its own document.

A rules file holds:
- `red_flags`: the kinds of worry the document says always need children's social care (a
  disclosure, FGM, a suspicious injury to a baby...), each with the indicator that says so, or
  none, in which case the statutory level's own definition is quoted;
- `rules`: an ordered list, most severe first. The first rule whose conditions all hold places the
  worry at its level. Conditions name qualifier values (qualifiers.yml); the last rule has none.
  Each rule quotes the document's words for that level (`quote`, found verbatim in the source).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from threshold_kb import model as m
from threshold_kb.triage.qualifiers import qualifiers

RULES_DIR = Path(__file__).with_name("rules")


class RulesError(ValueError):
    """A rules file names something that does not exist."""


@dataclass(frozen=True)
class Rule:
    id: str
    when: tuple[tuple[str, frozenset[str]], ...]  # (qualifier, values it may take)
    level: int
    quote: str
    cite: m.Citation

    def holds(self, facts: dict[str, str]) -> bool:
        return all(facts.get(name) in values for name, values in self.when)


@dataclass(frozen=True)
class RedFlagRule:
    kind: str
    quote: str
    cite: m.Citation
    level: int


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per authority, cached
class AuthorityRules:
    slug: str
    statutory: int
    rules: tuple[Rule, ...]
    red_flags: dict[str, RedFlagRule]

    def place(self, facts: dict[str, str]) -> Rule:
        """The first rule that holds for complete facts."""
        return next(rule for rule in self.rules if rule.holds(facts))


def _statutory(authority: m.Authority) -> m.Level:
    return min((lv for lv in authority.levels if lv.statutory), key=lambda lv: lv.number)


def _rule(authority: m.Authority, number: int, entry: dict) -> Rule:
    known = qualifiers()
    when = []
    for name, values in (entry.get("when") or {}).items():
        if name not in known:
            raise RulesError(f"{authority.slug} rule {number}: unknown qualifier {name!r}")
        values = [str(v) for v in (values if isinstance(values, list) else [values])]
        bad = set(values) - set(known[name].concrete)
        if bad:
            raise RulesError(f"{authority.slug} rule {number}: {name} has no value {sorted(bad)}")
        when.append((name, frozenset(values)))
    level = authority.level(int(entry["level"]))
    indicator = entry.get("indicator")
    if indicator:
        found = next((i for i in authority.indicators if i.id == indicator), None)
        if found is None:
            raise RulesError(f"{authority.slug} rule {number}: no indicator {indicator}")
        quote, cite = found.text, found.cite
    else:
        quote = entry.get("quote") or level.definition
        cite = m.Citation(
            authority.slug,
            authority.document.title,
            entry.get("section") or level.cite.section,
            level.cite.table,
            level.number,
        )
    return Rule(entry.get("id") or f"{authority.slug}.rule.{number:02d}", tuple(when), level.number, quote, cite)


def _red_flag(authority: m.Authority, kind: str, indicator: str | None) -> RedFlagRule:
    statutory = _statutory(authority)
    if indicator is None:
        return RedFlagRule(kind, statutory.definition, statutory.cite, statutory.number)
    found = next((i for i in authority.indicators if i.id == indicator), None)
    if found is None:
        raise RulesError(f"{authority.slug} red flag {kind}: no indicator {indicator}")
    return RedFlagRule(kind, found.text, found.cite, max(found.level, statutory.number))


def load_rules(authority: m.Authority, directory: Path = RULES_DIR) -> AuthorityRules:
    path = directory / f"{authority.slug}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = tuple(_rule(authority, n, entry) for n, entry in enumerate(data["rules"], 1))
    if rules[-1].when:
        raise RulesError(f"{path.name}: the last rule must have no conditions, so every worry is placed")
    kinds = red_flag_kinds()
    flags = data.get("red_flags") or {}
    unknown = set(flags) - set(kinds)
    if unknown:
        raise RulesError(f"{path.name}: unknown red flag kinds {sorted(unknown)}")
    return AuthorityRules(
        slug=authority.slug,
        statutory=_statutory(authority).number,
        rules=rules,
        red_flags={kind: _red_flag(authority, kind, flags.get(kind)) for kind in kinds},
    )


@lru_cache(maxsize=1)
def red_flag_kinds() -> tuple[str, ...]:
    data = yaml.safe_load(Path(__file__).with_name("red_flags.yml").read_text(encoding="utf-8"))
    return tuple(data["kinds"])


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(Path(__file__).with_name("settings.yml").read_text(encoding="utf-8"))
