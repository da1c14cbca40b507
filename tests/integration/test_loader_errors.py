"""A malformed file gives one clear error naming file, item and field."""

from pathlib import Path

import pytest
import yaml

from threshold_kb import loader

SOURCE = loader.authorities_dir() / "stoke_on_trent.yml"


def write_broken(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "stoke_on_trent.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def error_for(tmp_path, mutate) -> loader.LoadError:
    with pytest.raises(loader.LoadError) as raised:
        loader.load_file(write_broken(tmp_path, mutate))
    return raised.value


def test_missing_required_field_names_file_item_and_field(tmp_path):
    err = error_for(tmp_path, lambda d: d["indicators"][4].pop("text"))
    assert (err.file, err.item, err.field) == ("stoke_on_trent.yml", "stoke_on_trent.indicator.005", "text")
    assert "stoke_on_trent.yml: stoke_on_trent.indicator.005: field 'text': is required" == str(err)


def test_indicator_at_a_level_the_authority_does_not_have(tmp_path):
    err = error_for(tmp_path, lambda d: d["indicators"][0].update(level=7))
    assert err.field == "level" and "level 7" in err.problem


def test_unknown_marker_is_rejected(tmp_path):
    err = error_for(tmp_path, lambda d: d["indicators"][0].update(markers=["urgent"]))
    assert err.field == "markers" and "'urgent'" in err.problem


def test_duplicate_id_is_rejected(tmp_path):
    def duplicate(d):
        d["contacts"][1]["id"] = d["contacts"][0]["id"]

    err = error_for(tmp_path, duplicate)
    assert err.field == "id" and "twice" in err.problem


def test_unknown_contact_role_is_rejected(tmp_path):
    err = error_for(tmp_path, lambda d: d["contacts"][0].update(role="helpline"))
    assert err.item == d_id(0, "contacts") and err.field == "role"


def d_id(index, section):
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))[section][index]["id"]


def test_bad_schedule_time_is_rejected(tmp_path):
    def bad(d):
        d["contacts"][0]["schedule"] = [{"days": ["mon"], "start": "9am", "end": "17:00"}]

    err = error_for(tmp_path, bad)
    assert err.field == "schedule" and "'9am'" in err.problem


def test_escalation_step_pointing_at_a_missing_contact(tmp_path):
    err = error_for(tmp_path, lambda d: d["escalation"][0].update(contact="stoke_on_trent.contact.999"))
    assert err.field == "contact"


def test_missing_citation_section(tmp_path):
    err = error_for(tmp_path, lambda d: d["levels"][0]["cite"].pop("section"))
    assert err.item == "stoke_on_trent.level.1.cite" and err.field == "section"


def test_slug_must_match_file_name(tmp_path):
    err = error_for(tmp_path, lambda d: d["authority"].update(slug="stoke"))
    assert err.field == "slug"


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("authority:\n  slug: broken\n levels: [\n", encoding="utf-8")
    with pytest.raises(loader.LoadError) as raised:
        loader.load_file(path)
    assert raised.value.file == "broken.yml" and raised.value.item.startswith("line ")


def test_one_bad_file_means_nothing_is_loaded(tmp_path):
    good = tmp_path / "cumbria.yml"
    good.write_text((loader.authorities_dir() / "cumbria.yml").read_text(encoding="utf-8"), encoding="utf-8")
    write_broken(tmp_path, lambda d: d["levels"][0].pop("name"))
    with pytest.raises(loader.LoadError):
        loader.load_all(tmp_path)


def test_empty_directory_is_an_error_not_an_empty_knowledge_base(tmp_path):
    with pytest.raises(loader.LoadError, match="no authority files"):
        loader.load_all(tmp_path)


def test_a_partnership_contact_that_is_not_a_contact_is_rejected(tmp_path):
    err = error_for(tmp_path, lambda d: d["document"].update(partnership_contact="stoke_on_trent.contact.999"))
    assert (err.item, err.field) == ("document", "partnership_contact") and "not one of" in err.problem


def test_a_partnership_contact_without_a_web_address_is_rejected(tmp_path):
    """Replies give the partnership's web address from that contact: one must be there to give."""
    err = error_for(tmp_path, lambda d: d["document"].update(partnership_contact=d["contacts"][0]["id"]))
    assert (err.item, err.field) == ("document", "partnership_contact") and "no web address" in err.problem
