"""The cluster (scripts/cluster.sh: nginx, two Rasa servers with their action servers, PostgreSQL,
Redis) under faults: a Rasa server killed mid-conversation, PostgreSQL restarted, Redis down.
Each time the practitioner gets an answer, never silence, and the conversation carries on."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.secrets import secret
from threshold_kb.config import PROJECT_ROOT

pytestmark = pytest.mark.cluster

CLUSTER = PROJECT_ROOT / "build" / "cluster"
PORTS = {"CLUSTER_PORT": "18080", "CLUSTER_REDIS_PORT": "56479", "CLUSTER_RASA_BASE": "15105",
         "CLUSTER_ACTION_BASE": "15155"}
SCRIPT = ["bash", str(PROJECT_ROOT / "scripts" / "cluster.sh")]
WORRY = "I'm worried about a yr 3 girl who is often tired in class. Mum is working with us, no support in place yet"


def _run(*args: str) -> str:
    done = subprocess.run([*SCRIPT, *args], env={**os.environ, **PORTS}, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def cluster():
    _run("stop")
    _run("start")
    try:
        yield
    finally:
        _run("stop")


def say(sender: str, message: str) -> tuple[int, str, list[dict]]:
    """Status, the server that answered (nginx's X-Served-By) and the replies, through nginx."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORTS['CLUSTER_PORT']}/webhooks/rest/webhook", data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {secret('rest_token')}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers.get("X-Served-By", ""), json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Served-By", ""), json.loads(error.read() or b"[]")


def text(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def question(replies: list[dict]) -> dict | None:
    return next((r["custom"] for r in replies if isinstance(r.get("custom"), dict)
                 and r["custom"].get("type") == "threshold_question"), None)


def server_pid(served_by: str) -> int:
    port = int(served_by.rsplit(":", 1)[1])
    index = port - int(PORTS["CLUSTER_RASA_BASE"])
    return int((CLUSTER / f"rasa-{index}.pid").read_text())


def _wait_until_refused(address: str) -> None:
    host, port = address.rsplit(":", 1)
    for _ in range(100):
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
        except OSError:
            return
        time.sleep(0.1)
    raise AssertionError(f"{address} still accepts connections after SIGKILL")


def test_turns_are_shared_between_the_servers(cluster):
    servers = {say(f"cluster-share-{n}", "hello")[1] for n in range(6)}
    assert len(servers) == 2, servers


def test_a_rasa_server_killed_mid_conversation_the_next_turn_carries_on_on_the_other(cluster):
    sender = "cluster-kill"
    say(sender, WORRY)
    status, served_by, replies = say(sender, "Cumbria")
    asked = question(replies)
    assert status == 200 and asked is not None, replies
    os.killpg(server_pid(served_by), signal.SIGKILL)  # the server that holds the conversation's last turn
    _wait_until_refused(served_by)  # a message sent while it dies is in flight: nginx says it failed
    button = asked["answers"][0]["payload"]
    status, other, replies = say(sender, button)
    assert status == 200 and other and other != served_by, (status, other, replies)
    # The same consultation: the answer was taken and the next question (or the card) follows.
    follow = question(replies)
    card = any(isinstance(r.get("custom"), dict) and r["custom"].get("type") == "threshold_recommendation"
               for r in replies)
    assert card or (follow is not None and follow["qualifier"] != asked["qualifier"]), replies
    for n in range(4):  # nothing is lost afterwards: every turn answered by the server left
        status, _, replies = say(f"cluster-after-kill-{n}", WORRY)
        assert status == 200 and replies


def test_postgresql_restarted_costs_no_turn(cluster):
    sender = "cluster-pg"
    assert say(sender, WORRY)[0] == 200
    data = Path(os.environ.get("THRESHOLD_KB_PG_DATA", "/tmp/threshold_kb_pg"))
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"),
                    "-m", "fast", "-w", "restart"], check=True, stdout=subprocess.DEVNULL, timeout=120)
    status, _, replies = say(sender, "Cumbria")
    assert status == 200 and question(replies) is not None, replies
    assert "could not be saved" not in text(replies).lower()


def test_redis_down_gets_the_safe_answer_not_silence_then_recovers(cluster):
    subprocess.run(["redis-cli", "-p", PORTS["CLUSTER_REDIS_PORT"], "shutdown", "nosave"], capture_output=True)
    try:
        started = time.monotonic()
        status, _, replies = say("cluster-redis", "dad is hitting mum right now and the kids are there")
        assert time.monotonic() - started < 15
        assert status == 200 and "999" in text(replies), replies
        assert "designated safeguarding lead" in text(replies).lower()
    finally:
        _run("start")  # starts Redis again; running servers are left as they are
    status, _, replies = say("cluster-redis-after", WORRY)
    assert status == 200 and replies
