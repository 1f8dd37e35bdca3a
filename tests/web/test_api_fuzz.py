"""A schema-based fuzzer (schemathesis) over the whole JSON API.

The app runs in-process on a fresh test database with an admin's API token
and a few incidents, so generated requests reach real rows: half of the
generated incident keys are swapped for keys that exist. Every answer must
be below 500 and match what the OpenAPI schema says (status code, media type
and body). Each operation gets a fixed number of derandomized examples, positive and
negative, so a run is repeatable and takes one to two minutes per database.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator

import pytest

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings, strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cairn.config import Settings
from cairn.services.context import Context
from cairn.services.incidents import open_incident
from cairn.services.portable import import_document
from cairn.services.timeline import log_event
from cairn.services.tokens import create_token
from cairn.web.app import create_app
from tests.web.personas import create_personas
from tests.web.webdata import CHECKOUT_OUTAGE

EXAMPLES = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def fuzz_target(settings: Settings, ctx: Context) -> Iterator[tuple[object, dict[str, str], list[str]]]:
    """The app, an admin's Authorization header and the keys of the seeded incidents."""
    create_personas(ctx)
    keys = [import_document(ctx, CHECKOUT_OUTAGE, source="outage.md").key]
    for title, severity in (("Search is slow", "SEV3"), ("Queue backlog on billing", "SEV2")):
        key = open_incident(ctx, title, severity=severity, services=["search"]).key
        log_event(ctx, key, "p99 latency alert fired", kind="alert")
        keys.append(key)
    raw, _info = create_token(ctx, "fuzzer", "admin", days=1)
    yield create_app(settings, context=ctx), {"Authorization": f"Bearer {raw}"}, keys


def test_the_api_answers_generated_requests_without_5xx_and_as_its_schema_says(fuzz_target) -> None:  # type: ignore[no-untyped-def]
    app, headers, keys = fuzz_target
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.app = app
    problems: dict[str, str] = {}
    statuses: Counter[int] = Counter()
    requests = 0

    def real_key(case) -> None:  # type: ignore[no-untyped-def]
        """Half of the generated keys become seeded ones, chosen by the generated text."""
        key = case.path_parameters.get("key") if case.path_parameters else None
        if isinstance(key, str):
            pick = zlib.crc32(key.encode("utf-8", "surrogatepass"))
            if pick % 2 == 0:
                case.path_parameters["key"] = keys[pick // 2 % len(keys)]

    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = st.one_of(*(operation.as_strategy(mode, headers=headers) for mode in GenerationMode))

        @given(case=strategy)
        @hypothesis_settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
            phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            nonlocal requests
            real_key(case)
            requests += 1
            try:
                response = case.call(headers=headers)
                statuses[response.status_code] += 1
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collected, reported together
                for failure in getattr(error, "exceptions", [error]):
                    title = getattr(failure, "title", type(failure).__name__)
                    problems.setdefault(f"{operation.label}: {title}", f"{case.as_curl_command()}\n{failure}")

        run()
    report = "\n\n".join(f"{name}\n{example}" for name, example in sorted(problems.items()))
    kinds = Counter(name.rsplit(": ", 1)[-1] for name in problems)
    print(f"{requests} requests; answers by status {sorted(statuses.items())}; problems by kind {dict(kinds)}")
    assert requests > 1000
    assert sum(count for status, count in statuses.items() if status < 300) > 100  # the token works: real writes and reads happen
    assert not problems, f"{len(problems)} problems in {requests} requests:\n{report}"
