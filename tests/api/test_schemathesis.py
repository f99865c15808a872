"""The schema, exercised: schemathesis generates requests from /api/schema/ against the live test server,
with the token of an official, of branch staff and of the branch head, and fails on any 5xx and any
answer the schema does not describe (status, content type, headers, body).

Each operation is tried with data that fits the schema (on the real objects of Batang Barus, so that the
answers carry rows) and with data that does not (which must be refused with a 4xx). The number of
examples keeps a role's run well under a minute on the shared 2-CPU machine.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import token_create
from participants.stats import stats_refresh
from tests.test_access_matrix import World

POSITIVE_EXAMPLES = 6
NEGATIVE_EXAMPLES = 3
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def real_objects(world: World) -> dict[str, dict]:
    """Path parameters of Batang Barus's objects, by the first segment after /api/v1/."""
    return {
        "participants": {"id": world.participant.pk},
        "contributions": {"id": world.contribution.pk},
        "claims": {"id": world.claim.pk},
        "activities": {"id": world.activity.pk},
        "villages": {"id": world.village.pk},
        "evaluation-cycles": {"id": world.cycle.pk},
        "evaluations": {"id": world.evaluation.pk},
        "regencies": {"code": world.village.district.regency.code},
        "districts": {"code": world.village.district.code},
    }


def _run(operation, *, mode, examples: int, checks, base_url: str, headers: dict, path_parameters=None) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def exercise(case) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=checks)

    exercise()


# serialized_rollback: the flush afterwards must not leave the next tests without the migrated regions and roles.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("role", ["official", "staff_user", "head_user"])
def test_generated_requests_find_no_server_error_and_no_answer_outside_the_schema(
    request, live_server, official, other_official, staff_user, head_user, role
):
    users = {"official": official, "outsider": other_official, "staff": staff_user, "head": head_user}
    world = World(users)
    objects = real_objects(world)
    stats_refresh(village_ids=[world.village.pk])
    _, secret = token_create(user=request.getfixturevalue(role), name="schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    answer = requests.get(f"{live_server.url}/api/schema/?format=json", headers=headers, timeout=30)
    assert answer.status_code == 200
    schema = schemathesis.openapi.from_dict(answer.json())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:
        segment = operation.path.split("/")[3]
        wanted = {name for name in ("id", "code") if f"{{{name}}}" in operation.path}
        path_parameters = {name: objects[segment][name] for name in wanted} or None
        common = {"base_url": live_server.url, "headers": headers}
        _run(
            operation,
            mode=schemathesis.GenerationMode.POSITIVE,
            examples=POSITIVE_EXAMPLES,
            checks=CONFORMANCE,
            path_parameters=path_parameters,
            **common,
        )
        _run(
            operation,
            mode=schemathesis.GenerationMode.NEGATIVE,
            examples=NEGATIVE_EXAMPLES,
            checks=[*CONFORMANCE, negative_data_rejection],
            **common,
        )
