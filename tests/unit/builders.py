"""Small hand-built authorities for tests that must not depend on the real documents' data."""

from __future__ import annotations

from datetime import time

from threshold_kb import model as m


def cite(level=None):
    return m.Citation(authority="testshire", document="Testshire Thresholds", section="1", level=level)


def contact(id_, role, availability, levels=(1, 2), schedule=(), phones=("01234 567890",)):
    return m.Contact(
        id=f"testshire.contact.{id_}",
        name=f"{role} service",
        role=role,
        phones=tuple(phones),
        emails=(),
        web=(),
        hours=None,
        availability=availability,
        schedule=tuple(schedule),
        asks_for=(),
        levels=tuple(levels),
        note=None,
        maintainer_note=None,
        cite=cite(),
    )


OFFICE = m.Session(days=("mon", "tue", "wed", "thu", "fri"), start=time(9), end=time(17))


def authority_with(*contacts):
    levels = tuple(
        m.Level(
            id=f"testshire.level.{n}",
            number=n,
            name=f"L{n}",
            definition="d",
            services=(),
            response=None,
            statutory=n == 2,
            cite=cite(n),
        )
        for n in (1, 2)
    )
    return m.Authority(
        slug="testshire",
        name="Testshire",
        aliases=("Tests",),
        document=m.Document(title="Testshire Thresholds", publisher="p", date="2026", source_file="x.txt"),
        levels=levels,
        contacts=tuple(contacts),
        towns=("Probeton",),
        towns_source="invented for tests",
    )
