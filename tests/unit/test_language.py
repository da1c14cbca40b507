import pytest

from threshold_kb.matching.language import looks_english


@pytest.mark.parametrize(
    "text",
    [
        "Year 4 boy, bruise on his cheek again, says he fell",
        "yr 9 lad smelling of weed innit",
        "HV here, 4 month old, 2 bruises on cheek",
        "Stoke",
        "skip",
    ],
)
def test_practitioners_english_including_slang_and_short_answers_is_english(text):
    assert looks_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "¿Dónde puedo denunciar un abuso infantil?",
        "Je suis inquiet pour un enfant de ma classe",
        "Ich mache mir Sorgen um ein Kind",
        "asdkjh qwe zxcv",
    ],
)
def test_another_language_or_nonsense_is_not(text):
    assert not looks_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "LADO email for Stoke",
        "cumbria hub tel",
        "Kettering MASH contact details pls",
        "edt no for Bedford Borough",
        "Westmorland and Furness safeguarding hub email?",
    ],
)
def test_a_short_contact_question_naming_an_authority_and_a_service_is_english(text):
    # The names the documents give (authorities, towns, services) and the words for asking for a
    # contact are known words: such a question is never answered "I can only read English".
    assert looks_english(text)
