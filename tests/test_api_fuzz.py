"""schemathesis against the registry's own OpenAPI document, in-process, as a visitor and as every role.

Every operation of the document gets generated requests (valid and invalid ids, bodies and parameters);
each answer must be no server error, have a documented status code and content type, and match the
documented schema. Each generated case is sent as a visitor and as every role. `make test` runs two
cases per operation on SQLite; `make fuzz` sets REGISTRY_FUZZ_EXAMPLES=200 and runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry.app import create_app
from registry.config import Settings
from registry.demo import DEMO_PASSWORD
from tests.conftest import ROLE_ACCOUNTS, fresh_database

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "2"))
# The quick run (`make test`) fuzzes on SQLite; the long run (`make fuzz`) on both databases.
ENGINES = os.environ.get("REGISTRY_FUZZ_ENGINES", "sqlite,postgresql" if EXAMPLES >= 50 else "sqlite").split(",")
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance]
CHECKS.append(response_schema_conformance)


@pytest.fixture(scope="module", params=ENGINES)
def fuzzed_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One registry (seed, demo people and processes) for the whole run: what the fuzzer writes stays."""
    with fresh_database(request.param, request, tmp_path_factory.mktemp("fuzz")) as url:
        yield create_app(Settings(database_url=url, env="test"))


@pytest.fixture(scope="module")
def api_schema(fuzzed_app):
    return schemathesis.openapi.from_asgi("/schema/openapi.json", fuzzed_app)


@pytest.fixture(scope="module")
def sessions(fuzzed_app) -> Iterator[dict]:
    """A client of the app per role, logged in as the role's demo account (a visitor: none) and sending
    the CSRF header like the pages' scripts do."""
    clients = {}
    for role, username in ROLE_ACCOUNTS.items():
        client = asgi.get_client(fuzzed_app).__enter__()
        client.get("http://testserver/health")
        token = client.cookies.get("registry_csrf")
        if username:
            response = client.post(
                "http://testserver/login",
                data={"username": username, "password": DEMO_PASSWORD, "next": "/", "_csrf_token": token},
                allow_redirects=False,
            )
            assert response.status_code == 303, f"log-in as {username} failed: {response.status_code}"
        client.headers["x-csrftoken"] = token
        clients[role] = client
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _answers_as_documented(operation, sessions: dict) -> str | None:
    """Run the operation's generated cases (valid and invalid ones), each as a visitor and as every role;
    the first failure (shrunk, naming the role) or None."""
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=EXAMPLES < 50,  # the quick run is the same every time; the long run explores
        database=None,
    )
    def run(case) -> None:
        for role, session in sessions.items():
            response = case.call(session=session)
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as failure:
                raise AssertionError(f"as {role}: {failure}") from None

    try:
        run()
    except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - reported with the operation's name
        return f"{operation.label}: {failure}"
    return None


def test_every_operation_answers_as_documented_to_every_role(api_schema, sessions):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 60, "the document lists the whole API"
    failures = [found for operation in operations if (found := _answers_as_documented(operation, sessions))]
    assert not failures, "\n\n".join(failures)
