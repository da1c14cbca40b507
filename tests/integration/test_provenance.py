"""Every phone number, email, web address and quote is in its cited source document, and every
national route's number, email and quote in its stored public source (threshold_kb/national/).

Only whitespace and markup are normalised; a contact that is not in the document would be an
invented contact, which the assistant must never give."""

import os
import shutil
import subprocess
import sys

import pytest

from threshold_kb import checks, config, loader, national_routes
from threshold_kb.provenance import normalise

AUTHORITIES = loader.load_all()


@pytest.mark.parametrize("authority", AUTHORITIES, ids=lambda a: a.slug)
def test_every_quote_and_contact_detail_is_in_the_source(authority, seeds_dir):
    assert checks.provenance_problems(authority, seeds_dir) == []


@pytest.mark.parametrize("authority", AUTHORITIES, ids=lambda a: a.slug)
def test_every_phone_email_and_address_is_checked(authority):
    checked = {(item, field, value) for item, field, value in checks.quoted_values(authority)}
    for contact in authority.contacts:
        for field in ("phones", "emails", "web"):
            for value in getattr(contact, field):
                assert (contact.id, field, value) in checked


def test_an_invented_number_is_caught(seeds_dir):
    authority = next(a for a in AUTHORITIES if a.slug == "cumbria")
    import dataclasses

    invented = dataclasses.replace(authority.contacts[0], phones=("01228 000000",))
    forged = dataclasses.replace(authority, contacts=(invented, *authority.contacts[1:]))
    problems = checks.provenance_problems(forged, seeds_dir)
    assert len(problems) == 1 and "01228 000000" in problems[0]


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("<li>• Contact the EHA Service on 01234 276043</li>", "Contact the EHA Service on 01234 276043"),
        (
            "[www.bedford.gov.uk/earlyhelp](http://www.bedford.gov.uk/earlyhelp)",
            "www.bedford.gov.uk/earlyhelp http://www.bedford.gov.uk/earlyhelp",
        ),
        ("**01782 235100**\tand", "01782 235100 and"),
        ("health\\\\_and\\\\_social", "health_and_social"),
    ],
)
def test_normalise_strips_markup_and_whitespace_only(raw, clean):
    assert normalise(raw) == clean


def test_normalise_keeps_words_case_and_punctuation():
    assert normalise("Child’s  HEALTH; 90%") == "Child’s HEALTH; 90%"


# -- the national routes (threshold_kb/national/): checked like the documents ----------------------
NATIONAL = config.national_dir()


def national_copy(tmp_path, edit_routes=None, edit_source=None):
    """A copy of threshold_kb/national/ with routes.yml or one stored source edited."""
    copy = tmp_path / "national"
    shutil.copytree(NATIONAL, copy)
    if edit_routes:
        path = copy / "routes.yml"
        path.write_text(edit_routes(path.read_text(encoding="utf-8")), encoding="utf-8")
    if edit_source:
        name, edit = edit_source
        path = copy / "sources" / name
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return copy


def test_every_national_number_email_and_quote_is_in_its_stored_source():
    assert national_routes.problems() == []
    assert {"999", "101", "0808 800 5000", "help@nspcc.org.uk"} <= national_routes.published(national_routes.load())


def test_every_national_route_cites_a_stored_public_page():
    for route in national_routes.load():
        assert route.cite, route.id
        for cite in route.cite:
            source = national_routes.read_source(NATIONAL / "sources" / cite.file)
            assert source.url == cite.url and source.title and source.publisher and source.retrieved
            assert source.url.startswith("https://")


@pytest.mark.parametrize(
    ("old", "new"),
    [("'0808 800 5000'", "'0808 800 5001'"), ("'0808 800 5000'", "'0808 800 500'"), ("'101'", "'111'"),
     ("help@nspcc.org.uk']", "help@nspcc.org']")],
)
def test_an_altered_national_number_is_caught(tmp_path, old, new):
    copy = national_copy(tmp_path, edit_routes=lambda text: text.replace(old, new, 1))
    problems = national_routes.problems(copy)
    changed = new.strip("']")
    assert problems and all(changed in p for p in problems), problems


def test_a_national_number_altered_in_the_stored_source_is_caught(tmp_path):
    edit = ("nspcc_report_child_abuse.txt", lambda text: text.replace("0808 800 5000", "0808 800 5050"))
    problems = national_routes.problems(national_copy(tmp_path, edit_source=edit))
    assert problems and all("not found verbatim in sources/nspcc_report_child_abuse.txt" in p for p in problems)


def test_a_national_route_without_its_stored_source_is_caught(tmp_path):
    copy = national_copy(tmp_path)
    (copy / "sources" / "askthepolice_q101.txt").unlink()
    [problem] = national_routes.problems(copy)
    assert "askthepolice_q101.txt" in problem and "no stored source" in problem


def test_a_national_citation_with_another_address_is_caught(tmp_path):
    copy = national_copy(tmp_path, edit_routes=lambda t: t.replace("https://www.askthe.police.uk/content/Q101.htm",
                                                                   "https://www.police.uk/101", 1))
    [problem] = national_routes.problems(copy)
    assert "is not the address of sources/askthepolice_q101.txt" in problem


def test_validate_fails_on_a_tampered_national_copy(tmp_path):
    copy = national_copy(tmp_path, edit_routes=lambda text: text.replace("'0808 800 5000'", "'0808 800 5001'", 1))
    result = subprocess.run(
        [sys.executable, "-m", "threshold_kb", "validate"],
        capture_output=True, text=True, cwd=config.PROJECT_ROOT, timeout=120,
        env={**os.environ, "THRESHOLD_KB_NATIONAL": str(copy)},
    )
    assert result.returncode == 1 and "national route nspcc_helpline.phones: '0808 800 5001'" in result.stderr
