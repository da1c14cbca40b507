"""Microsoft's side of Teams authentication: the channel's settings, the signing keys (fetched on
first need, cached, refetched daily or for an unknown key id), and the check of every incoming
token as the Bot Framework authentication spec asks (RS256 only, issuer, audience, expiry with
5 minutes' leeway, the serviceUrl claim, the key's endorsements)."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm

logger = logging.getLogger(__name__)

OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
ISSUER = "https://api.botframework.com"
SCOPE = "https://api.botframework.com/.default"
TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
MULTI_TENANT = "botframework.com"
ENV = {
    "app_id": "MICROSOFT_APP_ID",
    "app_password": "MICROSOFT_APP_PASSWORD",
    "tenant_id": "MICROSOFT_APP_TENANT_ID",
    "openid_metadata_url": "TEAMS_OPENID_METADATA_URL",
    "token_url": "TEAMS_TOKEN_URL",
    "issuer": "TEAMS_TOKEN_ISSUER",
}

ALGORITHM = "RS256"  # the only algorithm accepted, whatever a token's header says
LEEWAY = 300  # seconds of clock skew allowed on exp/nbf: the Bot Framework's 5 minutes
KEYS_MAX_AGE = 24 * 3600  # refetch the signing keys daily
UNKNOWN_KEY_REFRESH = 300  # at most one refetch per 5 minutes caused by an unknown key id
FAILED_FETCH_RETRY = 10  # seconds before trying again after Microsoft could not be reached
HTTP_TIMEOUT = 10  # seconds for every call to Microsoft
BEARER = re.compile(r"Bearer\s+(\S+)", re.IGNORECASE)
NOT_CONFIGURED = (
    "The Microsoft Teams channel is not configured: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD "
    "(or app_id and app_password under bot.channels.teams.TeamsInput in credentials.yml)."
)


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str | None = None
    app_password: str | None = None
    tenant_id: str | None = None
    openid_metadata_url: str = OPENID_METADATA_URL
    token_url: str = TOKEN_URL.format(tenant=MULTI_TENANT)
    issuer: str = ISSUER
    scope: str = SCOPE

    @classmethod
    def from_sources(cls, credentials: Mapping[str, Any] | None, environ: Mapping[str, str] = os.environ):
        """Each setting from credentials.yml, else its environment variable, else the default."""

        def get(key: str) -> str | None:
            value = (credentials or {}).get(key)
            if value is None or str(value).strip() == "":
                value = environ.get(ENV.get(key, ""), "")
            return str(value).strip() or None

        tenant = get("tenant_id")
        return cls(
            app_id=get("app_id"),
            app_password=get("app_password"),
            tenant_id=tenant,
            openid_metadata_url=get("openid_metadata_url") or OPENID_METADATA_URL,
            token_url=get("token_url") or TOKEN_URL.format(tenant=tenant or MULTI_TENANT),
            issuer=get("issuer") or ISSUER,
            scope=get("scope") or SCOPE,
        )

    @property
    def configured(self) -> bool:
        return bool(self.app_id and self.app_password)


class Rejected(Exception):
    """A request that fails authentication: the reason is logged and 401 answered."""


class KeysUnavailable(Exception):
    """Microsoft's signing keys could not be fetched and none are cached: 503."""


def http_session() -> aiohttp.ClientSession:
    """Short-lived, with a timeout; honours HTTPS_PROXY/NO_PROXY (outbound proxies are common where
    practitioners work)."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT), trust_env=True)


async def get_json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url) as answer:
        answer.raise_for_status()
        return await answer.json(content_type=None)


class SigningKeys:
    """Microsoft's token signing keys by key id: fetched on first need (never at start), refetched
    daily, and once more (rate-limited) when a token names a key id not in the cache."""

    def __init__(self, metadata_url: str, clock: Callable[[], float] = time.monotonic):
        self.metadata_url = metadata_url
        self.clock = clock
        self.keys: dict[str, dict[str, Any]] = {}
        self.fetched_at: float | None = None
        self.attempted_at: float | None = None
        self._lock: asyncio.Lock | None = None

    def _due(self, kid: str) -> bool:
        now = self.clock()
        since_attempt = math.inf if self.attempted_at is None else now - self.attempted_at
        if since_attempt < FAILED_FETCH_RETRY:  # tried a moment ago (perhaps failed): never hammer Microsoft
            return False
        if self.fetched_at is None or now - self.fetched_at > KEYS_MAX_AGE:
            return True
        return kid not in self.keys and since_attempt > UNKNOWN_KEY_REFRESH

    async def get(self, kid: str) -> dict[str, Any] | None:
        if self._due(kid):
            self._lock = self._lock or asyncio.Lock()
            async with self._lock:
                if self._due(kid):
                    await self.refresh()
        if not self.keys:
            raise KeysUnavailable(f"no signing keys from {self.metadata_url}")
        return self.keys.get(kid)

    async def refresh(self) -> None:
        self.attempted_at = self.clock()
        try:
            async with http_session() as session:
                metadata = await get_json(session, self.metadata_url)
                algorithms = metadata.get("id_token_signing_alg_values_supported") or [ALGORITHM]
                if ALGORITHM not in algorithms:
                    raise ValueError(f"metadata does not offer {ALGORITHM}")
                jwks = await get_json(session, metadata["jwks_uri"])
            keys = {k["kid"]: k for k in jwks["keys"] if isinstance(k, dict) and k.get("kid") and k.get("kty") == "RSA"}
            if not keys:
                raise ValueError("no RSA keys in the key set")
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError, AttributeError) as error:
            kept = "keeping the cached keys" if self.keys else "no keys cached"
            logger.warning("Teams: could not fetch signing keys from %s (%s); %s", self.metadata_url, error, kept)
            return
        self.keys, self.fetched_at = keys, self.attempted_at
        logger.info("Teams: fetched %d signing keys", len(keys))


def unverified(token: str) -> dict[str, Any]:
    """A token's claims without checking them: only to say in the log why it was refused."""
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}


class TokenValidator:
    """The Bot Framework's checks on the token Microsoft sends with each activity."""

    def __init__(self, settings: TeamsSettings, keys: SigningKeys):
        self.settings = settings
        self.keys = keys

    async def claims(self, authorization: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The verified claims and the key that signed them; Rejected or KeysUnavailable otherwise."""
        match = BEARER.fullmatch((authorization or "").strip())
        if not match:
            raise Rejected("no Bearer token in the Authorization header")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Rejected("the token is not a JWT") from error
        if header.get("alg") != ALGORITHM:
            raise Rejected(f"token algorithm {header.get('alg')!r} is not {ALGORITHM}")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Rejected("the token names no signing key")
        key = await self.keys.get(kid)
        if key is None:
            raise Rejected(f"the token is signed with an unknown key {kid!r}")
        try:
            claims = jwt.decode(
                token,
                key=RSAAlgorithm.from_jwk(key),
                algorithms=[ALGORITHM],
                audience=self.settings.app_id,
                issuer=self.settings.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Rejected("the token has expired") from error
        except jwt.ImmatureSignatureError as error:
            raise Rejected("the token is not valid yet") from error
        except jwt.InvalidIssuerError as error:
            raise Rejected(f"wrong issuer {unverified(token).get('iss')!r}") from error
        except jwt.InvalidAudienceError as error:
            raise Rejected(f"wrong audience {unverified(token).get('aud')!r} (not this app id)") from error
        except (jwt.PyJWTError, ValueError) as error:
            raise Rejected(f"invalid token ({type(error).__name__}: {error})") from error
        return claims, key

    @staticmethod
    def check_activity(claims: dict[str, Any], key: dict[str, Any], activity: dict[str, Any]) -> None:
        """The token must be for this activity: same service URL, key endorsed for its channel."""
        claimed = [v for k, v in claims.items() if k.lower() == "serviceurl"]  # "serviceurl" in the spec
        if any(str(v).rstrip("/") != activity["serviceUrl"].rstrip("/") for v in claimed):
            raise Rejected("the token's serviceUrl does not match the activity's")
        endorsements = key.get("endorsements")
        if isinstance(endorsements, list) and endorsements and activity.get("channelId") not in endorsements:
            raise Rejected(f"the signing key is not endorsed for channel {activity.get('channelId')!r}")
