"""Start the Rasa server (REST channel and HTTP API) with the resilient action endpoint.

  python -m bot.serve [--model models] [--port 5005] [--endpoints endpoints.yml] [--credentials credentials.yml]

The same as `rasa run --enable-api` except that a failing action server produces the safe answer
(bot/resilience.py) instead of silence. `rasa run` reads endpoints.yml into a plain endpoint and
has no hook for another class, hence this entry point.
"""

from __future__ import annotations

import argparse
import logging
import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="models", help="model file or directory (newest is used)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument("--endpoints", default="endpoints.yml")
    parser.add_argument("--credentials", default="credentials.yml")
    parser.add_argument("--cors", default="*")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)

    import rasa.core.run
    import rasa.utils.common
    from rasa.core.utils import AvailableEndpoints

    from bot.resilience import ResilientActionEndpoint

    rasa.utils.common.configure_logging_and_warnings(getattr(logging, args.log_level))
    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    endpoints.action = ResilientActionEndpoint.wrap(endpoints.action)
    rasa.core.run.serve_application(
        model_path=args.model,
        port=args.port,
        credentials=args.credentials,
        cors=args.cors,
        enable_api=True,
        endpoints=endpoints,
    )


if __name__ == "__main__":
    main()
