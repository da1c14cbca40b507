"""python -m threshold_kb validate | build | dump

validate  load every authority file, check fields, completeness and (where the source documents
          are present) that every quote, number, email and address is in its source; and that
          every national route's number, email and quote, and every disclosure-guidance quote, is in
          its stored source (national/).
build     validate, then write the knowledge base to THRESHOLD_KB_DATABASE_URL (default SQLite).
dump      the whole knowledge base as JSON on stdout, citations included.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from threshold_kb import checks, config, disclosure, export, loader, national_routes
from threshold_kb.model import Authority


def _load_checked(require_sources: bool) -> tuple[Authority, ...]:
    authorities = loader.load_all()
    problems = [p for a in authorities for p in checks.completeness_problems(a)]
    seeds = config.seeds_dir()
    problems += [p for a in authorities for p in checks.triage_problems(a, seeds if seeds.is_dir() else None)]
    if seeds.is_dir():
        problems += [p for a in authorities for p in checks.provenance_problems(a, seeds)]
    elif require_sources:
        problems.append(f"source documents not found at {seeds} (set THRESHOLD_KB_SEEDS)")
    else:
        print(f"note: {seeds} not found; quotes not checked against their sources", file=sys.stderr)
    problems += national_routes.problems()  # their sources are in the repository: always checked
    problems += disclosure.problems(authorities)  # the disclosure guidance's quotes, likewise
    if problems:
        raise loader.LoadError("knowledge base", "-", "-", f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return authorities


def _summary(authorities: tuple[Authority, ...]) -> str:
    names = list(export.counts(authorities[0]))
    header = f"{'authority':<18}" + "".join(f"{n.replace('_', ' '):>17}" for n in names)
    rows = [f"{a.name:<18}" + "".join(f"{v:>17}" for v in export.counts(a).values()) for a in authorities]
    return "\n".join([header, *rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m threshold_kb", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("validate", "build"):
        p = sub.add_parser(name)
        p.add_argument(
            "--require-sources",
            action="store_true",
            default=bool(os.environ.get("CI")),
            help="fail when the source documents are missing (default under CI)",
        )
    dump = sub.add_parser("dump")
    dump.add_argument("--from-db", action="store_true", help="read the built database instead of the YAML")
    args = parser.parse_args(argv)

    try:
        if args.command == "dump":
            if args.from_db:
                from threshold_kb.store.repository import SqlRepository

                authorities = SqlRepository.from_url(config.database_url()).all()
            else:
                authorities = loader.load_all()
            json.dump([export.authority_dict(a) for a in authorities], sys.stdout, ensure_ascii=False, indent=1)
            print()
            return 0
        authorities = _load_checked(args.require_sources)
        if args.command == "build":
            from threshold_kb.store.repository import SqlRepository, build

            url = config.database_url()
            _ensure_sqlite_folder(url)
            repo = SqlRepository.from_url(url)
            build(repo.engine, authorities)
            print(f"built {len(authorities)} authorities into {repo.engine.url.render_as_string(hide_password=True)}")
        else:
            print(f"valid: {len(authorities)} authorities, {len(national_routes.load())} national routes")
        print(_summary(authorities))
        return 0
    except loader.LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(
            f"error: database {config.database_url()!r}: {exc.__class__.__name__}: {getattr(exc, 'orig', None) or exc}",
            file=sys.stderr,
        )
        return 1


def _ensure_sqlite_folder(url: str) -> None:
    """A fresh clone has no build/ folder; SQLite will not create it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
