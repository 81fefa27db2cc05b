"""The same run store and checkpointer code on PostgreSQL (set ECH0_TEST_POSTGRES_URL to run)."""

import os
import uuid

import pytest

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_runtime(built_data_dir, tmp_path):
    url = os.environ.get("ECH0_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ECH0_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    from server.wiring import build_runtime
    from tests.conftest import mini_settings

    rt = build_runtime(mini_settings(built_data_dir).model_copy(update={"database_url": url}))
    yield rt
    rt.close()


def test_run_is_recorded_and_checkpointed_in_postgres(pg_runtime):
    run_id = f"pg-{uuid.uuid4().hex[:8]}"
    result = pg_runtime.research.ask("How many rings are in c1ccc2ccccc2c1?", run_id=run_id)
    assert result["answer"] == 2
    assert pg_runtime.runs.get_run(run_id)["report"]["answer"] == 2
    snapshot = pg_runtime.graph.get_state({"configurable": {"thread_id": run_id}})
    assert snapshot.values["report"]["answer"] == 2 and not snapshot.next
