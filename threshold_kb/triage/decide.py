"""Triage: from a worry (and any answers) to a level, the questions still worth asking, and what
would change the level; the way a consultation line or NHS Pathways decides, by asking.

1. Danger now, or a red flag the document says always needs children's social care, decides at
   once at the statutory level: no questions.
2. Otherwise the qualifiers (qualifiers.yml) are read from the worry (reading.py), and answers
   override what was read. The authority's ordered rules (rules/<slug>.yml) place the worry.
3. Qualifiers still unknown leave a range of levels: every way they could be answered is tried.
   When the range is one level the worry is decided. Otherwise the questions that narrow it most
   are asked, at most `max_questions`; "not sure" counts as the riskiest value.
4. Until then the suggested level presumes the ordinary answer for what was not said
   (settings.yml); after the last question, a range that remains is given honestly, and a higher
   level within it is kept only where the worry matched the document's own words at that level.
   If the practitioner stops the questions ("just tell me"), the top of the range is given, with
   the range, and the designated safeguarding lead decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from threshold_kb.triage.qualifiers import NOT_SURE, qualifiers
from threshold_kb.triage.reading import read
from threshold_kb.triage.red_flags import RedFlag, red_flags
from threshold_kb.triage.rules import AuthorityRules, RedFlagRule, Rule, settings


@dataclass(frozen=True)
class Question:
    qualifier: str
    text: str
    answers: tuple[tuple[str, str], ...]  # (value, button title)


@dataclass(frozen=True)
class Change:
    qualifier: str
    value: str
    phrase: str  # "the parents stop working with you"
    level: int
    rule: Rule


@dataclass(frozen=True)
class Triage:
    level: int  # the suggested level, in the authority's numbering
    low: int  # the range the answers so far leave open
    high: int
    decided: bool  # one level whatever is still unknown (or decided by danger or a red flag)
    rule: Rule | None  # the document's words for the suggested level
    red_flag: RedFlagRule | None
    red_flag_words: RedFlag | None
    danger: bool
    questions: tuple[Question, ...]  # still worth asking, in order; empty when decided
    facts: dict[str, str] = field(default_factory=dict)  # qualifier values used: read or answered
    read: dict[str, str] = field(default_factory=dict)  # what the worry itself said
    asked: tuple[str, ...] = ()  # qualifiers answered by the practitioner
    changes: tuple[Change, ...] = ()  # what would move the level, up first
    range_kept_high: bool = False  # doubt remained and the document's words supported the top


def _concrete(name: str, value: str | None) -> tuple[str, ...]:
    """The values an answer leaves possible: all of them when unknown or not sure."""
    q = qualifiers()[name]
    if value is None or value == NOT_SURE:
        return q.concrete
    return (value,)


def _levels(rules: AuthorityRules, facts: dict[str, str | None]) -> set[int]:
    """Every level the facts still allow: each way the unknown qualifiers could be answered."""
    names = tuple(qualifiers())
    return _levels_of(rules, tuple(facts.get(n) for n in names))


@lru_cache(maxsize=8192)
def _levels_of(rules: AuthorityRules, known: tuple[str | None, ...]) -> frozenset[int]:
    names = tuple(qualifiers())
    table = _table(rules)
    options = [_concrete(n, v) for n, v in zip(names, known, strict=True)]
    return frozenset(table[combo] for combo in product(*options))


@lru_cache(maxsize=16)
def _table(rules: AuthorityRules) -> dict[tuple[str, ...], int]:
    """The level of every complete set of answers, placed once per authority."""
    names = tuple(qualifiers())
    every = product(*(qualifiers()[n].concrete for n in names))
    return {combo: rules.place(dict(zip(names, combo, strict=True))).level for combo in every}


def _presumed(facts: dict[str, str], answered_unsure: set[str]) -> dict[str, str]:
    """Complete facts: what is known, the riskiest value for "not sure", the presumption otherwise."""
    presume = settings()["presume"]
    out = {}
    for name, q in qualifiers().items():
        value = facts.get(name)
        if value == NOT_SURE or name in answered_unsure:
            out[name] = q.concrete[-1]
        elif value is None:
            out[name] = presume[name]
        else:
            out[name] = value
    return out


def _questions(rules: AuthorityRules, facts: dict[str, str | None], limit: int) -> tuple[Question, ...]:
    """The qualifiers whose answer would narrow the range most, best first (ties: severity order)."""
    open_names = [n for n in qualifiers() if facts.get(n) is None]
    scored = []
    for order, name in enumerate(open_names):
        outcomes = [_levels(rules, {**facts, name: v}) for v in qualifiers()[name].concrete]
        widths = [max(levels) - min(levels) for levels in outcomes]
        if len(set(outcomes)) > 1:  # the answer changes what is possible
            scored.append((sum(widths) / len(widths), order, name))
    chosen = [name for _, _, name in sorted(scored)][:limit]
    return tuple(
        Question(name, qualifiers()[name].text, tuple((v.value, v.title) for v in qualifiers()[name].answers))
        for name in chosen
    )


def _changes(rules: AuthorityRules, complete: dict[str, str], level: int) -> tuple[Change, ...]:
    """One answer different from today's that would move the level: the nearest up, then down."""
    up, down = [], []
    for name, q in qualifiers().items():
        for value in q.values:
            if value.value == complete[name]:
                continue
            rule = rules.place({**complete, name: value.value})
            if rule.level != level:
                change = Change(name, value.value, value.change or value.title, rule.level, rule)
                (up if rule.level > level else down).append(change)
    up.sort(key=lambda c: c.level)
    down.sort(key=lambda c: -c.level)
    return tuple(up[:1] + down[:1])


def triage(
    rules: AuthorityRules,
    text: str,
    answers: dict[str, str] | None = None,
    danger: bool = False,
    supported_levels: frozenset[int] = frozenset(),
    stop_asking: bool = False,
) -> Triage:
    """`answers` are the practitioner's (qualifier -> value); `danger` is the danger detector's
    verdict on the same words; `supported_levels` are the levels at which the worry matched the
    document's own indicators strongly (the engine's evidence), used only to keep the top of a
    range that the questions could not close. `stop_asking`: the practitioner asked for the answer
    now ("skip the rest"), so no more questions; a range that remains is given as such."""
    answers = {k: v for k, v in (answers or {}).items() if k in qualifiers()}
    said = read(text)
    # What the worry says counts as answered only for qualifiers read reliably (settings.yml); the
    # rest presume the value read for the answer given now, and are still asked if they decide.
    trusted = set(settings()["read_as_answer"])
    facts: dict[str, str] = {**{k: v for k, v in said.items() if k in trusted}, **answers}
    hints = {k: v for k, v in said.items() if k not in trusted and k not in answers}
    flags = red_flags(text)
    if danger or flags:
        flag = rules.red_flags[flags[0].kind] if flags else None
        level = max(rules.statutory, flag.level if flag else 0)
        rule = rules.place({**_presumed(facts, set()), "harm": "yes"})
        return Triage(
            level, level, level, True, rule, flag, flags[0] if flags else None, danger, (), facts, said, tuple(answers)
        )

    unsure = {n for n, v in answers.items() if v == NOT_SURE}
    # "Not sure" counts as the riskiest value; what is still unknown is every value.
    known = {n: (qualifiers()[n].concrete[-1] if n in unsure else v) for n, v in facts.items()}
    levels = _levels(rules, known)
    low, high = min(levels), max(levels)
    remaining = 0 if stop_asking else settings()["max_questions"] - len(answers)
    questions = _questions(rules, known, remaining) if low != high and remaining > 0 else ()
    complete = _presumed({**hints, **facts}, unsure)
    rule = rules.place(complete)
    level, kept_high = rule.level, False
    # Where the answers still leave a range, the worry matching the document's own words at a higher
    # level within it keeps that level (never above what the answers allow), and says so.
    backed = [lv for lv in supported_levels if low <= lv <= high and lv > level]
    if backed and not questions:
        level, kept_high = max(backed), True
        rule = next(r for r in rules.rules if r.level == level)
    if stop_asking and low != high and level < high:
        # The practitioner stopped the questions: what they did not answer counts on the side of risk.
        level, kept_high = high, True
        rule = next(r for r in rules.rules if r.level == high)
    if level < low:  # the presumption cannot go below what the answers already require
        level = low
        rule = next(r for r in rules.rules if r.level == low)
    return Triage(
        level=level,
        low=low,
        high=high,
        decided=low == high,
        rule=rule,
        red_flag=None,
        red_flag_words=None,
        danger=False,
        questions=questions,
        facts=facts,
        read=said,
        asked=tuple(answers),
        changes=_changes(rules, complete, level) if low == high or not questions else (),
        range_kept_high=kept_high,
    )
