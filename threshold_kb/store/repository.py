"""Two repositories with one interface: SQL for the running assistant, memory for unit tests."""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable

from sqlalchemy import create_engine, delete, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from threshold_kb import model as m
from threshold_kb.store import orm


class UnknownAuthority(KeyError):
    pass


def name_key(text: str) -> str:
    """How names, aliases and towns are compared: case, punctuation and spacing do not matter."""
    text = re.sub(r"['\u2019]", "", text.lower())
    return " ".join(re.sub(r"[^\w%]+", " ", text).split())


def names_of(authority: m.Authority) -> Iterable[tuple[str, str]]:
    """(key, kind) pairs under which an authority can be found."""
    yield name_key(authority.name), "name"
    yield name_key(authority.slug.replace("_", " ")), "name"
    for alias in authority.aliases:
        yield name_key(alias), "alias"
    for town in authority.towns:
        yield name_key(town), "town"


class Repository(abc.ABC):
    @abc.abstractmethod
    def slugs(self) -> tuple[str, ...]: ...

    @abc.abstractmethod
    def get(self, slug: str) -> m.Authority: ...

    @abc.abstractmethod
    def names(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """name key -> ((slug, kind), ...): every way each authority can be named."""

    @abc.abstractmethod
    def indicators(
        self, slug: str, level: int | None = None, domain: str | None = None, marker: str | None = None
    ) -> tuple[m.Indicator, ...]: ...

    def all(self) -> tuple[m.Authority, ...]:
        return tuple(self.get(slug) for slug in self.slugs())


class InMemoryRepository(Repository):
    def __init__(self, authorities: Iterable[m.Authority]):
        self._by_slug = {a.slug: a for a in sorted(authorities, key=lambda a: a.slug)}

    def slugs(self) -> tuple[str, ...]:
        return tuple(self._by_slug)

    def get(self, slug: str) -> m.Authority:
        try:
            return self._by_slug[slug]
        except KeyError:
            raise UnknownAuthority(slug) from None

    def names(self) -> dict[str, tuple[tuple[str, str], ...]]:
        found: dict[str, dict[str, str]] = {}
        for authority in self._by_slug.values():
            for key, kind in names_of(authority):
                found.setdefault(key, {}).setdefault(authority.slug, kind)
        return {key: tuple(sorted(slugs.items())) for key, slugs in found.items()}

    def indicators(self, slug, level=None, domain=None, marker=None):
        return tuple(
            i
            for i in self.get(slug).indicators
            if (level is None or i.level == level)
            and (domain is None or i.domain == domain)
            and (marker is None or marker in i.markers)
        )


class SqlRepository(Repository):
    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> SqlRepository:
        return cls(create_engine(url, future=True))

    def slugs(self) -> tuple[str, ...]:
        with self.engine.connect() as conn:
            return tuple(conn.execute(select(orm.authorities.c.slug).order_by(orm.authorities.c.slug)).scalars())

    def get(self, slug: str) -> m.Authority:
        with self.engine.connect() as conn:
            head = conn.execute(select(orm.authorities).where(orm.authorities.c.slug == slug)).first()
            if head is None:
                raise UnknownAuthority(slug)
            items = {}
            for attribute, (table, cls) in orm.ITEM_TABLES.items():
                rows = conn.execute(select(table).where(table.c.authority == slug).order_by(table.c.position))
                items[attribute] = tuple(orm.item_from_row(cls, row, head.title) for row in rows)
        return orm.authority_from_rows(head, items)

    def names(self) -> dict[str, tuple[tuple[str, str], ...]]:
        found: dict[str, list[tuple[str, str]]] = {}
        t = orm.authority_names
        with self.engine.connect() as conn:
            for key, slug, kind in conn.execute(select(t.c.key, t.c.slug, t.c.kind).order_by(t.c.key, t.c.slug)):
                found.setdefault(key, []).append((slug, kind))
        return {key: tuple(pairs) for key, pairs in found.items()}

    def indicators(self, slug, level=None, domain=None, marker=None):
        t = orm.indicators
        query = select(t).where(t.c.authority == slug).order_by(t.c.position)
        if level is not None:
            query = query.where(t.c.level == level)
        if domain is not None:
            query = query.where(t.c.domain == domain)
        if marker is not None:
            marked = select(orm.indicator_markers.c.indicator_id).where(orm.indicator_markers.c.marker == marker)
            query = query.where(t.c.id.in_(marked))
        with self.engine.connect() as conn:
            title = conn.execute(select(orm.authorities.c.title).where(orm.authorities.c.slug == slug)).scalar()
            if title is None:
                raise UnknownAuthority(slug)
            return tuple(orm.item_from_row(m.Indicator, row, title) for row in conn.execute(query))


def build(engine: Engine, authorities: Iterable[m.Authority]) -> None:
    """Replace the whole knowledge base in one transaction: all of it is written, or none."""
    authorities = tuple(authorities)
    with engine.begin() as conn:
        orm.metadata.create_all(conn)
        _add_new_columns(conn)
        for table in reversed(orm.metadata.sorted_tables):
            conn.execute(delete(table))
        for a in authorities:
            conn.execute(insert(orm.authorities), [orm.authority_row(a)])
            names = {key: kind for key, kind in reversed(list(names_of(a)))}  # first kind wins
            conn.execute(insert(orm.authority_names), [{"key": k, "slug": a.slug, "kind": v} for k, v in names.items()])
            for attribute, (table, _cls) in orm.ITEM_TABLES.items():
                rows = [orm.item_row(item, a.slug, i) for i, item in enumerate(getattr(a, attribute))]
                if rows:
                    conn.execute(insert(table), rows)
            markers = [{"indicator_id": i.id, "marker": mk} for i in a.indicators for mk in i.markers]
            if markers:
                conn.execute(insert(orm.indicator_markers), markers)


def _add_new_columns(conn: Connection) -> None:
    """A database built by an earlier version lacks the columns added since (e.g. a contact's
    maintainer_note): add them, empty, before the rows are replaced. Only optional columns are
    ever added to the model, so no value is needed for the rows already there."""
    existing = inspect(conn)
    preparer = conn.dialect.identifier_preparer
    for table in orm.metadata.sorted_tables:
        present = {column["name"] for column in existing.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise ValueError(
                    f"the database's table {table.name} has no column {column.name}, which cannot be added to "
                    "existing rows: delete the database (or its knowledge-base tables) and build again"
                )
            name, kind = preparer.quote(column.name), column.type.compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE {preparer.quote(table.name)} ADD COLUMN {name} {kind}"))
