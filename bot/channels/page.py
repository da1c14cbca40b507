"""The web page: served by the Rasa server itself at /chat/, so the widget and its socket share one
origin and nothing comes from a CDN.

Configured under `bot.channels.page.WebPageInput` in credentials.yml. It receives no messages (the
socket.io channel does); it serves `web/index.html` with its settings, the project's own script and
style from `web/assets/`, and rasa-webchat's bundle from `web/node_modules` (installed by
`make setup` with `npm ci`).

A hosting site that signs its users in can pass the practitioner in request headers (by default
`X-Practitioner-Name`, `-Role` and `-Organisation`); the page then does not ask. The headers are
read only from the addresses in THRESHOLDS_TRUSTED_PROXIES (none by default): a proxy that sets
them itself, removing any the browser sent. From anyone else they are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.practitioner import practitioner
from bot.settings import record_retention_days, retention_days, trusted_proxies
from threshold_kb.config import PROJECT_ROOT

WEB = PROJECT_ROOT / "web"
ASSETS = {
    "app.js": "text/javascript",
    "card.js": "text/javascript",
    "record_pdf.js": "text/javascript",
    "app.css": "text/css",
}
WEBCHAT_BUNDLE = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"
DEFAULT_HEADERS = {
    "name": "X-Practitioner-Name",
    "role": "X-Practitioner-Role",
    "organisation": "X-Practitioner-Organisation",
}
# Same origin only: the widget's bundled stylesheet @imports a web font, which this blocks.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; font-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def page_settings(
    headers: Mapping[str, str], header_names: dict[str, str], socket_path: str, from_trusted_proxy: bool = True
) -> dict[str, Any]:
    """What the page script needs: where the socket is, and the signed-in practitioner if any."""
    signed_in = None
    if from_trusted_proxy:
        signed_in = practitioner({field: headers.get(name) for field, name in header_names.items()}, "sign-in")
    kept = {"conversationDays": _whole(retention_days()), "recordDays": _whole(record_retention_days())}
    return {"socketPath": socket_path, "practitioner": signed_in, "kept": kept}


def _whole(days: float) -> float | int:
    return int(days) if float(days).is_integer() else days


def render(template: str, settings: dict[str, Any]) -> str:
    # "<" escaped so that no value can close the <script> element it is embedded in.
    embedded = json.dumps(settings).replace("<", "\\u003c")
    return template.replace("{{settings}}", embedded)


class WebPageInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "web_page"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            header_names={**DEFAULT_HEADERS, **(credentials.get("identity_headers") or {})},
            socket_path=credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(self, header_names: dict[str, str] | None = None, socket_path: str = "/socket.io") -> None:
        self.header_names = header_names or dict(DEFAULT_HEADERS)
        self.socket_path = socket_path

    def url_prefix(self) -> str:
        return "/chat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        page = Blueprint("web_page", __name__)

        @page.route("/", methods=["GET"])
        async def index(request: Request) -> HTTPResponse:
            trusted = request.ip in trusted_proxies()
            settings = page_settings(request.headers, self.header_names, self.socket_path, trusted)
            html = render((WEB / "index.html").read_text(encoding="utf-8"), settings)
            return response.html(html, headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})

        @page.route("/assets/<name>", methods=["GET"])
        async def asset(request: Request, name: str) -> HTTPResponse:
            if name not in ASSETS:
                return response.text("Not found", status=404)
            return await static(WEB / "assets" / name, ASSETS[name])

        @page.route("/vendor/webchat.js", methods=["GET"])
        async def webchat(request: Request) -> HTTPResponse:
            if not WEBCHAT_BUNDLE.exists():
                return response.text("rasa-webchat is not installed: run `make setup`.", status=503)
            return await static(WEBCHAT_BUNDLE, "text/javascript")

        return page


async def static(path: Path, content_type: str) -> HTTPResponse:
    return await response.file(path, mime_type=content_type, headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})
