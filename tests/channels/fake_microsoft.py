"""Microsoft's side of a Teams bot on loopback, so the channel is tested without the internet.

An aiohttp server in a background thread on 127.0.0.1 plays:
- the Bot Framework OpenID metadata (GET /openid) and its signing keys (GET /keys), with a real
  RSA key pair and key id, counting how often each is fetched;
- the token endpoint (POST /token, client_credentials for one app id and secret);
- the Bot Connector (POST /v3/conversations/{id}/activities), which accepts only a token it
  issued and records every activity the bot sends.

`mint` signs the token Microsoft would send with an activity (or a wrong one), `activity` builds a
Teams message as Teams would post it.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
import time
import uuid
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

APP_ID = "00000000-1111-4222-8333-444444444444"
APP_PASSWORD = "not-a-real-secret"
ISSUER = "https://api.botframework.com"
SCOPE = "https://api.botframework.com/.default"
KID = "fake-signing-key-1"
TENANT = "55555555-6666-4777-8888-999999999999"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeMicrosoft:
    def __init__(self, app_id: str = APP_ID, app_password: str = APP_PASSWORD, endorsements=("msteams",)):
        self.app_id, self.app_password = app_id, app_password
        self.key, self.other_key = new_key(), new_key()
        self.kid = KID
        self.extra_keys: dict[str, rsa.RSAPrivateKey] = {}  # published too (key rotation)
        self.endorsements = list(endorsements)
        self.openid_fetches = self.keys_fetches = self.token_requests = 0
        self.keys_available = True
        self.connector_status: int | None = None  # answer this instead of 201, to simulate failures
        self.tokens_issued: list[str] = []
        self.posts: list[dict[str, Any]] = []  # {"conversation_id", "activity", "authorization"}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]

    # addresses -------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openid_url(self) -> str:
        return f"{self.base_url}/openid"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    # the server ------------------------------------------------------------------------------
    def start(self) -> FakeMicrosoft:
        self._thread = threading.Thread(target=self._serve, name="fake-microsoft", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fake Microsoft server did not start")
        return self

    def stop(self) -> None:
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> FakeMicrosoft:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _serve(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = web.Application()
        app.router.add_get("/openid", self._openid)
        app.router.add_get("/keys", self._keys)
        app.router.add_post("/token", self._token)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._activities)
        runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.SockSite(runner, self._socket).start())
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            loop.close()

    async def _openid(self, request: web.Request) -> web.Response:
        with self._lock:
            self.openid_fetches += 1
        return web.json_response(
            {
                "issuer": ISSUER,
                "authorization_endpoint": f"{self.base_url}/authorize",
                "jwks_uri": f"{self.base_url}/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        with self._lock:
            self.keys_fetches += 1
        if not self.keys_available:
            return web.json_response({"error": "unavailable"}, status=503)
        keys = [self.jwk(self.key, self.kid)] + [self.jwk(k, kid) for kid, k in self.extra_keys.items()]
        return web.json_response({"keys": keys})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        with self._lock:
            self.token_requests += 1
        if form.get("grant_type") != "client_credentials" or form.get("scope") != SCOPE:
            return web.json_response({"error": "invalid_request"}, status=400)
        if form.get("client_id") != self.app_id or form.get("client_secret") != self.app_password:
            return web.json_response({"error": "invalid_client", "error_description": "bad client"}, status=401)
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens_issued.append(token)
        return web.json_response({"token_type": "Bearer", "expires_in": 3599, "access_token": token})

    async def _activities(self, request: web.Request) -> web.Response:
        authorization = request.headers.get("Authorization", "")
        with self._lock:
            known = authorization.removeprefix("Bearer ") in self.tokens_issued
        if not known:
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        activity = json.loads(await request.read())
        with self._lock:
            self.posts.append({"conversation_id": request.match_info["conversation_id"], "activity": activity})
        if self.connector_status:
            return web.json_response({"error": {"code": "BadArgument"}}, status=self.connector_status)
        return web.json_response({"id": f"activity-{uuid.uuid4().hex[:8]}"}, status=201)

    # what Microsoft sends ---------------------------------------------------------------------
    def jwk(self, key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        return {**public, "kid": kid, "use": "sig", "endorsements": self.endorsements}

    def mint(
        self,
        *,
        aud: str | None = None,
        iss: str = ISSUER,
        service_url: str | None = None,
        service_url_claim: str = "serviceurl",
        expired: bool = False,
        not_yet: bool = False,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        **claims: Any,
    ) -> str:
        """A token as the Bot Connector signs it; the options make it wrong in one way each."""
        now = int(time.time())
        if expired:
            issued = now - 3600 - 600  # expired ten minutes ago: beyond the 5-minute leeway
        elif not_yet:
            issued = now + 900
        else:
            issued = now - 10
        payload = {"iss": iss, "aud": aud or self.app_id, "nbf": issued, "iat": issued, "exp": issued + 3600, **claims}
        payload[service_url_claim] = service_url or self.base_url
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def unsigned(self, **claims: Any) -> str:
        """A token with alg "none": no signature at all."""
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": self.app_id, "nbf": now, "exp": now + 3600, "serviceurl": self.base_url}
        return jwt.encode({**payload, **claims}, None, algorithm="none", headers={"kid": self.kid})

    def activity(
        self,
        text: str | None = None,
        *,
        value: Any = None,
        conversation_id: str = "a:conversation-1",
        name: str = "Sam Patel",
        aad_object_id: str = "aad-object-1",
        kind: str = "message",
        service_url: str | None = None,
    ) -> dict[str, Any]:
        """A Teams activity in a personal chat, as Microsoft posts it to the bot."""
        activity: dict[str, Any] = {
            "type": kind,
            "id": f"1{uuid.uuid4().int % 10**12}",
            "timestamp": "2026-11-24T10:30:00.000Z",
            "serviceUrl": service_url or self.base_url,
            "channelId": "msteams",
            "from": {"id": "29:user-1", "name": name, "aadObjectId": aad_object_id},
            "conversation": {"conversationType": "personal", "tenantId": TENANT, "id": conversation_id},
            "recipient": {"id": f"28:{self.app_id}", "name": "Thresholds Assistant"},
            "channelData": {"tenant": {"id": TENANT}},
            "locale": "en-GB",
        }
        if text is not None:
            activity["text"] = text
            activity["textFormat"] = "plain"
        if value is not None:
            activity["value"] = value
        return activity

    # what the bot sent -------------------------------------------------------------------------
    def sent(self, conversation_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [p["activity"] for p in self.posts if conversation_id in (None, p["conversation_id"])]

    def wait_for(self, conversation_id: str, count: int, timeout: float = 30) -> list[dict[str, Any]]:
        """The bot's activities in a conversation once there are at least `count` (polls)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            activities = self.sent(conversation_id)
            if len(activities) >= count:
                return activities
            time.sleep(0.05)
        return self.sent(conversation_id)
