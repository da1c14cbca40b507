import pytest

from actions.kb import KnowledgeBase, KnowledgeBaseUnavailable
from tests.actions.conftest import TUESDAY_MORNING


def test_nothing_is_loaded_until_first_needed():
    calls = []
    KnowledgeBase(load=lambda: calls.append(1))
    assert calls == []


def test_the_store_is_read_once_and_cached(authorities):
    from threshold_kb.store.repository import InMemoryRepository

    calls = []

    def load():
        calls.append(1)
        return InMemoryRepository(authorities)

    kb = KnowledgeBase(load=load, now=lambda: TUESDAY_MORNING)
    assert kb.repo is kb.repo and kb.engine is kb.engine
    assert calls == [1]


def test_an_unreachable_store_raises_the_gateways_own_error_and_is_tried_again_next_time(authorities):
    from threshold_kb.store.repository import InMemoryRepository

    attempts = []

    def load():
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("connection refused")
        return InMemoryRepository(authorities)

    kb = KnowledgeBase(load=load, now=lambda: TUESDAY_MORNING)
    with pytest.raises(KnowledgeBaseUnavailable):
        _ = kb.repo
    assert kb.repo.slugs(), "the database came back: the next message gets the full guidance"


def test_the_safe_answer_uses_the_bundled_files_when_the_store_is_down(broken_kb):
    text = broken_kb.safe_answer("northamptonshire", "worried about bruises")
    assert "0300 126" in text and "designated safeguarding lead" in text
    assert not text.startswith("If a child may be in danger")


def test_the_safe_answer_puts_999_first_for_danger_words(broken_kb):
    assert broken_kb.safe_answer(None, "he has a knife").startswith("If a child may be in danger right now, call 999")
