"""GET /records/<reference>: a consultation record, back to the practitioner who made it.

Behind the REST channel's token (`Authorization: Bearer <THRESHOLDS_REST_TOKEN>`, bot/secrets.py),
and for the named practitioner only: the caller says who the practitioner is in
`X-Practitioner-Name` and `X-Practitioner-Organisation` (as the signing-in proxy does for the web
page), and gets the record only if it was made by that name in that organisation.

  401  no token, or the wrong one
  403  no practitioner named
  404  no such record, or someone else's (the two are not told apart)
  200  JSON {"record": {...}, "text": "..."}; text/plain with `Accept: text/plain` or `?format=text`
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.channels.practitioner import clean
from bot.secrets import bearer_matches
from threshold_kb.record import find_reference

NAME_HEADER, ORGANISATION_HEADER = "X-Practitioner-Name", "X-Practitioner-Organisation"
NOT_FOUND = "no record with that reference for this practitioner"


def wants_text(request: Any) -> bool:
    accept = request.headers.get("Accept", "")
    return request.args.get("format") == "text" or ("text/plain" in accept and "application/json" not in accept)


def add_records_route(app: Any) -> None:
    from sanic import response

    from threshold_kb.store import records

    @app.get("/records/<reference>")
    async def record(request: Any, reference: str) -> Any:
        if not bearer_matches(request.headers.get("Authorization"), "rest_token"):
            return response.json({"error": "unauthorised: send Authorization: Bearer <REST token>"}, status=401)
        who = {"name": clean(request.headers.get(NAME_HEADER)),
               "organisation": clean(request.headers.get(ORGANISATION_HEADER))}
        if not who["name"]:
            return response.json({"error": f"say whose record this is: {NAME_HEADER} and {ORGANISATION_HEADER}"},
                                 status=403)
        canonical = find_reference(reference)
        found = None
        if canonical:
            found = await asyncio.get_running_loop().run_in_executor(None, records.shared().get, canonical, who)
        if found is None:
            return response.json({"error": NOT_FOUND}, status=404)
        if wants_text(request):
            return response.text(found.text())
        return response.json({"record": found.as_dict(), "text": found.text()})
