"""The assistant as it runs for users: action server (actions.server) and Rasa server (bot.serve)
as processes on loopback, with their own conversation database and secrets, driven over the REST
channel with its token."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bot import storage
from bot.channels.web import conversation_of
from bot.chat import send
from bot.secrets import NAMES
from threshold_kb.config import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "thresholds.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """`credentials` is a credentials.yml path (the project's by default); `env` adds environment
    variables for both servers (a channel's settings, say)."""

    def __init__(self, workdir: Path, credentials: Path | None = None, env: dict[str, str] | None = None):
        self.workdir = workdir
        self.credentials = credentials or PROJECT_ROOT / "credentials.yml"
        self.action_port, self.rasa_port = free_port(), free_port()
        self.endpoints = workdir / "endpoints.yml"
        self.database = workdir / "conversations.sqlite"
        self.endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
            f'tracker_store:\n  type: bot.storage.CheckedSQLTrackerStore\n'
            f'  dialect: "sqlite"\n  db: "{self.database}"\n'
        )
        storage.init(self.database)
        self.processes: dict[str, subprocess.Popen] = {}
        quiet = {"RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        self.secrets = workdir / "secrets"
        self.secrets.mkdir(mode=0o700, exist_ok=True)
        for name in NAMES:  # as `make run` does before starting the servers
            (self.secrets / name).write_text(secrets.token_urlsafe(32))
        self.env = {**os.environ, **quiet, "THRESHOLDS_SECRETS_DIR": str(self.secrets), **(env or {})}

    def _launch(self, name: str, args: list[str]) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _wait(self, name: str, ready_url: str) -> None:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.workdir / name}.log")
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                return
            except urllib.error.HTTPError as exc:
                if exc.code != 503:  # 503: still loading
                    raise
                time.sleep(0.5)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise RuntimeError(f"{name} did not become ready; see {self.workdir / name}.log")

    def start_actions(self, wait: bool = True) -> None:
        self._launch("actions", [sys.executable, "-m", "actions.server", "--port", str(self.action_port)])
        if wait:
            self._wait("actions", f"http://127.0.0.1:{self.action_port}/health")

    def start_rasa(self, wait: bool = True) -> None:
        args = [sys.executable, "-m", "bot.serve", "--model", str(MODEL), "--port", str(self.rasa_port)]
        self._launch("rasa", [*args, "--endpoints", str(self.endpoints), "--credentials", str(self.credentials)])
        if wait:
            self._wait("rasa", f"http://127.0.0.1:{self.rasa_port}/health")

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def secret(self, name: str) -> str:
        """One of the stack's secrets (bot/secrets.py), as the servers generated it."""
        return (self.secrets / name).read_text().strip()

    def tracker(self, conversation: str) -> dict:
        """A conversation as stored, through Rasa's HTTP API (the stack must set THRESHOLDS_API_TOKEN)."""
        quoted = urllib.parse.quote(conversation, safe=":@")  # Rasa takes the id as is, undecoded
        token = urllib.parse.quote(self.env["THRESHOLDS_API_TOKEN"])
        url = f"http://127.0.0.1:{self.rasa_port}/conversations/{quoted}/tracker?token={token}"
        with urllib.request.urlopen(url, timeout=30) as answer:
            return json.load(answer)

    def web_conversation(self, session_token: str) -> str | None:
        """The conversation id a web page's session token opens, with this stack's session key."""
        return conversation_of(session_token, key=self.secret("session_key"))

    def say(self, sender: str, message: str) -> list[dict]:
        return send(self.rasa_port, sender, message, token=self.secret("rest_token"))


@contextlib.contextmanager
def running_stack(workdir: Path, **settings):
    """Both servers started (a Stack's credentials and env as keywords), stopped afterwards."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test-e2e does)")
    stack = Stack(workdir, **settings)
    try:
        stack.start_actions(wait=False)  # both load their models at once
        stack.start_rasa()
        stack._wait("actions", f"http://127.0.0.1:{stack.action_port}/health")
        yield stack
    finally:
        stack.stop_all()
