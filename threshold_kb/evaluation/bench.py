"""make bench: the assistant's time per message on this machine (engine and triage), after warm-up.

  python -m threshold_kb.evaluation.bench [--rounds 3]

Loads the knowledge base, the encoder and the indexes once (timed separately), warms up, then
assesses every development-set message for its source authority, `rounds` times, each message
timed alone. The encoder's cache of recent texts is cleared before each call, so every timing
includes encoding the worry. Each message is the consultation's first turn: the engine's evidence,
the danger detector, red flags, reading and the triage with its questions (Consultant.assess).
Prints p50, p95 and max in milliseconds; target p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from threshold_kb import loader
from threshold_kb.evaluation import devset
from threshold_kb.matching import engine as engine_module
from threshold_kb.matching.encoder import load_encoder
from threshold_kb.matching.engine import Engine
from threshold_kb.triage.consult import Consultant

TARGET_P95_MS = 50.0
_PREFIX = {"bed": "bedford_borough", "nor": "northamptonshire", "pet": "peterborough", "sto": "stoke_on_trent"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m threshold_kb.evaluation.bench")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    authorities = loader.load_all()
    loaded_kb = time.perf_counter()
    encoder = load_encoder()
    loaded_encoder = time.perf_counter()
    engine = Engine(authorities, encoder)
    consultant = Consultant(engine)
    indexed = time.perf_counter()

    cases = devset.load()
    work = [(_PREFIX.get(c.id[:3], "cumbria"), c) for c in cases]
    for slug, case in work[:20]:  # warm-up: TensorFlow traces and allocates on first calls
        consultant.assess(slug, case.text, case.age)
    timings = []
    for _ in range(args.rounds):
        for slug, case in work:
            engine_module._encode.cache_clear()
            consultant.forget()  # every round times a first turn, not a repeat of the same worry
            t0 = time.perf_counter()
            consultant.assess(slug, case.text, case.age, working_well=case.working_well or "")
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    result = {
        "messages": len(timings),
        "matcher": "meaning and words" if encoder else "words only",
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(timings[-1], 1),
        "target_p95_ms": TARGET_P95_MS,
        "load_knowledge_base_s": round(loaded_kb - started, 2),
        "load_encoder_s": round(loaded_encoder - loaded_kb, 2),
        "index_and_embed_indicators_s": round(indexed - loaded_encoder, 2),
    }
    print(json.dumps(result, indent=1))
    return 0 if p95 <= TARGET_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
