"""The audit of consultations for a safeguarding lead or administrator: who consulted, when, which
authority, which level and first named next step were given, the practitioner's feedback ("Was this
right?"), and what their DSL or the front door decided. Never the child: no worry, no Signs of
Safety map, no answers; the feedback comment is redacted before it is kept.

Built on `consultation_records` and the `consultation_feedback` table beside it
(threshold_kb/store/records.py), in the same database and purged with the records
(THRESHOLDS_RECORD_RETENTION_DAYS). Read by `python -m bot.audit` and GET /audit.csv (bot/audit.py).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa

from threshold_kb.feedback import MAX_COMMENT, NOT_YET, VERDICTS, decision_label
from threshold_kb.redaction import Redactor, default_redactor
from threshold_kb.store.records import RecordStore, feedback, records

COLUMNS = (
    "reference", "created_at", "practitioner_name", "practitioner_role", "practitioner_organisation",
    "authority", "level", "level_label", "first_next_step", "feedback_verdict", "feedback_comment",
    "dsl_decision", "feedback_at",
)


def _iso(moment: datetime | None) -> str:
    """A stored UTC time as ISO 8601 with its offset ("2026-11-24T10:30:00+00:00")."""
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds") if moment else ""


def save_feedback(
    store: RecordStore,
    reference: str,
    verdict: str | None = None,
    decision: str | None = None,
    comment: str | None = None,
    now: datetime | None = None,
    redactor: Redactor | None = None,
) -> bool:
    """Keeps feedback on the record `reference`, merged with any given before (a later verdict or
    decision replaces the earlier one; comments are added). The comment is redacted first.
    False when there is no such record (nothing is kept)."""
    if verdict is not None and verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    store._ensure()
    text = (redactor or default_redactor()).redact(comment[:MAX_COMMENT]).text.strip() if comment else ""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
    with store.engine.begin() as connection:
        if connection.execute(sa.select(records.c.id).where(records.c.reference == reference)).first() is None:
            return False
        row = connection.execute(sa.select(feedback).where(feedback.c.reference == reference)).first()
        if row is None:
            connection.execute(feedback.insert().values(
                reference=reference, given_at=moment, verdict=verdict, decision=decision, comment=text or None))
        else:
            comments = " / ".join(c for c in (row.comment, text) if c)
            connection.execute(feedback.update().where(feedback.c.reference == reference).values(
                given_at=moment, verdict=verdict or row.verdict, decision=decision or row.decision,
                comment=comments or None))
    return True


def _summary_of(content: str) -> tuple[str, str]:
    """The level's label and the first named next step, read from the record (nothing else of it)."""
    try:
        d = json.loads(content)
    except ValueError:
        return "", ""
    level = (d.get("level") or {}).get("label") or ""
    steps = d.get("next_steps") or []
    return level, (steps[0].get("name") or "") if steps else ""


def audit_rows(store: RecordStore, since: date | datetime | None = None) -> list[dict[str, Any]]:
    """One row per consultation (oldest first) made on or after `since` (UTC), with its feedback."""
    store._ensure()
    query = sa.select(
        records.c.reference, records.c.created_at, records.c.practitioner_name, records.c.practitioner_role,
        records.c.practitioner_organisation, records.c.authority, records.c.level, records.c.content,
        feedback.c.verdict, feedback.c.comment, feedback.c.decision, feedback.c.given_at,
    ).select_from(records.outerjoin(feedback, feedback.c.reference == records.c.reference))
    if since is not None:
        start = since if isinstance(since, datetime) else datetime(since.year, since.month, since.day)
        query = query.where(records.c.created_at >= start.replace(tzinfo=None))
    with store.engine.connect() as connection:
        result = connection.execute(query.order_by(records.c.created_at, records.c.id)).all()
    rows = []
    for r in result:
        label, step = _summary_of(r.content)
        rows.append({
            "reference": r.reference,
            "created_at": _iso(r.created_at),
            "practitioner_name": r.practitioner_name or "",
            "practitioner_role": r.practitioner_role or "",
            "practitioner_organisation": r.practitioner_organisation or "",
            "authority": r.authority,
            "level": r.level if r.level is not None else "",
            "level_label": label,
            "first_next_step": step,
            "feedback_verdict": r.verdict or "",
            "feedback_comment": r.comment or "",
            "dsl_decision": decision_label(r.decision),
            "feedback_at": _iso(r.given_at),
        })
    return rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:  # a cell starting = + - @ would be a formula in a spreadsheet: quoted as text
        writer.writerow({k: ("'" + v if isinstance(v, str) and v and v[0] in "=+-@" else v) for k, v in row.items()})
    return out.getvalue()


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Feedback per authority: how many consultations, each verdict's count, and how often the level
    suggested was the one the DSL or front door decided (of those decided)."""
    by_authority: dict[str, dict[str, Any]] = defaultdict(lambda: {"consultations": 0, "verdicts": Counter(),
                                                                  "decided": 0, "agreed": 0, "not_yet": 0})
    for row in rows:
        s = by_authority[row["authority"]]
        s["consultations"] += 1
        s["verdicts"][row["feedback_verdict"] or "none"] += 1
        decision = row["dsl_decision"]
        if decision == decision_label(NOT_YET):
            s["not_yet"] += 1
        elif decision:
            s["decided"] += 1
            s["agreed"] += int(decision == f"Level {row['level']}")
    return {a: {**s, "verdicts": dict(s["verdicts"]),
                "agreement": round(s["agreed"] / s["decided"], 3) if s["decided"] else None}
            for a, s in sorted(by_authority.items())}


def summary_text(report: dict[str, Any]) -> str:
    head = ["authority", "consultations", *VERDICTS, "none", "dsl decided", "same level", "not yet"]
    lines = ["\t".join(head)]
    for authority, s in report.items():
        v = s["verdicts"]
        agreed = f"{s['agreed']} ({s['agreement']:.0%})" if s["decided"] else "0"
        lines.append("\t".join(str(x) for x in (
            authority, s["consultations"], *(v.get(k, 0) for k in VERDICTS), v.get("none", 0), s["decided"],
            agreed, s["not_yet"])))
    return "\n".join(lines)
