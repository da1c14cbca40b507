"""The assistant as it runs for users: action server and Rasa server (bot.serve) as processes on
loopback, with their own conversation database, driven over the REST channel."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.chat import send
from threshold_kb.config import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "thresholds.tar.gz"
BIN = Path(sys.executable).parent


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
        self.endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / "conversations.sqlite"}"\n'
        )
        self.processes: dict[str, subprocess.Popen] = {}
        quiet = {"RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        self.env = {**os.environ, **quiet, **(env or {})}

    def _start(self, name: str, args: list[str], ready_url: str) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.workdir / name}.log")
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise RuntimeError(f"{name} did not become ready; see {self.workdir / name}.log")

    def start_actions(self) -> None:
        self._start(
            "actions",
            [str(BIN / "rasa"), "run", "actions", "--port", str(self.action_port), "--actions", "actions"],
            f"http://127.0.0.1:{self.action_port}/health",
        )

    def start_rasa(self) -> None:
        args = [sys.executable, "-m", "bot.serve", "--model", str(MODEL), "--port", str(self.rasa_port)]
        self._start("rasa", [*args, "--endpoints", str(self.endpoints), "--credentials", str(self.credentials)], f"http://127.0.0.1:{self.rasa_port}/status")

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

    def say(self, sender: str, message: str) -> list[dict]:
        return send(self.rasa_port, sender, message)


@contextlib.contextmanager
def running_stack(workdir: Path, **settings):
    """Both servers started (a Stack's credentials and env as keywords), stopped afterwards."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test-e2e does)")
    stack = Stack(workdir, **settings)
    try:
        stack.start_actions()
        stack.start_rasa()
        yield stack
    finally:
        stack.stop_all()
