"""The threshold engine: a worry and an authority in; ranked indicators, a suggested level with
its confidence, the close alternative, and whether the child may be in danger now, out.

How a worry is read:
- it is cut into units: the whole worry and each clause, so that one serious sentence among
  ordinary ones is judged on its own ("mixed" worries take the level of their worst part);
- negated words are dropped from every unit ("no bruises"); slang is expanded (lexicon.yml);
- each unit is scored against every indicator twice: by words (the IDF-weighted share of the
  indicator's own terms the unit affirms) and by meaning (cosine similarity of sentence
  embeddings, encoder.py). The two are blended (`Params`, chosen on the development set with
  `make eval`);
- an indicator whose own text states an age the child is outside of is skipped.

How a level is chosen (`decide`): each unit takes the level of its best indicator, moved up to
a higher level whose indicator scores nearly as well; the worry takes the highest unit level.
A level raised only by that margin is reported as `precautionary`, with the lowest level the words
fit as `alternative`: words alone rarely separate neighbouring levels, so the engine says so rather
than sound sure, and keeps the higher level.
Then the documents' rules: an S47-marked or statutory indicator matched strongly sets a floor;
a child in danger now is at least at the statutory level; a combination rule (Bedford: several
Level 2 needs may make Level 3) may raise it; strengths may lower it by one, but only below the
statutory level. The engine prefers over-triage to under-triage and says "unclassified" rather
than guess; a worry with nothing about a child's welfare in it is "out of scope".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

from threshold_kb import model as m
from threshold_kb.matching.age import age_from_text, age_terms
from threshold_kb.matching.danger import DangerDetector, DangerSignal
from threshold_kb.matching.encoder import SentenceEncoder
from threshold_kb.matching.negation import affirmed_text, split_terms
from threshold_kb.matching.normalise import clean, content_terms, expand, lexicon

if TYPE_CHECKING:
    from threshold_kb.triage.decide import Triage

MAX_UNITS = 12  # clauses scored separately; longer worries keep their longest clauses


@dataclass(frozen=True)
class Params:
    """Thresholds of `decide`. Chosen by measurement on the development set (make eval)."""

    semantic_weight: float = 1.0  # share of meaning (vs words) in an indicator's score
    match: float = 0.2  # a unit matches an indicator at this blended score
    neighbours: int = 5  # a level's score: the mean of its best few indicators
    margin: float = 0.1  # a higher level this close to the best level wins (over-triage bias)
    clause: float = 0.6  # a clause alone must match this well to raise the level
    floor: float = 0.62  # a statutory or S47 indicator matched this strongly sets the floor
    close: float = 0.05  # an alternative level is reported when this close
    in_scope: float = 0.2  # a worry resembling no indicator this much (by meaning) ...
    words_in_scope: float = 0.34  # ... nor by words, and using no safeguarding word, is out of scope
    combination_units: int = 3  # distinct units at the rule's level that trigger a combination
    strength: float = 0.35  # "what's working well" matching a strength indicator this well


@dataclass(frozen=True)
class IndicatorMatch:
    indicator: m.Indicator
    score: float
    matched_terms: tuple[str, ...]
    borrowed_from: str | None = None  # slug of the authority whose document it comes from
    level: int | None = None  # in the assessed authority's numbering (differs when borrowed)
    borrowed_from_name: str | None = None  # that authority's name, as practitioners read it


@dataclass(frozen=True)
class AppliedRule:
    kind: str  # floor | danger | combination | strengths
    detail: str
    cite: m.Citation | None = None


@dataclass(frozen=True)
class Assessment:
    authority: m.Authority
    level: m.Level | None  # None: the worry could not be classified
    confidence: float
    alternative: m.Level | None
    matches: tuple[IndicatorMatch, ...]
    danger: tuple[DangerSignal, ...]
    negated_terms: tuple[str, ...]
    borrowed: bool  # evidence came from other authorities' documents (Cumbria)
    in_scope: bool = True  # False: nothing in the message is about a child's welfare
    semantic: bool = False  # the sentence encoder took part
    rules: tuple[AppliedRule, ...] = field(default=())
    # The words fit a range of levels, from `alternative` up to `level`, and nothing but the engine's
    # over-triage margin chose the higher: a precaution of the engine's, not a rule of the document.
    precautionary: bool = False
    # The triage that chose the level (threshold_kb.triage): questions still open, the qualifiers
    # used, what would change the level. None for the engine's own level (the evaluation baseline).
    triage: Triage | None = None

    @property
    def immediate_danger(self) -> bool:
        return bool(self.danger)


@dataclass(frozen=True)
class _Entry:
    indicator: m.Indicator
    level: int  # in the assessed authority's numbering
    borrowed_from: str | None


@dataclass(frozen=True)
class CombinationRule:
    from_level: int
    to_level: int
    procedure: m.Procedure


@dataclass
class _Index:
    """One authority's indicators as matrices: rows are entries."""

    entries: tuple[_Entry, ...]
    levels: np.ndarray  # level of each entry
    weights: np.ndarray  # entries x vocabulary, IDF weight / the entry's total weight
    present: np.ndarray  # entries x vocabulary, 1 where the entry has the term
    needed: np.ndarray  # terms an entry needs shared before it can match (2, or fewer if shorter)
    vectors: np.ndarray | None  # entries x dimensions, sentence embeddings
    statutory: int
    strengths: np.ndarray | None  # embeddings of the authority's strength indicators
    combination: CombinationRule | None


@dataclass(frozen=True)
class Evidence:
    """Everything `decide` needs, computed once per worry and authority (`score`)."""

    slug: str
    lexical: np.ndarray  # units x entries
    semantic: np.ndarray  # units x entries (zeros without the encoder)
    admitted: np.ndarray  # entries the child's age allows
    shared: tuple[tuple[str, ...], ...]  # terms of the whole worry each entry shares
    danger: tuple[DangerSignal, ...]
    negated: tuple[str, ...]
    lexicon_hit: bool  # the worry names a child or uses a word the lexicon knows
    strength: float  # best similarity of "what's working well" to a strength indicator


class Engine:
    """Indexes every authority once (and embeds its indicators); `assess` is cheap per message."""

    def __init__(
        self,
        authorities: Iterable[m.Authority],
        encoder: SentenceEncoder | None = None,
        params: Params | None = None,
    ):
        self.authorities = {a.slug: a for a in authorities}
        self.encoder = encoder
        self.params = params or Params()
        concerns = [i for a in self.authorities.values() for i in a.indicators]
        frequency = Counter(t for i in concerns for t in set(content_terms(i.text)))
        total = max(len(concerns), 1)
        self.vocabulary = {t: n for n, t in enumerate(sorted(frequency))}
        self._terms = sorted(frequency)
        self.idf = np.ones(len(self.vocabulary), dtype=np.float32)
        for term, n in frequency.items():
            self.idf[self.vocabulary[term]] = math.log((1 + total) / (1 + n)) + 1
        self._vectors = self._embed_all(concerns)
        self.danger = DangerDetector(encoder)  # the same detector as the Rasa NLU component
        self._indexes = {slug: self._index(a) for slug, a in self.authorities.items()}

    # -- indexing ----------------------------------------------------------------------------
    def _embed_all(self, concerns: list[m.Indicator]) -> dict[str, np.ndarray]:
        if self.encoder is None:
            return {}
        texts = sorted({i.text for a in self.authorities.values() for i in a.indicators})
        # Cached per encoder and text set: engines built again on the same files reuse the vectors.
        return dict(zip(texts, _encode(self.encoder, tuple(clean(t) for t in texts)), strict=True))

    def _index(self, authority: m.Authority) -> _Index:
        # Level 1 indicators are mostly strengths ("health needs being met"): they are how a minor
        # worry is recognised as universal, so they are candidates like any other indicator.
        own = [_Entry(i, i.level, None) for i in authority.indicators]
        if self._needs_borrowing(authority):
            own += [
                _Entry(i, self._map_level(other, i.level, authority), other.slug)
                for other in self.authorities.values()
                if other.slug != authority.slug
                for i in other.indicators
            ]
        weights = np.zeros((len(own), len(self.vocabulary)), dtype=np.float32)
        for row, entry in enumerate(own):
            for term in set(content_terms(entry.indicator.text)):
                if term in self.vocabulary:
                    weights[row, self.vocabulary[term]] = self.idf[self.vocabulary[term]]
        present = (weights > 0).astype(np.float32)
        weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
        strengths = [i.text for i in authority.indicators if "strength" in i.markers]
        return _Index(
            entries=tuple(own),
            levels=np.array([e.level for e in own], dtype=np.int32),
            weights=weights,
            present=present,
            needed=np.minimum(2, present.sum(axis=1)),
            vectors=np.stack([self._vectors[e.indicator.text] for e in own]) if self._vectors and own else None,
            statutory=min((lv.number for lv in authority.levels if lv.statutory), default=len(authority.levels)),
            strengths=np.stack([self._vectors[t] for t in strengths]) if self._vectors and strengths else None,
            combination=_combination_rule(authority),
        )

    def _name(self, slug: str | None) -> str | None:
        return self.authorities[slug].name if slug else None

    @staticmethod
    def _needs_borrowing(authority: m.Authority) -> bool:
        """An authority whose own document does not give indicators at every level."""
        return len({i.level for i in authority.indicators}) < len(authority.levels)

    @staticmethod
    def _map_level(source: m.Authority, number: int, target: m.Authority) -> int:
        """A level of another scheme in the target's numbering, rounding up (never under-triage).

        Statutory maps to the target's first statutory level; below it, proportionally."""
        source_statutory = min((lv.number for lv in source.levels if lv.statutory), default=len(source.levels))
        target_statutory = min((lv.number for lv in target.levels if lv.statutory), default=len(target.levels))
        if number >= source_statutory:
            return target_statutory + (number - source_statutory)
        if number <= 1:
            return 1
        share = (number - 1) / max(source_statutory - 1, 1)  # 0 at level 1, 1 at the statutory level
        return min(target_statutory - 1, 1 + math.ceil(share * (target_statutory - 1) - 1e-9))

    # -- scoring -----------------------------------------------------------------------------
    def _terms_vector(self, text: str) -> np.ndarray:
        affirmed, _ = split_terms(text)
        vector = np.zeros(len(self.vocabulary), dtype=np.float32)
        for term in affirmed:
            if term in self.vocabulary:
                vector[self.vocabulary[term]] = 1.0
        return vector

    def score(self, slug: str, text: str, age: float | None = None, working_well: str = "") -> Evidence:
        index = self._indexes[slug]
        if age is None:
            age = age_from_text(text)
        units = _units(text)
        expanded = [expand(u) for u in units]
        age_words = age_terms(age)
        queries = np.stack([self._terms_vector(f"{e}. {age_words}") for e in expanded])
        coverage = queries @ index.weights.T
        enough = (queries @ index.present.T) >= index.needed
        lexical = np.where(enough, coverage, 0.0)
        vectors = whole_vector = None
        if self.encoder is not None and index.vectors is not None:
            units_text = tuple(affirmed_text(e) or e for e in expanded)
            # The danger model reads the message as written, negations kept ("not breathing"),
            # which the units drop. The whole worry is encoded in both forms in one batch, and
            # its shorter clauses in another: a batch is padded to its longest text, so clauses
            # batched with the whole worry cost as much as it does (18% less encoder time, measured).
            both = _encode(self.encoder, (units_text[0], clean(text)))
            clauses = _encode(self.encoder, units_text[1:]) if len(units_text) > 1 else both[:0]
            vectors, whole_vector = np.vstack([both[:1], clauses]), both[1]
            semantic = np.clip(vectors @ index.vectors.T, 0.0, 1.0)
        else:
            semantic = np.zeros_like(lexical)
        whole = queries[0]
        terms = self._terms
        shared = tuple(
            tuple(terms[n] for n in np.flatnonzero(whole * row)) if lexical[0, r] else ()
            for r, row in enumerate(index.present)
        )
        strength = 0.0
        if working_well.strip() and self.encoder is not None and index.strengths is not None:
            strength = float((_encode(self.encoder, (clean(working_well),)) @ index.strengths.T).max())
        _, negated = split_terms(expanded[0])
        pattern, _ = lexicon()
        return Evidence(
            slug=slug,
            lexical=lexical,
            semantic=semantic,
            admitted=np.array([e.indicator.conditions.admits_age(age) for e in index.entries], dtype=bool),
            shared=shared,
            # The danger model reads the vector the engine has just encoded: no second encoding.
            danger=self.danger.signals(text, whole_vector),
            negated=tuple(sorted(negated)),
            lexicon_hit=bool(pattern.search(clean(text))) or names_a_child(text),
            strength=strength,
        )

    # -- deciding ----------------------------------------------------------------------------
    def decide(self, evidence: Evidence, params: Params | None = None) -> Assessment:
        p = params or self.params
        authority, index = self.authorities[evidence.slug], self._indexes[evidence.slug]
        semantic = evidence.semantic if self.encoder is not None else None
        blended = (
            evidence.lexical
            if semantic is None
            else (p.semantic_weight * semantic + (1 - p.semantic_weight) * evidence.lexical)
        )
        blended = np.where(evidence.admitted[None, :], blended, 0.0)
        best = blended.max(axis=0)  # per entry, over units
        rules: list[AppliedRule] = []

        level = None
        likeliest = None  # the best-scoring level before the over-triage margin, for `alternative`
        fitted = 0  # the highest best-scoring level of any unit: the level without the margin
        for number, unit in enumerate(blended):
            top = unit.max(initial=0.0)
            if top < (p.match if number == 0 else max(p.match, p.clause)):
                continue  # a clause on its own counts only when it matches strongly
            by_level = _level_scores(unit, index.levels, p.neighbours)
            best_level_score = max(by_level.values())
            near = [lv for lv, s in by_level.items() if s >= best_level_score - p.margin]
            level = max(level or 0, max(near))
            fitted = max(fitted, max(by_level, key=by_level.get))
            if number == 0:
                likeliest = max(by_level, key=by_level.get)
        margin_level = level
        strong = (best >= p.floor) & np.array(
            [e.level >= index.statutory or "s47" in e.indicator.markers for e in index.entries], dtype=bool
        )
        if strong.any() and (level is None or int(index.levels[strong].max()) > level):
            level = int(index.levels[strong].max())
            rules.append(AppliedRule("floor", "a statutory or S47 indicator matched strongly sets the floor"))
        if evidence.danger and (level is None or level < index.statutory):
            level = index.statutory
            rules.append(AppliedRule("danger", "a child who may be in danger now is at least at the statutory level"))
        rule = index.combination
        if rule and level == rule.from_level:
            units_at = sum(bool((unit[index.levels == rule.from_level] >= p.match).any()) for unit in blended[1:])
            if units_at >= p.combination_units:
                level = rule.to_level
                rules.append(AppliedRule("combination", rule.procedure.quote, rule.procedure.cite))
        if (
            level is not None
            and 1 < level < index.statutory
            and evidence.strength >= p.strength
            and not evidence.danger
        ):
            level -= 1
            rules.append(AppliedRule("strengths", "what is working well lowers a level below the statutory threshold"))

        order = np.argsort(-best, kind="stable")
        matches = tuple(
            IndicatorMatch(
                indicator=index.entries[r].indicator,
                score=round(float(best[r]), 3),
                matched_terms=evidence.shared[r],
                borrowed_from=index.entries[r].borrowed_from,
                level=int(index.levels[r]),
                borrowed_from_name=self._name(index.entries[r].borrowed_from),
            )
            for r in order[:10]
            if best[r] >= p.match
        )
        in_scope = bool(
            evidence.danger
            or evidence.lexicon_hit
            or evidence.lexical.max(initial=0.0) >= p.words_in_scope
            or (semantic is not None and float(semantic.max(initial=0.0)) >= p.in_scope)
        )
        if not in_scope:
            level = None
        confidence, alternative = 0.0, None
        if level is not None:
            by_level = {int(lv): float(best[index.levels == lv].max(initial=0.0)) for lv in set(index.levels.tolist())}
            confidence = round(min(1.0, by_level.get(level, 0.0) / max(p.floor, 1e-9)), 2)
            close = [
                lv
                for lv, s in by_level.items()
                if lv != level and s >= p.match and s >= by_level.get(level, 0) - p.close
            ]
            alternative = authority.level(max(close)) if close else None
            if likeliest is not None and likeliest < level:  # raised by the margin: say what fitted best
                alternative = authority.level(likeliest)
            if rules and rules[-1].kind in ("combination", "strengths"):
                alternative = None
        # What the evidence and the documents' rules support without the margin: the best fit, a
        # strong statutory or S47 match, danger now, a combination rule.
        supported = max(fitted, int(index.levels[strong].max()) if strong.any() else 0)
        if evidence.danger:
            supported = max(supported, index.statutory)
        if any(r.kind == "combination" for r in rules):
            supported = max(supported, rule.to_level)
        precautionary = bool(level is not None and margin_level == level and supported < level)
        if precautionary:
            alternative = authority.level(supported)  # the lower end of the range the words fit
        return Assessment(
            authority=authority,
            level=authority.level(level) if level is not None else None,
            confidence=confidence,
            alternative=alternative,
            matches=matches,
            danger=evidence.danger,
            negated_terms=evidence.negated,
            borrowed=any(mt.borrowed_from for mt in matches),
            in_scope=in_scope,
            semantic=semantic is not None,
            rules=tuple(rules),
            precautionary=precautionary,
        )

    def assess(
        self, slug: str, text: str, age: float | None = None, extra: str = "", working_well: str = ""
    ) -> Assessment:
        """`extra` carries further answers (e.g. Signs of Safety "what are we worried about")."""
        worry = f"{text}. {extra}" if extra else text
        return self.decide(self.score(slug, worry, age, working_well))

    def with_params(self, params: Params) -> Engine:
        """The same indexes, other thresholds (for the evaluation's sweep)."""
        clone = object.__new__(Engine)
        clone.__dict__.update(self.__dict__)
        clone.params = replace(params)
        return clone


# -- helpers -----------------------------------------------------------------------------------
_CLAUSE = re.compile(r"[.;!?\n]+|,\s*(?:but|and|also|plus|though|although)\b|\s-\s|\bbut\b")


def _units(text: str) -> list[str]:
    """The whole worry, then its clauses of three words or more (the longest, if many)."""
    clauses = [c.strip() for c in _CLAUSE.split(text) if c and len(c.split()) >= 3]
    if len(clauses) > MAX_UNITS:
        clauses = sorted(clauses, key=len, reverse=True)[:MAX_UNITS]
    return [text] + (clauses if len(clauses) > 1 else [])


def _level_scores(unit: np.ndarray, levels: np.ndarray, neighbours: int) -> dict[int, float]:
    """Each level's score for one unit: the mean of its `neighbours` best indicators."""
    scores = {}
    for level in np.unique(levels):
        best = np.sort(unit[levels == level])[-neighbours:]
        scores[int(level)] = float(best.mean())
    return scores


@lru_cache(maxsize=2048)
def _encode(encoder: SentenceEncoder, texts: tuple[str, ...]) -> np.ndarray:
    """Embeddings of recent texts (and of every indicator), kept per encoder."""
    return encoder.encode(list(texts))


@lru_cache(maxsize=1)
def _rules_data() -> dict:
    return yaml.safe_load(Path(__file__).with_name("rules.yml").read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def _child_words() -> re.Pattern[str]:
    return re.compile("|".join(_rules_data().get("child_words", [])) or r"(?!)")


def names_a_child(text: str) -> bool:
    return bool(_child_words().search(clean(text)))


def _combination_rule(authority: m.Authority) -> CombinationRule | None:
    """The authority's combination rule, whose wording is a procedure of its own document."""
    for rule in _rules_data().get("combination", []):
        if rule["authority"] != authority.slug:
            continue
        procedure = next((p for p in authority.procedures if p.id == rule["procedure"]), None)
        if procedure is not None:
            return CombinationRule(rule["from_level"], rule["to_level"], procedure)
    return None
