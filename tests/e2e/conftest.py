import pytest

from tests.e2e.stack import MODEL, Stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test-e2e does)")
    running = Stack(tmp_path_factory.mktemp("stack"))
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()
