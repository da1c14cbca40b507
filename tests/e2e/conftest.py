import pytest

from tests.e2e.stack import running_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # The page's identity headers are read from a trusted proxy only: here the tests are that proxy.
    # The HTTP API is on with a token, for the tests to read what was stored.
    env = {"THRESHOLDS_TRUSTED_PROXIES": "127.0.0.1", "THRESHOLDS_API_TOKEN": "e2e-api-token"}
    with running_stack(tmp_path_factory.mktemp("stack"), env=env) as running:
        yield running
