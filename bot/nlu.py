"""Rasa NLU components over threshold_kb's pure checks.

SharedSpacyNLP: Rasa's SpacyNLP with the process's one copy of spaCy's pipeline
(threshold_kb.english), which redaction and the danger model use too: each copy is ~240 MB.

AuthorityNames: the authority a message names ("Northamptonshire MASH number?", "we're in Hanley")
is an entity of that message, whatever its intent, valued by the knowledge base's slug; a question
that names an authority is answered for it.

EnglishOnly: a message in another language becomes `nlu_fallback`, so it gets the clear "I only
read English" answer instead of a guessed intent; so does a short message quoting a consultation
record's reference ("can I have record TA-7K3M-Q9XD"), which the fallback gives back to its maker
(the classifier would guess: a reference is no word it knows).

DangerFirst: danger words override any intent. Placed after the intent classifier, it overrides
the intent with `report_danger` whenever the words suggest a child may be in danger right now, so
the 999 rule fires whatever DIET thought. It runs threshold_kb's DangerDetector, the same one the
engine uses: patterns (matching/danger.yml) and, with the sentence encoder, meaning
(matching/danger_model.py, trained on matching/danger_training.yml). The encoder loads on the
first message, not at training.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from threshold_kb import english, loader, queries, record
from threshold_kb.matching.danger import DangerDetector
from threshold_kb.matching.encoder import load_encoder
from threshold_kb.matching.language import looks_english
from threshold_kb.store.repository import InMemoryRepository

DANGER_INTENT = "report_danger"
FALLBACK_INTENT = "nlu_fallback"
_TAG = re.compile(r"<[^>]*>")


def _override(message: Message, intent: str) -> None:
    top = {"name": intent, "confidence": 1.0}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top], add_to_output=True)  # nothing close: no ambiguity fallback


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SharedSpacyNLP",
)
class SharedSpacyNLP(SpacyNLP):
    """SpacyNLP (its tokens, tags and vectors for SpacyTokenizer and SpacyFeaturizer) over the shared
    pipeline. `model` in config.yml must name the package threshold_kb.english loads."""

    @staticmethod
    def load_model(spacy_model_name: str) -> SpacyModel:
        if spacy_model_name != english.PACKAGE:
            raise InvalidConfigException(f"SharedSpacyNLP shares {english.PACKAGE}, not {spacy_model_name}")
        nlp = english.pipeline()
        if nlp is None:
            raise InvalidConfigException(f"{english.PACKAGE} is not installed: run make setup")
        return SpacyModel(model=nlp, model_name=spacy_model_name)

    def _doc_for_text(self, model, text: str):
        """The message parsed once for Rasa and for the redactor that reads it before it is saved."""
        return english.parsed(self._preprocess_text(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class AuthorityNames(GraphComponent):
    """Names, aliases and towns from the authorities' files (the same the actions resolve with)."""

    ENTITY = "authority_name"

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> AuthorityNames:
        return cls()

    def __init__(self) -> None:
        self._repo: InMemoryRepository | None = None

    @property
    def repo(self) -> InMemoryRepository:
        if self._repo is None:
            self._repo = InMemoryRepository(loader.load_all())
        return self._repo

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # a button's payload carries its own entity
                continue
            found = [
                {"entity": self.ENTITY, "start": m.start, "end": m.end, "value": m.slug, "extractor": "AuthorityNames"}
                for m in queries.authority_mentions(self.repo, text)
            ]
            if found:
                message.set(ENTITIES, [*message.get(ENTITIES, []), *found], add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EnglishOnly(GraphComponent):
    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> EnglishOnly:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.startswith("/") and (record.asked_for(text) or not looks_english(_TAG.sub(" ", text))):
                _override(message, FALLBACK_INTENT)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DangerFirst(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerFirst:
        return cls()

    def __init__(self) -> None:
        self._detector: DangerDetector | None = None

    @property
    def detector(self) -> DangerDetector:
        if self._detector is None:
            self._detector = DangerDetector(load_encoder())  # None (patterns only) if it cannot load
        return self._detector

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            # The message as SpacyNLP tagged it: the danger model's verb tenses without a second
            # copy of the pipeline in this process.
            if text.startswith("/") or not self.detector.signals(text, doc=message.get(SPACY_DOCS[TEXT])):
                continue
            _override(message, DANGER_INTENT)
        return messages
