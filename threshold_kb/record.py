"""The consultation record: what a practitioner takes to their designated safeguarding lead or the
front door at the end of a consultation, under a reference they can quote and get back.

Peterborough withdrew its anonymous "What If" line because nameless, unrecorded consultations let
concerns about the same child go unconnected. So every recommendation ends with a record: who
asked (the practitioner, never the child), when (Europe/London), which document, the worry with
every personal detail replaced ([NAME], [ADDRESS]...), the Signs of Safety map, the questions and
the answers, the level with its quoted reasons and what would change it, the named next steps
(only the knowledge base's contacts), consent and what to record.

Pure: no Rasa, no database (threshold_kb/store/records.py keeps it). `compose` redacts the worry
with the project's redactor, then scrubs every string of the record with the spans it found, so a
name quoted back in a reason ("you said ...") is replaced there too.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from threshold_kb.clock import LONDON
from threshold_kb.recommend import Recommendation, to_payload
from threshold_kb.redaction import Redactor, Scrubber, default_redactor

RECORD_TYPE = "consultation_record"
RECORD_VERSION = 1
# No 0/O, 1/I/L, U: nothing to misread over the phone or copy wrongly. 30 symbols, 8 of them:
# about 6.6e11 references (39 bits), and a record is only given to the practitioner who made it.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE = re.compile(r"\bTA-?([0-9A-Z]{4})-?([0-9A-Z]{4})\b", re.IGNORECASE)
SKIPPED = "not sure (skipped)"


def new_reference() -> str:
    """A fresh reference such as TA-7K3M-Q9XD: random (secrets), never derived from the child."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"TA-{chars[:4]}-{chars[4:]}"


def find_reference(text: str) -> str | None:
    """The reference a message quotes ("record ta-7k3m-q9xd", "TA7K3MQ9XD"), in its canonical form."""
    match = REFERENCE.search(text or "")
    if not match:
        return None
    head, tail = match.group(1).upper(), match.group(2).upper()
    return f"TA-{head}-{tail}" if all(c in ALPHABET for c in head + tail) else None


ASKING_WORDS = 8  # "can I have record TA-7K3M-Q9XD please": a short message quoting a reference


def asked_for(text: str) -> str | None:
    """The reference a short message asks for ("record TA-7K3M-Q9XD", or the reference alone); a
    longer message that happens to quote one is about something else."""
    return find_reference(text) if text and len(text.split()) <= ASKING_WORDS else None


@dataclass(frozen=True)
class ConsultationRecord:
    """The record as a structured dict (for cards and JSON) and as plain text (chat, clipboard)."""

    data: dict[str, Any]

    @property
    def reference(self) -> str:
        return self.data["reference"]

    def as_dict(self) -> dict[str, Any]:
        return self.data

    def text(self) -> str:
        return render_text(self.data)


def _practitioner(who: dict[str, Any] | None) -> dict[str, str | None]:
    who = who or {}
    return {k: (str(who[k]) if who.get(k) else None) for k in ("name", "role", "organisation")}


def _triage_questions(rec: Recommendation, answers: dict[str, str] | None) -> list[dict[str, str]]:
    """Each question the practitioner answered, in its words, with the answer's words."""
    from threshold_kb.triage.qualifiers import qualifiers

    t = rec.assessment.triage
    asked = dict(answers or {})
    if t is not None:
        asked = {name: t.facts.get(name, asked.get(name)) for name in t.asked} | {
            k: v for k, v in asked.items() if k not in t.asked
        }
    rows = []
    for name, value in asked.items():
        q = qualifiers().get(name)
        if q is None or value is None:
            continue
        try:
            said = q.value(value).title
        except (KeyError, ValueError, StopIteration):
            said = str(value)
        rows.append({"qualifier": name, "question": q.text, "answer": said})
    return rows


def _reasons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The quoted words that place the level, each with its citation."""
    reasons: list[dict[str, Any]] = []
    triage = payload.get("triage") or {}
    if triage.get("red_flag"):
        flag = triage["red_flag"]
        reasons.append({"quote": flag["quote"], "cite": flag["cite"], "kind": "always statutory"})
    if triage.get("rule"):
        rule = triage["rule"]
        reasons.append({"quote": rule["quote"], "cite": rule["cite"], "kind": "level rule"})
    seen: set[str] = set()
    level = (payload.get("level") or {}).get("number")
    for indicator in payload.get("indicators", []):  # evidence at the level given, never another
        if indicator["text"] in seen or len(seen) == 3 or indicator["level"] != level:
            continue
        seen.add(indicator["text"])
        reasons.append({"quote": indicator["text"], "cite": indicator["cite"], "kind": "matched indicator"})
    for rule in payload.get("rules", []):
        if rule["kind"] == "combination" and rule.get("cite"):
            reasons.append({"quote": rule["detail"], "cite": rule["cite"], "kind": "combination"})
    return reasons


def _step(step: dict[str, Any]) -> dict[str, Any]:
    keep = ("name", "role", "phones", "emails", "web", "hours", "status", "asks_for", "note", "cite")
    return {k: step.get(k) for k in keep}


def compose(
    rec: Recommendation,
    worry: str,
    practitioner: dict[str, Any] | None = None,
    sos: Any = None,
    answers: dict[str, str] | None = None,
    reference: str | None = None,
    redactor: Redactor | None = None,
) -> ConsultationRecord:
    """The record of one consultation, with nothing that identifies the child.

    `sos` is the Signs of Safety map (threshold_kb.replies.SignsOfSafetyAnswers); `answers` the
    practitioner's triage answers (qualifier -> value), used when the triage does not list them."""
    redaction = (redactor or default_redactor()).redact(worry or "")
    scrub = Scrubber(redaction.spans)
    payload = to_payload(rec)
    a = rec.assessment
    moment = rec.moment.astimezone(LONDON) if rec.moment.tzinfo else rec.moment.replace(tzinfo=LONDON)
    sos_map = sos.as_payload() if sos is not None else {}
    triage = payload.get("triage") or {}
    data: dict[str, Any] = {
        "type": RECORD_TYPE,
        "version": RECORD_VERSION,
        "reference": reference or new_reference(),
        "created_at": moment.isoformat(timespec="seconds"),
        "practitioner": _practitioner(practitioner),
        "authority": payload["authority"],
        "document": {"title": payload["document"]["title"], "date": payload["document"]["date"],
                     "age_warning": payload["document"]["age_warning"]},
        "worry": redaction.text,
        "immediate_danger": a.immediate_danger,
        "signs_of_safety": {
            "worried": sos_map.get("worried"),
            "working_well": sos_map.get("working_well"),
            "needs_to_happen": sos_map.get("needs_to_happen"),
            "scale": sos_map.get("scale"),
        },
        "questions": _triage_questions(rec, answers),
        "level": payload["level"],
        "alternative_level": payload["alternative_level"],
        "decided": triage.get("decided", payload["level"] is not None),
        "why": payload["why"],
        "reasons": _reasons(payload),
        "changes": [
            {"if": c["if"], "level": c["level"], "quote": c["quote"], "cite": c["cite"]}
            for c in triage.get("changes", [])
        ],
        "next_steps": [_step(s) for s in payload["next_steps"]],
        "national_routes": payload["national_routes"],
        "written_followup": payload["written_followup"],
        "consent": payload["consent"],
        "what_to_record": payload["record"],
    }
    # A phrase of the worry quoted back (the red flag's words, a danger phrase) is scrubbed too.
    return ConsultationRecord(scrub.value(data, frozenset({"practitioner", "reference", "created_at"})))


# -- plain text --------------------------------------------------------------------------------
def _cite(c: dict[str, Any] | None) -> str:
    return f" ({c['text']})" if c and c.get("text") else ""


def _when(iso: str) -> str:
    moment = datetime.fromisoformat(iso).astimezone(LONDON)
    return moment.strftime("%a %d %b %Y, %H:%M") + f" ({moment.tzname()}, Europe/London)"


def render_text(d: dict[str, Any]) -> str:
    """The record as plain text, for the chat and for copying into one's own system."""
    who = d["practitioner"]
    person = ", ".join(v for v in (who.get("name"), who.get("role"), who.get("organisation")) if v) or "not named"
    doc = d["document"]
    lines = [
        f"Consultation record {d['reference']}",
        f"Practitioner: {person}",
        f"Date and time: {_when(d['created_at'])}",
        f"Authority: {d['authority']['name']}",
        f"Document: {doc['title']}" + (f" ({doc['date']})" if doc.get("date") else " (undated)"),
    ]
    if doc.get("age_warning"):
        lines.append(f"  {doc['age_warning']}")
    lines.append(f"Worry (personal details removed): {d['worry']}")
    if d.get("immediate_danger"):
        lines.append("The child may have been in danger at the time: 999 was advised first.")
    sos = d["signs_of_safety"]
    lines.append("Signs of Safety map:")
    for title, key in (("What are we worried about?", "worried"), ("What's working well?", "working_well"),
                       ("What needs to happen?", "needs_to_happen")):
        lines.append(f"- {title} {sos.get(key) or 'not said'}")
    scale = sos.get("scale")
    lines.append(f"- Safety scale (0-10): {scale if scale is not None else 'not given'}")
    lines.append("Questions and answers:" if d["questions"] else "Questions and answers: none asked")
    lines.extend(f"- {q['question']} {q['answer']}" for q in d["questions"])
    level = d.get("level")
    if level:
        state = "" if d.get("decided", True) else " (range still open: your designated safeguarding lead decides)"
        lines.append(f"Level: {level['label']}{_cite(level.get('cite'))}{state}")
    else:
        lines.append("Level: not placed (no level guessed)")
    lines.append(f"Why: {d['why']}")
    for reason in d["reasons"]:
        lines.append(f'- "{" ".join(reason["quote"].split())}"{_cite(reason.get("cite"))}')
    if d["changes"]:
        lines.append("What would change it:")
        lines.extend(f'- If {c["if"]}: {c["level"]}, "{c["quote"]}"{_cite(c.get("cite"))}' for c in d["changes"])
    lines.append("Next steps:")
    for number, step in enumerate(d["next_steps"], 1):
        details = ", ".join([*(step.get("phones") or []), *(step.get("emails") or []), *(step.get("web") or [])])
        line = f"{number}. {step['name']}" + (f": {details}" if details else "")
        if step.get("hours"):
            line += f"; hours: {' '.join(step['hours'].split())}"
        lines.append(line + _cite(step.get("cite")))
    for route in d.get("national_routes") or []:
        lines.append(f"- National: {route.get('name')}: {', '.join(route.get('phones') or route.get('emails') or [])}")
    fu = d.get("written_followup")
    if fu:
        lines.append(f'Written follow-up: within {fu["hours"]} hours. "{fu["quote"]}"{_cite(fu.get("cite"))}')
    for rule in d["consent"]:
        lines.append(f'Consent: "{" ".join(rule["quote"].split())}"{_cite(rule.get("cite"))}')
    lines.append("What to record in your own system:")
    lines.extend(f"- {note}" for note in d["what_to_record"])
    lines.append(
        f"Get this record back by its reference ({d['reference']}) while it is kept; it is not the "
        "safeguarding record: record your concern in your organisation's own system."
    )
    return "\n".join(lines)
