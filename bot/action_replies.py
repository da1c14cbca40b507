"""The action server's replies checked against Rasa's schema with a validator built once.

Rasa 3.6 checks every reply with `jsonschema.validate(reply, schema)`, which first checks the schema
itself against the JSON Schema meta-schema: about 45 ms a reply with jsonschema 4.17, two or more
replies a turn (RasaHQ/rasa#11717). The check here is the same (same schema, same errors, the
best match raised with Rasa's own advice appended); only the schema is checked once, at start.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction

ADVICE = (
    ". Failed to validate Action server response from API, make sure your response from the Action "
    "endpoint is valid. For more information about the format visit https://rasa.com/docs/rasa/custom-actions"
)


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_reply(_action: RemoteAction, result: dict[str, Any]) -> bool:
    error: ValidationError | None = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += ADVICE
        raise error
    return True


def install() -> None:
    """Replace Rasa's per-reply check in this process (bot.serve calls it before loading the agent)."""
    if not hasattr(RemoteAction, "_validate_action_result"):  # a Rasa upgrade renamed it: say so
        raise RuntimeError("rasa.core.actions.action.RemoteAction._validate_action_result is gone")
    RemoteAction._validate_action_result = validate_reply
