"""schemathesis on the training API alone: generated requests from three roles, no server
error, every answer as documented (the whole API is covered by test_api_schemathesis.py)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from app.accounts import services
from app.authz.policy import Role

ROLES = (Role.ADMIN, Role.PRESCRIBER, Role.TRAINER)


def test_training_api_conforms_to_its_document(app, role_users) -> None:  # type: ignore[no-untyped-def]
    users = role_users()
    tokens = {role: services.create_api_token(users[role], "schemathesis") for role in ROLES}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1/training"):
            continue
        checked += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def run(case) -> None:  # type: ignore[no-untyped-def]
            for role in ROLES:
                response = case.call(headers={"Authorization": f"Bearer {tokens[role]}"})
                assert response.status_code < 500, f"{role.value}: {response.text[:300]}"
                case.validate_response(response, excluded_checks=[checks.ignored_auth])

        try:
            run()
        except BaseException as exc:  # noqa: BLE001 (every operation's failure, then all)
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert checked == 6
    assert not failures, "\n\n".join(failures)
