"""The SQL store on SQLite and on a real PostgreSQL server returns exactly what the YAML holds."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from tests.postgres import fresh_database
from threshold_kb import queries
from threshold_kb.store import repository as r

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request, tmp_path_factory):
    """A freshly built knowledge base per backend; PostgreSQL gets a database of its own."""
    if request.param == "sqlite":
        eng = create_engine(f"sqlite:///{tmp_path_factory.mktemp('kb')}/kb.sqlite", future=True)
        yield eng
        eng.dispose()
        return
    with fresh_database("kb_test") as url:
        eng = create_engine(url, future=True)
        yield eng
        eng.dispose()


@pytest.fixture(scope="module")
def sql_repo(engine, authorities):
    r.build(engine, authorities)
    return r.SqlRepository(engine)


def test_every_authority_reads_back_identical_to_its_yaml(sql_repo, authorities):
    assert sql_repo.slugs() == tuple(sorted(a.slug for a in authorities))
    for authority in authorities:
        assert sql_repo.get(authority.slug) == authority


@pytest.mark.parametrize("filters", [{"level": 4}, {"marker": "s47"}, {"level": 1, "marker": "strength"}, {}])
def test_indicator_queries_agree_with_the_in_memory_repository(sql_repo, repo, filters):
    for slug in repo.slugs():
        assert sql_repo.indicators(slug, **filters) == repo.indicators(slug, **filters)


def test_indicators_by_domain(sql_repo, repo):
    slug = "stoke_on_trent"
    domain = queries.domains(repo, slug)[0]
    found = sql_repo.indicators(slug, domain=domain)
    assert found and all(i.domain == domain for i in found)


def test_names_agree_with_the_in_memory_repository(sql_repo, repo):
    assert sql_repo.names() == repo.names()


def test_unknown_authority_raises(sql_repo):
    with pytest.raises(r.UnknownAuthority):
        sql_repo.get("atlantis")
    with pytest.raises(r.UnknownAuthority):
        sql_repo.indicators("atlantis")


def test_a_failed_rebuild_leaves_the_previous_knowledge_base_whole(engine, sql_repo, authorities):
    before = sql_repo.all()
    broken = dataclasses.replace(authorities[-1], levels=authorities[-1].levels + authorities[-1].levels[:1])
    with pytest.raises(IntegrityError):  # duplicate level id violates the primary key mid-build
        r.build(engine, [*authorities[:-1], broken])
    assert sql_repo.all() == before


def test_a_database_built_before_a_column_was_added_is_upgraded_by_the_next_build(engine, sql_repo, authorities):
    """`make kb` on a database from before maintainers' notes and document histories were kept
    apart (or partnership contacts held): the build adds the missing (optional) columns instead of failing."""
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE contacts DROP COLUMN maintainer_note"))
        conn.execute(text("ALTER TABLE authorities DROP COLUMN history"))
        conn.execute(text("ALTER TABLE authorities DROP COLUMN partnership_contact"))
    r.build(engine, authorities)
    assert sql_repo.all() == authorities
    assert any(c.maintainer_note for a in sql_repo.all() for c in a.contacts)
    assert sql_repo.get("cumbria").document.partnership_contact == "cumbria.contact.006"


def test_queries_run_unchanged_on_the_sql_store(sql_repo, tuesday_morning):
    for slug in sql_repo.slugs():
        assert queries.levels(sql_repo, slug)
        assert queries.front_door(sql_repo, slug, tuesday_morning).contacts
    assert queries.authority_from_text(sql_repo, "I'm in Hanley")[0].slug == "stoke_on_trent"
