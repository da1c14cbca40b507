"""The baseline the engine must beat: BM25 over each authority's own document text.

Every indicator and level definition of the authority is a passage labelled with its level; a
worry gets the level of its best-scoring passage. No lexicon, stemming, negation, age, danger
model or borrowing: that is what the engine adds. A worry whose best score is below
`OUT_OF_SCOPE_SCORE` is called out of scope; one whose best passage is at the statutory level is
called danger (the closest a keyword ranker comes to "act now").
"""

from __future__ import annotations

import math
import re
from collections import Counter

from threshold_kb import model as m
from threshold_kb.evaluation.metrics import Prediction
from threshold_kb.matching.normalise import STOPWORDS

K1, B = 1.5, 0.75
OUT_OF_SCOPE_SCORE = 2.0
_WORD = re.compile(r"[a-z0-9]+")


def _terms(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


class BM25Index:
    def __init__(self, passages: list[tuple[str, int]]):
        self.levels = [level for _, level in passages]
        self.docs = [Counter(_terms(text)) for text, _ in passages]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.average = sum(self.lengths) / max(len(self.docs), 1)
        frequency = Counter(t for d in self.docs for t in d)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def best(self, text: str) -> tuple[float, int | None]:
        query = set(_terms(text))
        best_score, best_level = 0.0, None
        for doc, length, level in zip(self.docs, self.lengths, self.levels, strict=True):
            score = 0.0
            for term in query & doc.keys():
                tf = doc[term]
                score += self.idf[term] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.average))
            if score > best_score:
                best_score, best_level = score, level
        return best_score, best_level


class Baseline:
    def __init__(self, authorities: list[m.Authority]):
        self.statutory = {a.slug: min(lv.number for lv in a.levels if lv.statutory) for a in authorities}
        self.indexes = {
            a.slug: BM25Index(
                [(i.text, i.level) for i in a.indicators] + [(lv.definition, lv.number) for lv in a.levels]
            )
            for a in authorities
        }

    def predict(self, slug: str, text: str, age: float | None = None, working_well: str | None = None) -> Prediction:
        score, level = self.indexes[slug].best(text)
        if score < OUT_OF_SCOPE_SCORE or level is None:
            return Prediction(level=None, in_scope=False, danger=False)
        return Prediction(level=level, in_scope=True, danger=level >= self.statutory[slug])
