"""A Sanic app with only the routes under test, served on a free loopback port."""

from __future__ import annotations

import contextlib
import socket
import uuid
from collections.abc import AsyncIterator, Callable

import aiohttp


@contextlib.asynccontextmanager
async def serving(*add_routes: Callable) -> AsyncIterator[str]:
    """Yields the base URL while the routes are served."""
    from sanic import Sanic

    Sanic.test_mode = True
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        app = Sanic(f"routes_test_{uuid.uuid4().hex}", configure_logging=False)
        for add in add_routes:
            add(app)
        server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await server.startup()
        await server.start_serving()
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            server.close()
            await server.wait_closed()


def client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))  # no keep-alive left open
