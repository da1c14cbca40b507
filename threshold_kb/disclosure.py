"""What to do, and what not to do, when a child has told you or there is an allegation
(threshold_kb/national/disclosure.yml).

The threshold documents rarely say how to respond to a disclosure, yet it is what a practitioner
needs first: listen, do not lead, do not promise secrecy, do not confront the alleged abuser,
write it down, report without delay. Each point quotes a stored public page (national/sources/,
read as for the national routes) and is always marked as not the authority's. The authority's own
words follow where its document has them: the time limit for the referral (its written follow-up
procedure) and when not to tell the parents first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from threshold_kb import config
from threshold_kb import model as m
from threshold_kb.loader import LoadError, _Item
from threshold_kb.national_routes import NationalCitation, Source, read_source
from threshold_kb.provenance import normalise

FILE = "disclosure.yml"
HEADING = "A child has told you, or there is an allegation: what to do, and what not to do, first."


@dataclass(frozen=True)
class Point:
    id: str
    quote: str  # shown as a quotation, with its publisher
    cite: NationalCitation


@dataclass(frozen=True)
class ParentsLine:
    item: str  # the knowledge-base item (a consent rule) whose words these are
    quote: str


@dataclass(frozen=True)
class Guidance:
    kinds: tuple[str, ...]  # red-flag kinds (triage/red_flags.yml) that get it
    points: tuple[Point, ...]
    parents: dict[str, ParentsLine]  # by authority slug

    def applies(self, kinds: Iterable[str]) -> bool:
        return any(k in self.kinds for k in kinds)

    @property
    def publishers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.cite.publisher.split(" (")[0] for p in self.points))


@dataclass(frozen=True)
class AuthorityLine:
    """A line from the authority's own document: the time limit, or telling the parents."""

    topic: str  # time_limit | parents
    quote: str
    cite: m.Citation
    hours: int | None = None


def load(directory: Path | None = None) -> Guidance:
    directory = directory or config.national_dir()
    path = directory / FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LoadError(str(path), "-", "-", f"cannot be read: {exc}") from exc
    root = _Item(FILE, "(file)", data)
    kinds = root.texts("kinds")
    if not kinds:
        root.fail("kinds", "expected the red-flag kinds that get this guidance")
    raw = root.data.get("points")
    if not isinstance(raw, list) or not raw:
        root.fail("points", "expected a non-empty list of points")
    sources: dict[str, Source] = {}
    points = []
    for index, entry in enumerate(raw):
        item = _Item(FILE, f"points[{index}]", entry)
        file = item.text("file")
        if Path(file).name != file or not (directory / "sources" / file).is_file():
            item.fail("file", f"no stored source sources/{file}")
        source = sources.setdefault(file, read_source(directory / "sources" / file))
        cite = NationalCitation(file=file, url=item.text("url"), quote=item.text("quote"), title=source.title,
                                publisher=source.publisher, retrieved=source.retrieved)
        points.append(Point(item.text("id"), cite.quote, cite))
    parents = {}
    for slug, entry in (root.data.get("parents") or {}).items():
        item = _Item(FILE, f"parents.{slug}", entry)
        parents[slug] = ParentsLine(item.text("item"), item.text("quote"))
    return Guidance(kinds, tuple(points), parents)


def problems(authorities: Iterable[m.Authority] = (), directory: Path | None = None) -> list[str]:
    """Each point's quote is in its stored source, verbatim, at the source's own address; each kind
    is a red-flag kind; each parents line is its knowledge-base item's own words."""
    from threshold_kb.triage.rules import red_flag_kinds

    directory = directory or config.national_dir()
    try:
        guidance = load(directory)
    except LoadError as exc:
        return [str(exc)]
    found = [f"{FILE}: kind {k!r} is not a red-flag kind" for k in guidance.kinds if k not in red_flag_kinds()]
    for p in guidance.points:
        source = read_source(directory / "sources" / p.cite.file)
        if p.cite.url != source.url:
            found.append(f"{FILE} point {p.id}: url {p.cite.url!r} is not the address of sources/{p.cite.file}")
        if normalise(p.quote) not in normalise(source.text):
            found.append(f"{FILE} point {p.id}: quote not found verbatim in sources/{p.cite.file}: {p.quote[:100]!r}")
    by_slug = {a.slug: a for a in authorities}
    for slug, line in guidance.parents.items():
        if slug not in by_slug:
            continue
        rule = next((r for r in by_slug[slug].consent if r.id == line.item), None)
        said = " ".join((rule.quote, *rule.exemptions)) if rule else ""
        if rule is None or normalise(line.quote) not in normalise(said):
            found.append(f"{FILE} parents.{slug}: quote is not the words of {line.item}: {line.quote[:100]!r}")
    return found


@lru_cache(maxsize=1)
def guidance() -> Guidance | None:
    """The bundled guidance; never raises (a reply must not fail with this file: `validate` and the
    tests report a broken one)."""
    try:
        return load()
    except Exception as exc:
        logging.getLogger(__name__).error("disclosure guidance unreadable: %s", exc)
        return None


def for_kinds(kinds: Iterable[str]) -> Guidance | None:
    """The guidance when one of the red-flag kinds raised gets it, else None."""
    g = guidance()
    return g if g is not None and g.applies(kinds) else None


def for_text(text: str) -> Guidance | None:
    """For a worry read before any authority is known: red flags are decided at once by every
    authority, so the guidance can come first, before the authority question."""
    from threshold_kb.triage.red_flags import red_flags

    return for_kinds(f.kind for f in red_flags(text))


def authority_lines(authority: m.Authority, followup: m.Procedure | None) -> list[AuthorityLine]:
    """The authority's own words: the time limit where its document sets one, then when not to
    tell the parents first (left out where the time-limit quote already says it)."""
    lines = []
    if followup is not None and followup.written_followup_hours:
        lines.append(AuthorityLine("time_limit", followup.quote, followup.cite, followup.written_followup_hours))
    g = guidance()
    said = g.parents.get(authority.slug) if g else None
    rule = next((r for r in authority.consent if said and r.id == said.item), None)
    if rule is not None and not any(normalise(said.quote) in normalise(x.quote) for x in lines):
        lines.append(AuthorityLine("parents", said.quote, rule.cite))
    return lines


def for_assessment(a, followup: m.Procedure | None) -> tuple[Guidance, list[AuthorityLine]] | None:
    """For a worry the triage decided at once on a red flag that gets the guidance: the guidance and
    the authority's own lines; None otherwise (a school-attendance worry gets none)."""
    t = a.triage
    if t is None or t.red_flag_words is None:
        return None
    g = for_kinds([t.red_flag_words.kind])
    return None if g is None else (g, authority_lines(a.authority, followup))


def whose(authority_name: str | None, g: Guidance) -> str:
    not_theirs = f", not {authority_name}'s document" if authority_name else ""
    return f"General guidance from public pages ({'; '.join(g.publishers)}){not_theirs}:"


def text_lines(g: Guidance, authority: m.Authority | None = None, own: Iterable[AuthorityLine] = ()) -> list[str]:
    """The guidance as chat lines: the heading, whose it is, each quoted point with its publisher,
    then the authority's own lines with their citations."""
    lines = [HEADING, whose(authority.name if authority else None, g)]
    lines += [f'- "{p.quote}" ({p.cite.publisher.split(" (")[0]}, "{p.cite.title}")' for p in g.points]
    own = list(own)
    if own and authority is not None:
        lines.append(f"From {authority.name}'s own document:")
        titles = {"time_limit": "Time limit", "parents": "Telling the parents"}
        lines += [f'- {titles[x.topic]}: "{x.quote}" ({x.cite})' for x in own]
    return lines


def payload(g: Guidance, authority: m.Authority, own: Iterable[AuthorityLine], cite) -> dict[str, Any]:
    """The `guidance` field of the recommendation payload; `cite` renders a document citation."""
    return {
        "heading": HEADING,
        "national": True,
        "whose": whose(authority.name, g),
        "points": [
            {"id": p.id, "quote": p.quote, "publisher": p.cite.publisher, "title": p.cite.title, "url": p.cite.url,
             "source_file": p.cite.file}
            for p in g.points
        ],
        "authority": [{"topic": x.topic, "quote": x.quote, "hours": x.hours, "cite": cite(x.cite)} for x in own],
    }
