"""The audit of consultations, for a safeguarding lead or administrator: who consulted, when, which
authority, the level and first named next step given, the feedback and what the DSL or front door
decided; never the child (threshold_kb/store/audit.py).

Command (reads THRESHOLDS_RECORDS_URL, else build/conversations.sqlite; or --url):

  python -m bot.audit [--since YYYY-MM-DD] [--csv FILE|-]   list (a table), or CSV to FILE or stdout
  python -m bot.audit --summary [--since YYYY-MM-DD]        feedback per authority: verdicts, and
                                                            how often the DSL decided the same level

HTTP, on the Rasa server (add_audit_route), behind its own secret, THRESHOLDS_AUDIT_TOKEN
(bot/secrets.py; generated into build/secrets/audit_token when unset):

  GET /audit.csv[?since=YYYY-MM-DD]    text/csv
  GET /audit.json[?since=YYYY-MM-DD]   {"rows": [...], "summary": {...}}
  401 without `Authorization: Bearer <audit token>`, and always with the practitioners' REST token;
  400 for a bad `since`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date
from typing import Any

from bot.secrets import bearer_matches, secret

logger = logging.getLogger(__name__)

UNAUTHORISED = "unauthorised: send Authorization: Bearer <audit token> (THRESHOLDS_AUDIT_TOKEN)"


def authorised(header: str | None) -> bool:
    """The audit token, and never the REST token: if the two were set the same, no one gets in."""
    if secret("audit_token") == secret("rest_token"):
        logger.error("audit: THRESHOLDS_AUDIT_TOKEN is the REST token; the audit is refused until it differs")
        return False
    return bearer_matches(header, "audit_token")


def parse_since(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def add_audit_route(app: Any) -> None:
    from sanic import response

    from threshold_kb.store import audit, records

    async def rows_for(request: Any) -> Any:
        if not authorised(request.headers.get("Authorization")):
            return response.json({"error": UNAUTHORISED}, status=401)
        try:
            since = parse_since(request.args.get("since"))
        except ValueError:
            return response.json({"error": "since: a date, YYYY-MM-DD"}, status=400)
        return await asyncio.get_running_loop().run_in_executor(None, audit.audit_rows, records.shared(), since)

    @app.get("/audit.csv")
    async def audit_csv(request: Any) -> Any:
        rows = await rows_for(request)
        if not isinstance(rows, list):
            return rows
        return response.text(audit.to_csv(rows), content_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"',
                                      "Cache-Control": "no-store"})

    @app.get("/audit.json")
    async def audit_json(request: Any) -> Any:
        rows = await rows_for(request)
        if not isinstance(rows, list):
            return rows
        return response.json({"rows": rows, "summary": audit.summary(rows)}, headers={"Cache-Control": "no-store"})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--since", type=date.fromisoformat, help="consultations on or after this date (UTC)")
    parser.add_argument("--csv", metavar="FILE|-", help="write CSV to FILE, or to stdout with -")
    parser.add_argument("--summary", action="store_true", help="feedback per authority, not one row each")
    parser.add_argument("--url", help="records database; default: THRESHOLDS_RECORDS_URL")
    args = parser.parse_args(argv)

    from threshold_kb.store import audit, records

    store = records.RecordStore.from_url(args.url) if args.url else records.shared()
    rows = audit.audit_rows(store, args.since)
    if args.summary:
        print(audit.summary_text(audit.summary(rows)))
    elif args.csv:
        text = audit.to_csv(rows)
        if args.csv == "-":
            sys.stdout.write(text)
        else:
            with open(args.csv, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            print(f"{len(rows)} consultation(s) written to {args.csv}", file=sys.stderr)
    else:
        shown = ("reference", "created_at", "practitioner_name", "practitioner_organisation", "authority", "level",
                 "first_next_step", "feedback_verdict", "dsl_decision")
        print("\t".join(shown))
        for row in rows:
            print("\t".join(str(row[k]) for k in shown))
        print(f"{len(rows)} consultation(s)", file=sys.stderr)


if __name__ == "__main__":
    main()
