"""The age of the source (issue 16): each document's date read, and the line that says a document is
too old (or undated) to rely on without checking the authority's current guidance."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from threshold_kb import source_age
from threshold_kb.clock import LONDON

IN_2026 = datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)
DATES = {
    "bedford_borough": ("Revised July 2015", date(2015, 7, 1)),
    "cumbria": ("Undated", None),
    "northamptonshire": ("Updated February 2020", date(2020, 2, 1)),
    "peterborough": ("July 2016", date(2016, 7, 1)),
    "stoke_on_trent": ("December 2018", date(2018, 12, 1)),
}
# Where the document itself gives its safeguarding board's or partnership's web address.
PARTNERSHIP = {
    "bedford_borough": "http://bedfordscb.proceduresonline.com/",
    "cumbria": "https://www.cumbriasafeguardingchildren.co.uk/",
    "stoke_on_trent": "http://www.safeguardingchildren.stoke.gov.uk/ccm/portal/",
}


@pytest.mark.parametrize(("text", "meant"), list(DATES.values()))
def test_each_documents_date_is_read(text, meant):
    assert source_age.parse_date(text) == meant


@pytest.mark.parametrize(("slug", "text"), [(slug, text) for slug, (text, _) in DATES.items()])
def test_the_dates_read_are_the_knowledge_bases(slug, text, repo):
    assert repo.get(slug).document.date == text


@pytest.mark.parametrize(("text", "meant"), [("2018", date(2018, 1, 1)), ("Published March 2019", date(2019, 3, 1))])
def test_a_year_alone_and_other_wordings_are_read_at_their_earliest(text, meant):
    assert source_age.parse_date(text) == meant


@pytest.mark.parametrize("text", ["", "July", "Final (10.09.18); updated 18.10.18", "Sometime 2015", "Julyy 2016"])
def test_anything_but_one_date_is_refused_and_counts_as_old(text):
    with pytest.raises(ValueError):
        source_age.parse_date(text)
    assert source_age.is_old(text, datetime(2000, 1, 1))


@pytest.mark.parametrize("slug", list(DATES))
def test_in_2026_every_document_gets_the_age_line(slug, repo):
    authority = repo.get(slug)
    warning = source_age.age_warning(authority, IN_2026)
    assert warning is not None and f"check {authority.name}'s current guidance" in warning
    if slug == "cumbria":
        assert warning.startswith("This document does not give its date")
    else:
        assert warning.startswith("This document is more than 3 years old")
    assert authority.document.date not in warning, "the date is named once, by the source line"
    assert source_age.source_lines(authority, IN_2026) == [source_age.source_line(authority), warning]


@pytest.mark.parametrize("slug", list(DATES))
def test_the_address_is_the_one_the_document_gives_and_none_is_made_up(slug, repo):
    authority = repo.get(slug)
    warning = source_age.age_warning(authority, IN_2026)
    held = {w for c in authority.contacts for w in c.web}
    if slug in PARTNERSHIP:
        assert PARTNERSHIP[slug] in held and warning.endswith(f"gives: {PARTNERSHIP[slug]}).")
    else:
        assert "http" not in warning and "www" not in warning
        assert warning.endswith("with the local safeguarding partnership or the front door.")
    without = replace(authority, document=replace(authority.document, partnership_contact=None))
    assert "http" not in source_age.age_warning(without, IN_2026), "no pointer, no address"


@pytest.mark.parametrize(
    ("slug", "now"),
    [
        ("peterborough", datetime(2017, 3, 1, 10, tzinfo=LONDON)),  # eight months after July 2016
        ("peterborough", datetime(2019, 6, 30, 23, 0, tzinfo=LONDON)),  # the day before three years
        ("bedford_borough", datetime(2016, 9, 1, 10, tzinfo=LONDON)),
        ("northamptonshire", datetime(2021, 3, 1, 10, tzinfo=LONDON)),
        ("stoke_on_trent", datetime(2019, 6, 3, 10, tzinfo=LONDON)),
    ],
)
def test_less_than_three_years_after_the_date_there_is_no_age_line(slug, now, repo):
    authority = repo.get(slug)
    assert source_age.age_warning(authority, now) is None
    assert source_age.source_lines(authority, now) == [f"Source: {authority.name}'s threshold document "
                                                       f"({authority.document.date})."]


def test_three_years_after_the_month_it_is_old(repo):
    peterborough = repo.get("peterborough")
    assert source_age.age_warning(peterborough, datetime(2019, 7, 1, 0, 30, tzinfo=LONDON)) is not None
    # London's date counts: 23:30 UTC on 30 June is already 1 July in London (summer time).
    assert source_age.is_old("July 2016", datetime(2019, 6, 30, 23, 30, tzinfo=timezone.utc))
    assert not source_age.is_old("July 2016", datetime(2019, 6, 30, 22, 30, tzinfo=timezone.utc))


def test_an_undated_document_is_always_to_be_checked(repo):
    assert source_age.age_warning(repo.get("cumbria"), datetime(2019, 1, 1, tzinfo=LONDON)) is not None


def test_one_line_for_an_answer_from_several_documents(repo):
    authorities = repo.all()
    assert source_age.several_warning(authorities, IN_2026) == (
        "The documents of Bedford Borough, Northamptonshire, Peterborough and Stoke-on-Trent are more than 3 years "
        "old; Cumbria's document gives no date: check each authority's current guidance before relying on them."
    )
    in_2019 = source_age.several_warning(authorities, datetime(2019, 1, 1, tzinfo=LONDON))
    assert in_2019.startswith("Bedford Borough's document is more than 3 years old; Cumbria's document gives no date")
    recent = [a for a in authorities if a.slug == "northamptonshire"]
    assert source_age.several_warning(recent, datetime(2021, 1, 1, tzinfo=LONDON)) is None
