"""Channel test fixtures: Microsoft faked on loopback, the Teams webhook served by a real Sanic
server in the test's event loop, and real recommendation payloads from the knowledge base."""

from __future__ import annotations

import contextlib
import socket
import uuid
from datetime import datetime

import pytest
from sanic import Sanic

from bot.channels.teams import TeamsInput, TeamsOutput
from bot.channels.teams_auth import TeamsSettings
from tests.channels.fake_microsoft import FakeMicrosoft
from threshold_kb.clock import LONDON
from threshold_kb.matching.engine import Engine
from threshold_kb.recommend import recommend, to_payload

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)
WORRIES = {
    "stoke": ("stoke_on_trent", "Year 4 boy, bruise on his cheek again, says he fell", 8),
    "danger": ("stoke_on_trent", "dad is hitting mum right now", 7),
    "unclassified": ("peterborough", "I like the weather today", None),
    "web_only": ("cumbria", "14 year old keeps going missing overnight and comes back with new phones", 14),
    "bedford": ("bedford_borough", "attendance has dropped and he is often late, mum seems to be struggling", 9),
}


@pytest.fixture(scope="session")
def payloads(authorities) -> dict[str, dict]:
    """Real recommendation payloads (words-only engine, a fixed Tuesday morning)."""
    engine = Engine(authorities, None)
    return {
        name: to_payload(recommend(engine.assess(slug, text, age), TUESDAY_MORNING))
        for name, (slug, text, age) in WORRIES.items()
    }


@pytest.fixture
def microsoft():
    with FakeMicrosoft() as fake:
        yield fake


@pytest.fixture(autouse=True)
def no_cached_tokens():
    TeamsOutput.tokens.clear()
    yield
    TeamsOutput.tokens.clear()


def settings_for(fake: FakeMicrosoft, **overrides) -> TeamsSettings:
    fields = {
        "app_id": fake.app_id,
        "app_password": fake.app_password,
        "openid_metadata_url": fake.openid_url,
        "token_url": fake.token_url,
    }
    return TeamsSettings(**{**fields, **overrides})


class Served:
    """A TeamsInput's blueprint behind a real Sanic server; `messages` is what Rasa would get."""

    def __init__(self, channel: TeamsInput, port: int):
        self.channel, self.port = channel, port
        self.messages: list = []
        self.reply: dict | None = None  # what the fake Rasa answers every message with
        self.fail = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/teams/webhook"

    async def on_new_message(self, message) -> None:
        self.messages.append(message)
        if self.fail:
            raise RuntimeError("the agent failed")
        if self.reply is not None:
            await message.output_channel.send_response(message.sender_id, dict(self.reply))


@contextlib.asynccontextmanager
async def serving(channel: TeamsInput):
    Sanic.test_mode = True  # lets Sanic 21.12 start more than one app in a process (its "touchup")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        served = Served(channel, sock.getsockname()[1])
        app = Sanic(f"teams_test_{uuid.uuid4().hex}", configure_logging=False)
        app.blueprint(channel.blueprint(served.on_new_message), url_prefix="/webhooks/teams")
        server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await server.startup()
        await server.start_serving()
        try:
            yield served
        finally:
            server.close()
            await server.wait_closed()


@pytest.fixture
async def served(microsoft):
    async with serving(TeamsInput(settings_for(microsoft))) as running:
        yield running
