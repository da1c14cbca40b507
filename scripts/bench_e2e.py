"""make bench-e2e: this assistant beside Rasa's starter assistant (the moodbot of `rasa init`), over
REST on loopback, under 1, 10 and 30 simultaneous users, interleaved, so that the ratios mean
something on a machine whose absolute figures move from run to run.

  .venv/bin/python scripts/bench_e2e.py [--rounds 2] [--cluster] [--out build/results/bench_e2e.md]

With --cluster the assistant is `make cluster` (nginx before two Rasa servers, PostgreSQL, Redis;
scripts/cluster.sh), started here and stopped after.

Each simulated practitioner runs whole consultations: a worry, the authority, the question buttons
(the first button each time) to the card, then a question about out-of-hours contacts, then a new
conversation. Each moodbot user runs its own four-turn conversation. Reported: per-turn p50, p95
and p99, throughput, errors, start-up time (launch to healthy), the first turn after start and
each process's memory (resident set, peak).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.stack import Stack, free_port  # noqa: E402

MOODBOT = ROOT / "build" / "moodbot"
USERS_AND_TURNS = ((1, 60), (10, 15), (30, 6))  # turns per user at each load
WORRY = "I'm worried about a yr 3 girl who is often tired in class and seems hungry. Mum is working with us"
MOODBOT_TURNS = ("hello", "I am sad", "yes", "bye")  # its own stories: a reply every turn


@dataclass
class Bot:
    name: str
    url: str
    headers: dict[str, str]
    pids: dict[str, int]
    startup: float
    first_turn: float = 0.0
    results: dict[int, list[dict]] = field(default_factory=dict)  # users -> runs


def rss_mb(pid: int) -> tuple[float, float]:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


async def turn(session: aiohttp.ClientSession, bot: Bot, sender: str, text: str) -> tuple[float, list | None]:
    started = time.perf_counter()
    try:
        async with session.post(bot.url, json={"sender": sender, "message": text}, headers=bot.headers) as r:
            replies = await r.json() if r.status == 200 else None
    except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError):
        replies = None
    return time.perf_counter() - started, (replies or None)


def _next_message(replies: list, step: int) -> str | None:
    """What the practitioner says next: the worry's authority, a question's first button, and after
    the card a question; None to start a new conversation."""
    if step == 0:
        return "Cumbria"
    customs = [r["custom"] for r in replies if isinstance(r.get("custom"), dict)]
    if any(c.get("type") == "threshold_recommendation" for c in customs):
        return "who do I call out of hours?"
    buttons = [b for r in replies for b in r.get("buttons") or []]
    if buttons:
        return buttons[0]["payload"]
    return None if step > 1 else "8"  # the age question has no buttons


async def user(session, bot: Bot, uid: str, turns: int, times: list[float], errors: list[str]) -> None:
    conversation, done = 0, 0
    while done < turns:
        sender, step = f"bench-{uid}-{conversation}", 0
        message: str | None = WORRY if bot.name != "moodbot" else MOODBOT_TURNS[0]
        while message is not None and done < turns:
            seconds, replies = await turn(session, bot, sender, message)
            times.append(seconds)
            done += 1
            if replies is None:
                errors.append(message)
                break
            if bot.name == "moodbot":
                step += 1
                message = MOODBOT_TURNS[step] if step < len(MOODBOT_TURNS) else None
            else:
                message = _next_message(replies, step)
                step += 1
                if step > 8:  # a consultation is far shorter: start again rather than loop
                    message = None
        conversation += 1


async def load(bot: Bot, users: int, turns: int, tag: str) -> dict:
    times: list[float] = []
    errors: list[str] = []
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(user(session, bot, f"{tag}-{u}", turns, times, errors) for u in range(users)))
        wall = time.perf_counter() - started
    return {"times": times, "errors": len(errors), "wall": wall}


def _wait_http(url: str, deadline: float, process: subprocess.Popen) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer")


def start_moodbot(workdir: Path) -> tuple[Bot, subprocess.Popen]:
    rasa = Path(sys.executable).with_name("rasa")  # beside this Python: the same virtualenv
    if not list((MOODBOT / "models").glob("*.tar.gz")):
        print("bench-e2e: building the moodbot (rasa init, about two minutes)", file=sys.stderr)
        MOODBOT.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(rasa), "init", "--no-prompt", "--init-dir", str(MOODBOT)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [str(rasa), "run", "--port", str(port), "--interface", "127.0.0.1", "--model", "models",
         "--credentials", "credentials.yml"],
        cwd=MOODBOT, stdout=open(workdir / "moodbot.log", "ab"), stderr=subprocess.STDOUT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    _wait_http(f"http://127.0.0.1:{port}/", time.monotonic() + 300, process)
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    return Bot("moodbot", url, {}, {"rasa": process.pid}, time.monotonic() - started), process


def start_assistant(workdir: Path) -> tuple[Bot, Stack]:
    stack = Stack(workdir)
    started = time.monotonic()
    stack.start_actions(wait=False)
    stack.start_rasa()
    stack._wait("actions", f"http://127.0.0.1:{stack.action_port}/health")
    url = f"http://127.0.0.1:{stack.rasa_port}/webhooks/rest/webhook"
    headers = {"Authorization": f"Bearer {stack.secret('rest_token')}"}
    pids = {name: p.pid for name, p in stack.processes.items()}
    return Bot("assistant", url, headers, pids, time.monotonic() - started), stack


def start_cluster() -> Bot:
    script = ["bash", str(ROOT / "scripts" / "cluster.sh")]
    started = time.monotonic()
    subprocess.run([*script, "start"], check=True, stdout=subprocess.DEVNULL)
    cluster = ROOT / "build" / "cluster"
    pids = {p.stem: int(p.read_text()) for p in sorted(cluster.glob("*.pid")) if p.stem.startswith(("rasa", "actions"))}
    token = (ROOT / "build" / "secrets" / "rest_token").read_text().strip()
    port = os.environ.get("CLUSTER_PORT", "8080")
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    return Bot("assistant", url, {"Authorization": f"Bearer {token}"}, pids, time.monotonic() - started)


def stop_cluster() -> None:
    subprocess.run(["bash", str(ROOT / "scripts" / "cluster.sh"), "stop"], check=False, stdout=subprocess.DEVNULL)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def table(bots: list[Bot], memory: dict[str, dict[str, tuple[float, float]]]) -> str:
    loads = sorted(bots[0].results)
    a, m = bots
    lines = ["| | this assistant | moodbot | ratio |", "|---|---|---|---|"]

    def row(label: str, x: float, y: float, unit: str, fmt: str = ".0f") -> None:
        ratio = f"{x / y:.2f}x" if y else "n/a"
        lines.append(f"| {label} | {x:{fmt}} {unit} | {y:{fmt}} {unit} | {ratio} |")

    for users in loads:
        ta = [t for run in a.results[users] for t in run["times"]]
        tm = [t for run in m.results[users] for t in run["times"]]
        for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
            row(f"{users} user{'s' * (users > 1)}, per turn {name}", 1000 * percentile(ta, share),
                1000 * percentile(tm, share), "ms")
        tput = [sum(len(r["times"]) for r in b.results[users]) / sum(r["wall"] for r in b.results[users])
                for b in (a, m)]
        row(f"{users} user{'s' * (users > 1)}, throughput", *tput, "turns/s", ".1f")
        errors = [sum(r["errors"] for r in b.results[users]) for b in (a, m)]
        turns = [sum(len(r["times"]) for r in b.results[users]) for b in (a, m)]
        lines.append(f"| {users} user{'s' * (users > 1)}, errors | {errors[0]} of {turns[0]} | "
                     f"{errors[1]} of {turns[1]} | |")
    row("start-up, launch to healthy", a.startup, m.startup, "s", ".1f")
    row("first turn after start", 1000 * a.first_turn, 1000 * m.first_turn, "ms")
    for b in bots:
        for name, (rss, peak) in memory[b.name].items():
            lines.append(f"| memory, {b.name} {name} process | {rss:.0f} MB (peak {peak:.0f} MB) | | |")
    return "\n".join(lines)


async def main_async(
    rounds: int, workdir: Path, loads: tuple[tuple[int, int], ...], cluster: bool
) -> tuple[list[Bot], dict]:
    if cluster:
        stop_cluster()  # from nothing: the start-up time is the cluster's
        assistant, stack = start_cluster(), None
    else:
        assistant, stack = start_assistant(workdir / "assistant")
    moodbot, process = start_moodbot(workdir)
    bots = [assistant, moodbot]
    try:
        async with aiohttp.ClientSession() as session:
            for bot in bots:  # the first practitioner after a start
                bot.first_turn, _ = await turn(session, bot, "bench-first", WORRY if bot is assistant else "hello")
        for r in range(rounds):
            for users, turns in loads:
                for bot in bots:  # interleaved: the same machine state for both
                    bot.results.setdefault(users, []).append(await load(bot, users, turns, f"r{r}u{users}"))
                    print(f"bench-e2e: round {r + 1}, {users} users, {bot.name} done", file=sys.stderr)
        memory = {b.name: {n: rss_mb(pid) for n, pid in b.pids.items()} for b in bots}
        return bots, memory
    finally:
        if stack is not None:
            stack.stop_all()
        else:
            stop_cluster()
        process.terminate()
        process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cluster", action="store_true", help="the assistant as make cluster runs it")
    parser.add_argument("--loads", default=",".join(f"{u}:{t}" for u, t in USERS_AND_TURNS),
                        help="users:turns-per-user, comma-separated (default %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "results" / "bench_e2e.md")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    (workdir / "assistant").mkdir()
    loads = tuple(tuple(int(n) for n in pair.split(":")) for pair in args.loads.split(","))
    bots, memory = asyncio.run(main_async(args.rounds, workdir, loads, args.cluster))
    shape = "make cluster: nginx, two Rasa servers" if args.cluster else "one Rasa server, SQLite"
    report = (f"# make bench-e2e ({shape}; {args.rounds} rounds, interleaved; {time.strftime('%Y-%m-%d %H:%M')})\n\n"
              + table(bots, memory) + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
