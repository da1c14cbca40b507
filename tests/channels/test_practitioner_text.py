"""No maintainer's note reaches a practitioner (issue 16).

For every authority, at several times of day, everything the assistant can show is built from the
real knowledge base: the recommendation as text and as its payload, the Teams card and the web
card drawn from that payload, one card naming every contact, and the answers to consent,
escalation, contact, talk-to-a-person, level, special-route and "What If" questions. None may hold
a `maintainer_note` (or any sentence of one), the document's `history`, or a phrase the
knowledge-base check refuses in a practitioner's note; the cards show the document's one date.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import datetime

import pytest

from bot.channels.adaptive_card import recommendation_card
from tests.channels.cards import draw, strings, texts
from threshold_kb import answers, checks, queries
from threshold_kb import model as m
from threshold_kb.clock import LONDON
from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import _step, recommend, to_payload
from threshold_kb.replies import recommendation_text, safe_answer, signs_of_safety_map
from threshold_kb.store.repository import InMemoryRepository

MOMENTS = {
    "Tuesday morning": datetime(2026, 11, 24, 10, 30, tzinfo=LONDON),
    "Tuesday evening": datetime(2026, 11, 24, 19, 30, tzinfo=LONDON),
    "Saturday night": datetime(2026, 11, 28, 23, 0, tzinfo=LONDON),
    "Christmas Day": datetime(2026, 12, 25, 11, 0, tzinfo=LONDON),
}
WORRIES = (
    ("Year 4 boy, bruise on his cheek again, says he fell", 8),
    ("dad is hitting mum right now", 7),
    ("attendance has dropped and he is often late, mum seems to be struggling", 9),
    ("14 year old keeps going missing overnight and comes back with new phones", 14),
    ("child disclosed that her stepdad has been sexually abusing her", 12),
    ("I like the weather today", None),
)
QUESTIONS = {
    "consent": ("do I need consent to refer?", "can I share information without consent?", "consent for early help"),
    "contacts": ("who do I call?", "what is the out of hours number?", "early help contact"),
    "special_route": (
        "allegation against a member of staff",
        "county lines exploitation",
        "worried about radicalisation",
        "private fostering",
        "what other routes are there?",
    ),
    "levels": ("what are the levels?", "what is level 3?", "what is the statutory threshold?"),
}


def fragments(text: str | None) -> list[str]:
    """A maintainer's text in sentences and clauses long enough to be its own words."""
    pieces = re.split(r"(?<=[.;:])\s+", " ".join((text or "").split()))
    return [p.strip(" .;:") for p in pieces if len(p.strip(" .;:")) >= 20]


def maintainers_words(authorities) -> list[str]:
    found = [f for a in authorities for c in a.contacts for f in fragments(c.maintainer_note)]
    found += [f for a in authorities for f in fragments(a.document.history)]
    found += [a.document.history for a in authorities if a.document.history]
    return found


def leaks(shown: str, secret: list[str], drawn: bool = True) -> list[str]:
    """Maintainers' words in what is shown; for drawn text, also the phrases the check refuses."""
    flat = " ".join(shown.split())
    found = [words for words in secret if words in flat]
    return found + (checks.maintainer_phrases(flat) if drawn else [])


def web_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))



def keys(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in keys(value)}
    if isinstance(node, list):
        return {k for value in node for k in keys(value)}
    return set()


def shown_for(authority: m.Authority, engine: Engine) -> tuple[list[tuple[str, str]], list[dict]]:
    """(where, text) for every text reply, and every recommendation payload, for one authority."""
    said: list[tuple[str, str]] = []
    payloads: list[dict] = []
    for moment_name, now in MOMENTS.items():
        where = f"{authority.slug}, {moment_name}"
        recs = [recommend(engine.assess(authority.slug, worry, age), now) for worry, age in WORRIES]
        # One recommendation naming every contact, so that every note is drawn on a card.
        statuses = {c.contact.id: c.status for c in queries.contacts_of(authority, now).contacts}
        everyone = tuple(_step(c, statuses[c.id]) for c in authority.contacts)
        recs.append(replace(recs[0], next_steps=everyone))
        for rec in recs:
            said.append((f"{where}: recommendation", recommendation_text(rec, signs_of_safety_map(rec.assessment))))
            payloads.append(to_payload(rec))
        said += [(f"{where}: consent", answers.consent(authority, now, q)) for q in QUESTIONS["consent"]]
        said += [(f"{where}: contacts", answers.contacts(authority, now, q)) for q in QUESTIONS["contacts"]]
        said += [(f"{where}: route", answers.special_route(authority, now, q)) for q in QUESTIONS["special_route"]]
        said += [
            (f"{where}: escalation", answers.escalation(authority, now)),
            (f"{where}: talk to a person", answers.talk_to_person(authority, now)),
            (f"{where}: what if", answers.what_if(authority, now)),
            (f"{where}: safe answer", safe_answer(authority, now, danger=False, reason="Unsure.")),
            (f"{where}: safe answer, danger", safe_answer(authority, now, danger=True, reason="")),
        ]
        said += [(f"{where}: levels", answers.levels(authority, now, q)) for q in QUESTIONS["levels"]]
    return said, payloads


def problems(authorities, checked: list[m.Authority]) -> list[str]:
    """Every leak, named by where it was shown, for the authorities in `checked`."""
    secret = maintainers_words(authorities)
    engine = Engine(authorities, None)
    found: list[str] = []
    all_payloads: list[dict] = []
    for authority in checked:
        said, payloads = shown_for(authority, engine)
        found += [f"{where}: {leak!r}" for where, text in said for leak in leaks(text, secret)]
        for payload in payloads:
            where = f"{authority.slug}, payload at {payload['moment']}"
            hidden = keys(payload) & {"maintainer_note", "history"}
            found += [f"{where}: field {k}" for k in sorted(hidden)]
            found += [f"{where}: {leak!r}" for s in strings(payload) for leak in leaks(s, secret, drawn=False)]
            date = authority.document.date
            if payload["document"]["date"] != date:
                found.append(f"{where}: document date {payload['document']['date']!r}, not {date!r}")
            card = "\n".join(texts(recommendation_card(payload)))
            found += [f"{where}, Teams card: {leak!r}" for leak in leaks(card, secret)]
            if f"{authority.document.title}, {date}" not in card:
                found.append(f"{where}, Teams card: the document's date {date!r} is not shown")
        all_payloads += payloads
    for payload, markup in zip(all_payloads, draw([{"custom": p} for p in all_payloads]), strict=True):
        where = f"{payload['authority']['slug']}, web card at {payload['moment']}"
        shown = web_text(markup)
        found += [f"{where}: {leak!r}" for leak in leaks(shown, secret)]
        if f"({payload['document']['date']})" not in shown:
            found.append(f"{where}: the document's date is not shown")
    return found


@pytest.mark.parametrize("slug", ["bedford_borough", "cumbria", "northamptonshire", "peterborough", "stoke_on_trent"])
def test_no_maintainer_note_reaches_a_reply_or_a_card(authorities, slug):
    authority = InMemoryRepository(authorities).get(slug)
    assert problems(authorities, [authority]) == []


def test_the_maintainers_words_are_there_to_be_kept_out(authorities):
    """The test above means something only if the knowledge base holds maintainers' words."""
    northamptonshire = next(a for a in authorities if a.slug == "northamptonshire")
    assert northamptonshire.document.date == "Updated February 2020"
    assert "NSCBTG18" in northamptonshire.document.history and "10.09.18" in northamptonshire.document.history
    assert next(a for a in authorities if a.slug == "cumbria").document.date == "Undated"
    peterborough_mash = next(a for a in authorities if a.slug == "peterborough").contact("peterborough.contact.011")
    assert "prints the second number as '864180'" in peterborough_mash.maintainer_note
    assert "answered by MASH Contact Centre Workers" in peterborough_mash.note
    assert sum(bool(c.maintainer_note) for a in authorities for c in a.contacts) >= 15


def put_back(authority: m.Authority) -> m.Authority:
    """The authority as it was before issue 16: each maintainer's note inside the shown note."""
    contacts = tuple(
        replace(c, note=f"{c.note or ''} {c.maintainer_note}".strip()) if c.maintainer_note else c
        for c in authority.contacts
    )
    document = replace(authority.document, date=authority.document.history or authority.document.date)
    return replace(authority, contacts=contacts, document=document)


def test_a_maintainer_note_put_back_in_a_note_is_caught(authorities):
    """Put the maintainers' notes back into Peterborough's and Northamptonshire's notes, and the
    version history back as Northamptonshire's date: the test above fails, in every channel."""
    changed = tuple(put_back(a) if a.slug in ("peterborough", "northamptonshire") else a for a in authorities)
    found = problems(changed, [a for a in changed if a.slug in ("peterborough", "northamptonshire")])
    # Peterborough's MASH: the web card shows every note, the payload carries it.
    assert any(p.startswith("peterborough, web card") and "section prints" in p for p in found)
    assert any(p.startswith("peterborough, payload") and "prints the second number as '864180'" in p for p in found)
    # The Teams card shows the note of a step with no contact details (the Board's website).
    assert any(p.startswith("peterborough, payload") and "Teams card" in p and "extraction" in p for p in found)
    # The "What If" answer quotes the advice line's note (Northamptonshire's mentions its version history).
    assert any(p.startswith("northamptonshire") and ": what if:" in p and "version history" in p for p in found)
    # The long date, on both cards.
    assert any(p.startswith("northamptonshire, web card") and "NSCBTG18" in p for p in found)
    assert any(p.startswith("northamptonshire, payload") and "Teams card" in p and "NSCBTG18" in p for p in found)
