"""Adaptive Cards (1.4, the newest Teams draws everywhere) for the Teams channel.

Pure functions of the recommendation payload (docs/recommendation.schema.json): every name, number,
address and quotation on a card is copied from the payload, never composed, so a card cannot show
a contact the knowledge base does not publish. Only the headings are fixed words.

A payload that does not fit the schema gives a small fallback card instead (fallback_card), never
an exception: a failure here would leave the practitioner with no answer at all.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.4"
RECOMMENDATION = "threshold_recommendation"
MAX_INDICATORS = 5
MAX_LINKS = 5  # Action.OpenUrl buttons under the card

STATUS = {"open": "Open now", "closed": "Closed now", "internal": "In your own organisation"}

FALLBACK_TEXT = (
    "This answer could not be shown. If a child may be in danger now, call 999. "
    "Otherwise talk to your designated safeguarding lead and contact the front door."
)
# Teams refuses a message over 40 KB of UTF-16 (413 MessageSizeTooBig): about 20,000 characters.
# The largest real recommendation card is under 7,000; its text version under 3,000.
MAX_CARD_CHARS = 20_000
MAX_FALLBACK_CHARS = 6_000
STRING_FIELDS = ("text", "title", "url", "fallbackText")  # Teams draws nothing if one is not text


def is_recommendation(custom: Any) -> bool:
    return isinstance(custom, dict) and custom.get("type") == RECOMMENDATION


def attachment(card: dict[str, Any]) -> dict[str, Any]:
    """A card as a Bot Framework activity attachment."""
    return {"contentType": CONTENT_TYPE, "content": card}


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"$schema": SCHEMA, "type": "AdaptiveCard", "version": VERSION, "body": body}
    if actions:
        result["actions"] = actions
    result.update({k: v for k, v in extra.items() if v})
    return result


def text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def heading(value: str) -> dict[str, Any]:
    return text(value, weight="Bolder", spacing="Medium")


def quoted(value: str) -> str:
    return f"\u201c{value}\u201d"


def tel(phone: str) -> str:
    """The dialable target of a published number: its digits, a leading + kept, and the
    trunk "(0)" of an international form ("+44 (0)1733 ...") dropped, as a dialler would."""
    number = phone.strip().replace("(0)", "")
    return ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)


def web_target(address: str) -> str | None:
    """An absolute http(s) URL for a published web address, or None if it is not one."""
    address = address.strip()
    if not address or any(c.isspace() for c in address):
        return None
    if re.match(r"https?://", address, re.IGNORECASE):
        return address
    if "://" in address or address.startswith(("mailto:", "tel:", "javascript:")):
        return None
    return f"https://{address}"


def link(label: str, target: str) -> str:
    return f"[{label}]({target})"


def contact_links(step: dict[str, Any]) -> list[str]:
    """Markdown links for a next step's published phones, emails and web addresses, as printed."""
    links = [link(p, f"tel:{tel(p)}") for p in step.get("phones") or [] if tel(p).lstrip("+")]
    links += [link(e, f"mailto:{e.strip()}") for e in step.get("emails") or [] if "@" in e]
    links += [link(w, target) for w in step.get("web") or [] if (target := web_target(w))]
    return links


def buttons_card(prompt: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    """Rasa buttons as Action.Submit: Teams shows the title as the user's message (messageBack) and
    delivers `text` = payload; clients that deliver only `value` still carry `payload` (RasaHQ/rasa#8164)."""
    actions = [
        {
            "type": "Action.Submit",
            "title": str(b.get("title") or b.get("payload") or ""),
            "data": {
                "payload": b.get("payload"),
                "msteams": {"type": "messageBack", "displayText": b.get("title"), "text": b.get("payload")},
            },
        }
        for b in buttons
        if b.get("payload")
    ]
    return card([text(prompt)] if prompt else [], actions, fallbackText=prompt)


def danger_block(payload: dict[str, Any]) -> dict[str, Any]:
    number = str(payload.get("emergency_number") or "999")
    items = [text(f"Call {number} now", size="Large", weight="Bolder", color="Attention")]
    heard = [d for d in payload.get("danger") or [] if isinstance(d, dict) and d.get("phrase")]
    items += [text(f"{d.get('label') or 'Danger'}: you said {quoted(d['phrase'])}", color="Attention") for d in heard]
    return {"type": "Container", "style": "attention", "bleed": True, "items": items}


def level_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    level = payload.get("level")
    if payload.get("classified") and isinstance(level, dict):
        blocks = [text(level.get("label", ""), size="Medium", weight="Bolder", spacing="Medium")]
        statutory = "a statutory level" if level.get("statutory") else "not a statutory level"
        blocks.append(text(f"This is {statutory}.", isSubtle=True, spacing="None"))
        low = payload.get("alternative_level")
        if payload.get("precautionary") and isinstance(low, dict):
            span = f"{low.get('label', '')} to {level.get('label', '')}"
            blocks.append(text(f"Suggested as a precaution: the words fit {span}.", weight="Bolder"))
    else:
        blocks = [text("Not classified: no level is guessed", size="Medium", weight="Bolder", spacing="Medium")]
    alternative = payload.get("alternative_level")
    close = alternative.get("label") if isinstance(alternative, dict) else None
    if close and close not in (payload.get("why") or ""):  # `why` often says it already
        blocks.append(text(f"It is close to {close}."))
    if payload.get("why"):
        blocks.append(text(payload["why"]))
    document = payload.get("document") if isinstance(payload.get("document"), dict) else {}
    if document.get("age_warning"):  # the document is too old (or undated) to rely on unchecked
        blocks.append(text(document["age_warning"], color="Warning"))
    if payload.get("scale_warning"):
        blocks.append(text(payload["scale_warning"], weight="Bolder", color="Attention"))
    triage = payload.get("triage") if isinstance(payload.get("triage"), dict) else {}
    changes = [c for c in triage.get("changes") or [] if isinstance(c, dict)]
    if changes:
        blocks.append(text("What would change the level", weight="Bolder", spacing="Medium"))
        for c in changes:
            cite = c.get("cite") if isinstance(c.get("cite"), dict) else {}
            said = f"If {c.get('if', '')}: {c.get('level', '')}. {quoted(c.get('quote', ''))}"
            blocks.append(text(f"{said} ({cite.get('text', '')})"))
    sos = payload.get("signs_of_safety") if isinstance(payload.get("signs_of_safety"), dict) else {}
    rows = [("What are we worried about?", sos.get("worried")), ("What's working well?", sos.get("working_well")),
            ("What needs to happen?", sos.get("needs_to_happen"))]
    if any(value for _, value in rows):
        blocks.append(text("Signs of Safety map", weight="Bolder", spacing="Medium"))
        blocks += [text(f"{title} {value}") for title, value in rows if value]
    return blocks


def indicator_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    blocks, seen = [], set()
    for item in payload.get("indicators") or []:
        said = item.get("text")
        if not said or said in seen:
            continue
        seen.add(said)
        blocks.append(text(quoted(said), spacing="Small"))
        source = [(item.get("cite") or {}).get("text")]
        if item.get("borrowed_from"):  # by the authority's name: the slug is an internal id
            owner = item.get("borrowed_from_name")
            source.append(f"from {owner}'s document" if isinstance(owner, str) and owner else "from another document")
        if any(source):
            blocks.append(text("; ".join(s for s in source if s), isSubtle=True, size="Small", spacing="None"))
        if len(seen) == MAX_INDICATORS:
            break
    return [heading("In the document's words"), *blocks] if blocks else []


def step_blocks(step: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = [text(step.get("name", ""), weight="Bolder", spacing="Small")]
    when = [s for s in (STATUS.get(step.get("status")), step.get("hours")) if s]
    if when:
        blocks.append(text(" \u00b7 ".join(when), isSubtle=True, spacing="None"))
    links = contact_links(step)
    if links:
        blocks.append(text("  \n".join(links), spacing="None"))
    elif step.get("note"):
        blocks.append(text(step["note"], spacing="None"))
    if step.get("asks_for"):
        blocks.append(text("They will ask for: " + "; ".join(step["asks_for"]), isSubtle=True, spacing="None"))
    return blocks


def national_blocks(payload: dict[str, Any], authority: str) -> list[dict[str, Any]]:
    """Where the authority's next steps have no phone number: the national lines from the payload
    (999, police 101, the NSPCC Helpline), tap to call, marked as national, not the authority's."""
    routes = payload.get("national_routes")
    if routes is None:
        routes = []
    if not isinstance(routes, list) or not all(isinstance(r, dict) and named(r) for r in routes):
        raise ValueError("the payload's national routes are not a list of named routes")
    blocks: list[dict[str, Any]] = []
    if payload.get("missing_numbers") and authority:
        rest = "." if routes else "; use what it gives."
        blocks.append(text(f"{authority}'s document publishes no phone number for these routes{rest}"))
    if not routes:
        return blocks
    blocks.append(heading(f"National lines you can ring now, not {authority}'s" if authority else "National lines"))
    for route in routes:
        blocks.append(text(route["name"], weight="Bolder", spacing="Small"))
        scheduled = route.get("availability") == "scheduled"
        when = [s for s in (route.get("use"), STATUS.get(route.get("status")) if scheduled else None,
                            route.get("hours")) if s]
        if when:
            blocks.append(text(" \u00b7 ".join(when), isSubtle=True, spacing="None"))
        links = contact_links(route)
        if links:
            blocks.append(text("  \n".join(links), spacing="None"))
        if route.get("emails") and route.get("email_hours"):
            blocks.append(text(f"Email: {route['email_hours']}", isSubtle=True, spacing="None"))
    return blocks


def disclosure_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """A child has told, or an allegation: what to do and not to do, each point quoted with its
    publisher and marked as not the authority's; then the authority's own lines (time limit)."""
    g = payload.get("guidance")
    if not isinstance(g, dict) or not g.get("points"):
        return []
    blocks = [
        text(g.get("heading") or "", weight="Bolder", color="Attention"),
        text(g.get("whose") or "", isSubtle=True),
    ]
    for p in g["points"]:
        if isinstance(p, dict) and p.get("quote"):
            by = str(p.get("publisher") or "").split(" (")[0]
            blocks.append(text(f"\u2022 {quoted(p['quote'])} ({by})", spacing="Small"))
    for line in g.get("authority") or []:
        if isinstance(line, dict) and line.get("quote"):
            where = (line.get("cite") or {}).get("text") or ""
            blocks.append(text(f"{quoted(line['quote'])} ({where})", spacing="Small"))
    return blocks


def guidance_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    consent = [c["quote"] for c in payload.get("consent") or [] if c.get("quote")]
    if consent:
        blocks += [heading("Consent"), *(text(quoted(q), spacing="Small") for q in consent)]
    followup = payload.get("written_followup")
    if isinstance(followup, dict) and followup.get("quote"):
        blocks += [heading("Written follow-up"), text(quoted(followup["quote"]))]
    record = [r for r in payload.get("record") or [] if r]
    if record:
        blocks += [heading("What to record"), *(text(f"\u2022 {r}", spacing="Small") for r in record)]
    who = payload.get("practitioner") or {}
    if who.get("name"):
        named = ", ".join(who[k] for k in ("name", "role", "organisation") if who.get(k))
        blocks.append(text(f"Consultation recorded for {named}.", weight="Bolder"))
    return blocks


def open_url_actions(payload: dict[str, Any]) -> list[dict[str, Any]]:
    actions, seen = [], set()
    for step in payload.get("next_steps") or []:
        for address in step.get("web") or []:
            target = web_target(address)
            if target and target not in seen and len(actions) < MAX_LINKS:
                seen.add(target)
                actions.append({"type": "Action.OpenUrl", "title": step.get("name") or address, "url": target})
    return actions


def recommendation_card(payload: Any, fallback_text: str | None = None) -> dict[str, Any]:
    """The recommendation as one card: 999 first when a child may be in danger, then where the
    guidance comes from, the level and why, the document's words, the named next steps with their
    published contacts (and the national lines where none of them has a phone number), and
    consent, follow-up and recording guidance. A malformed payload gives fallback_card."""
    try:
        check_required(payload)
        result = full_card(payload, fallback_text if isinstance(fallback_text, str) else None)
        check_sendable(result)
        return result
    except Exception:  # any shape of bad data: the payload crossed a process boundary
        logger.warning("A recommendation payload could not be drawn; sending the fallback card", exc_info=True)
        return fallback_card(payload, fallback_text)


def check_required(payload: dict[str, Any]) -> None:
    """Whose guidance it is and, by name, who to contact: a card without them is not safe to show."""
    authority, steps = payload.get("authority"), payload.get("next_steps")
    if not (isinstance(authority, dict) and isinstance(authority.get("name"), str) and authority["name"].strip()):
        raise ValueError("the payload names no authority")
    if not (isinstance(steps, list) and steps and all(isinstance(s, dict) and named(s) for s in steps)):
        raise ValueError("the payload has no named next steps")


def named(step: dict[str, Any]) -> bool:
    return isinstance(step.get("name"), str) and bool(step["name"].strip())


def check_sendable(result: dict[str, Any]) -> None:
    """Raises unless Teams can draw and accept the card: every text a string, and small enough."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in STRING_FIELDS and not isinstance(value, str):
                    raise TypeError(f"a card's {key} is not text")
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    if len(json.dumps(result, ensure_ascii=False)) > MAX_CARD_CHARS:
        raise ValueError("the card is too large for Teams")


def fallback_card(payload: Any, fallback_text: Any = None) -> dict[str, Any]:
    """What a malformed recommendation is sent as: the safe route, then the message's own plain
    text if it has one (cut short, so that the card can still be sent)."""
    own = payload if isinstance(payload, dict) else {}
    candidates = (fallback_text, own.get("text"), own.get("fallback_text"), own.get("fallback"))
    said = next((s.strip() for s in candidates if isinstance(s, str) and s.strip()), "")
    if len(said) > MAX_FALLBACK_CHARS:
        said = said[:MAX_FALLBACK_CHARS] + "\u2026"
    body = [text(FALLBACK_TEXT, weight="Bolder", color="Attention")] + ([text(said)] if said else [])
    return card(body, fallbackText=f"{FALLBACK_TEXT}\n\n{said}".strip())


DETAILS_ID = "details"


def short_blocks(short: dict[str, Any]) -> list[dict[str, Any]]:
    """The answer first (payload.short, made by the domain core): the level in the authority's words,
    what to do now and by when, and who to ring now, each number tap-to-call."""
    blocks = [text(short["level"], weight="Bolder", size="Medium", spacing="Medium")]
    blocks.append(text(f"**Do now:** {short['do_now']}"))
    if short.get("by_when"):
        blocks.append(text(f"**By when:** {short['by_when']}"))
    calls = [
        f"{c['name']}{' (national)' if c.get('national') else ''}: " + link(c["phone"], "tel:" + tel(c["phone"]))
        for c in short.get("calls") or []
    ]
    if calls:
        blocks.append(text("**Ring now:**\n\n" + "\n\n".join(calls)))
    return blocks


def detail_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Everything after the answer: whose guidance it is, why this level, the document's words, all
    the named next steps and their contacts, the national lines, consent, follow-up and recording."""
    body: list[dict[str, Any]] = []
    authority = (payload.get("authority") or {}).get("name", "")
    document = payload.get("document") or {}
    source = ", ".join(s for s in (document.get("title"), document.get("date")) if s)
    body += [text(authority, weight="Bolder", size="Medium", spacing="Medium")] if authority else []
    body += [text(source, isSubtle=True, spacing="None")] if source else []
    body += level_blocks(payload)
    body += indicator_blocks(payload)
    body.append(heading("Next steps"))
    for step in payload.get("next_steps") or []:
        body += step_blocks(step)
    body += national_blocks(payload, authority)
    body += guidance_blocks(payload)
    return body


def full_card(payload: dict[str, Any], fallback_text: str | None) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if payload.get("immediate_danger"):
        body.append(danger_block(payload))
    body += disclosure_blocks(payload)  # before the level: what not to do comes first
    short = payload.get("short")
    if not isinstance(short, dict):  # a payload from before the short part: everything, in order
        return card(body + detail_blocks(payload), open_url_actions(payload), fallbackText=fallback_text)
    # The answer first; the rest behind "Details", so that a phone shows the answer on one screen.
    body += short_blocks(short)
    details = detail_blocks(payload)
    record = payload.get("consultation_record")
    if isinstance(record, dict) and isinstance(record.get("reference"), str):
        # The reference on the answer, to quote to the designated safeguarding lead; its text in Details.
        body.append(text(f"Your record: {record['reference']}", isSubtle=True))
    toggle = {"type": "Action.ToggleVisibility", "title": "Details", "targetElements": [DETAILS_ID]}

    def drawn(extra: list[dict[str, Any]]) -> dict[str, Any]:
        hidden = {"type": "Container", "id": DETAILS_ID, "isVisible": False, "items": details + extra}
        return card([*body, hidden], [toggle, *open_url_actions(payload)], fallbackText=fallback_text)

    if isinstance(record, dict) and isinstance(record.get("text"), str):
        with_text = drawn([heading("Your record"), text(record["text"], fontType="Monospace")])
        if len(json.dumps(with_text, ensure_ascii=False)) <= MAX_CARD_CHARS:
            return with_text
        # Too long to send in one card: how to get it, instead of a card Teams would refuse.
        return drawn([text(f"Send \u201crecord {record['reference']}\u201d to get your record's text.")])
    return drawn([])
