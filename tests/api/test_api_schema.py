"""Property-based: schemathesis generates requests from the app's own OpenAPI schema and runs them
in-process. No response may be a 5xx, and every response must match its documented schema,
status code and content type — for valid data and for data that breaks the schema, with a
national admin key, a force-limited analyst key, a force key and a key that is not valid."""

from __future__ import annotations

import pytest
import schemathesis
from apifixtures import auth
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from probity import audit as audit_log
from probity.settings import get_settings

load_all_checks()
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 6  # × 2 modes × 4 credentials × ~16 operations: well under a minute


@pytest.fixture
def api_schema(api_url, make_flag):
    for force in ("kent", "essex"):
        make_flag(force)
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(get_settings()))


@pytest.fixture
def credentials(make_key) -> list[dict[str, str]]:
    return [
        auth(make_key("admin")),
        auth(make_key("analyst", "kent")),
        auth(make_key("force", "kent")),
        auth("pb_00000000_" + "z" * 43),
    ]


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"]
)
def test_api_conforms_to_its_schema(api_schema, credentials, mode, db):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    exercised = 0
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            for headers in credentials:
                case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
            exercised += 1
        except Unsatisfiable:
            # no invalid input exists for an operation without parameters or body (health, lists
            # of keys): nothing to generate in negative mode
            assert mode is GenerationMode.NEGATIVE
    assert exercised >= 12
    with db() as session:  # whatever the generated requests logged, the chain still verifies
        assert audit_log.verify(session).ok
