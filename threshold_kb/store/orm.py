"""SQLAlchemy 1.4 tables for the knowledge base, and row <-> model conversion.

The model is frozen and nested (a Citation on every item, tuples of phone numbers), which
imperative mapping does not fit, so each item table is derived from its dataclass fields:
plain fields become columns, tuples become JSON, the citation and an indicator's conditions are
flattened into columns. Markers and names get tables of their own so that they can be queried.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from threshold_kb import model as m

metadata = MetaData()

authorities = Table(
    "authorities",
    metadata,
    Column("slug", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("title", Text, nullable=False),
    Column("publisher", Text, nullable=False),
    Column("date", Text, nullable=False),
    Column("history", Text),
    Column("partnership_contact", Text),
    Column("source_file", Text, nullable=False),
    Column("signs_of_safety", JSON),
    Column("towns", JSON, nullable=False),
    Column("towns_source", Text),
    Column("omitted", JSON, nullable=False),
)

# How a person may name an authority: its name, an alias or a town (lower-cased key).
authority_names = Table(
    "authority_names",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("slug", ForeignKey("authorities.slug", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), nullable=False),
)

_SCALAR_TYPES = {str: Text, int: Integer, bool: Boolean}


def _resolve(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(m))


def _unwrap_optional(hint: Any) -> Any:
    """`X | None` (either spelling) -> X."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    is_union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    return args[0] if is_union and len(args) == 1 else hint


def _item_table(name: str, cls: type) -> Table:
    columns = [
        Column("id", String(120), primary_key=True),
        Column("authority", ForeignKey("authorities.slug", ondelete="CASCADE"), nullable=False, index=True),
        Column("position", Integer, nullable=False),
    ]
    for field, hint in _resolve(cls).items():
        hint = _unwrap_optional(hint)
        if field in ("id",):
            continue
        if hint is m.Citation:
            columns += [
                Column("cite_section", Text, nullable=False),
                Column("cite_table", Text),
                Column("cite_level", Integer),
            ]
        elif hint is m.Conditions:
            columns += [
                Column("age_under", Integer),
                Column("age_over", Integer),
                Column("pre_or_non_mobile", Boolean, nullable=False),
            ]
        elif typing.get_origin(hint) is tuple:
            columns.append(Column(field, JSON, nullable=False))
        else:
            columns.append(Column(field, _SCALAR_TYPES[hint], index=field in ("level", "number", "role", "domain")))
    return Table(name, metadata, *columns)


# Authority attribute -> (table, model class), in the order items are written.
ITEM_TABLES: dict[str, tuple[Table, type]] = {
    attribute: (_item_table(table, cls), cls)
    for attribute, table, cls in (
        ("levels", "levels", m.Level),
        ("indicators", "indicators", m.Indicator),
        ("contacts", "contacts", m.Contact),
        ("procedures", "procedures", m.Procedure),
        ("consent", "consent_rules", m.ConsentRule),
        ("escalation", "escalation_steps", m.EscalationStep),
        ("special_routes", "special_routes", m.SpecialRoute),
        ("case_examples", "case_examples", m.CaseExample),
    )
}
indicators = ITEM_TABLES["indicators"][0]

indicator_markers = Table(
    "indicator_markers",
    metadata,
    Column("indicator_id", ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True),
    Column("marker", String(16), primary_key=True, index=True),
)


# -- model -> rows -----------------------------------------------------------------------------
def _json_ready(value: Any) -> Any:
    if isinstance(value, m.Session):
        return {"days": list(value.days), "start": value.start.strftime("%H:%M"), "end": value.end.strftime("%H:%M")}
    if isinstance(value, tuple):
        return [_json_ready(v) for v in value]
    return value


def item_row(item: Any, authority: str, position: int) -> dict[str, Any]:
    row: dict[str, Any] = {"authority": authority, "position": position}
    for field in dataclasses.fields(item):
        value = getattr(item, field.name)
        if isinstance(value, m.Citation):
            row.update(cite_section=value.section, cite_table=value.table, cite_level=value.level)
        elif isinstance(value, m.Conditions):
            row.update(dataclasses.asdict(value))
        else:
            row[field.name] = _json_ready(value)
    return row


def authority_row(a: m.Authority) -> dict[str, Any]:
    sos = a.signs_of_safety
    return {
        "slug": a.slug,
        "name": a.name,
        "aliases": list(a.aliases),
        "title": a.document.title,
        "publisher": a.document.publisher,
        "date": a.document.date,
        "history": a.document.history,
        "partnership_contact": a.document.partnership_contact,
        "source_file": a.document.source_file,
        "signs_of_safety": None
        if sos is None
        else {
            "questions": list(sos.questions),
            "scale": sos.scale,
            "cite": {"section": sos.cite.section, "table": sos.cite.table, "level": sos.cite.level},
        },
        "towns": list(a.towns),
        "towns_source": a.towns_source,
        "omitted": [dataclasses.asdict(o) for o in a.omitted],
    }


# -- rows -> model -----------------------------------------------------------------------------
def _session(data: dict[str, Any]) -> m.Session:
    from datetime import time

    def clock(text: str) -> time:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))

    return m.Session(days=tuple(data["days"]), start=clock(data["start"]), end=clock(data["end"]))


def item_from_row(cls: type, row: Any, document_title: str) -> Any:
    data = dict(row._mapping)
    kwargs: dict[str, Any] = {}
    for field, hint in _resolve(cls).items():
        hint = _unwrap_optional(hint)
        if hint is m.Citation:
            kwargs[field] = m.Citation(
                authority=data["authority"],
                document=document_title,
                section=data["cite_section"],
                table=data["cite_table"],
                level=data["cite_level"],
            )
        elif hint is m.Conditions:
            kwargs[field] = m.Conditions(
                age_under=data["age_under"],
                age_over=data["age_over"],
                pre_or_non_mobile=bool(data["pre_or_non_mobile"]),
            )
        elif field == "schedule":
            kwargs[field] = tuple(_session(s) for s in data[field])
        elif typing.get_origin(hint) is tuple:
            kwargs[field] = tuple(data[field])
        else:
            kwargs[field] = data[field]
    return cls(**kwargs)


def authority_from_rows(row: Any, items: dict[str, tuple[Any, ...]]) -> m.Authority:
    data = dict(row._mapping)
    sos: dict[str, Any] | None = data["signs_of_safety"]
    return m.Authority(
        slug=data["slug"],
        name=data["name"],
        aliases=tuple(data["aliases"]),
        document=m.Document(
            title=data["title"],
            publisher=data["publisher"],
            date=data["date"],
            source_file=data["source_file"],
            history=data["history"],
            partnership_contact=data.get("partnership_contact"),
        ),
        signs_of_safety=None
        if sos is None
        else m.SignsOfSafety(
            questions=tuple(sos["questions"]),
            scale=sos["scale"],
            cite=m.Citation(authority=data["slug"], document=data["title"], **sos["cite"]),
        ),
        towns=tuple(data["towns"]),
        towns_source=data["towns_source"],
        omitted=tuple(m.Omission(**o) for o in data["omitted"]),
        **items,
    )
