"""The NLU components that route a message whatever the classifier guessed: another language and a
record's reference go to the fallback (which answers them), danger words still come first."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import EnglishOnly


def routed(text: str, guessed: str = "ask_what_if") -> str:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": guessed, "confidence": 0.74})
    [message] = EnglishOnly().process([message])
    return message.get(INTENT)["name"]


def test_a_short_message_quoting_a_record_reference_goes_to_the_fallback_that_gives_it_back():
    assert routed("can I have my record TA-7K3M-Q9XD please") == "nlu_fallback"
    assert routed("record ta-7k3m-q9xd") == "nlu_fallback"


def test_other_messages_keep_the_classifiers_intent():
    assert routed("what would you do about a boy with a bruise on his cheek?") == "ask_what_if"
    assert routed("/give_feedback", "give_feedback") == "give_feedback"
    assert routed("qu'est-ce que je dois faire pour cet enfant ?") == "nlu_fallback"
