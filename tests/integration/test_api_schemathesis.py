"""schemathesis against /api/v1/openapi.json: generated requests for every documented
operation, from three roles; no server error, no change on a refused request, and every
answer conforms to the document."""

from __future__ import annotations

import schemathesis
from hypothesis import given
from schemathesis import checks

from app.accounts import services
from app.authz.policy import Role
from tests.fuzzing import fuzz_settings, table_digest

ROLES = (Role.ADMIN, Role.MANAGER, Role.PRESCRIBER)


def test_api_conforms_to_its_document(app, role_users) -> None:  # type: ignore[no-untyped-def]
    users = role_users()
    tokens = {role: services.create_api_token(users[role], "schemathesis") for role in ROLES}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        checked += 1

        @given(case=operation.as_strategy())
        @fuzz_settings(25)
        def run(case) -> None:  # type: ignore[no-untyped-def]
            for role in ROLES:
                before = table_digest()
                response = case.call(headers={"Authorization": f"Bearer {tokens[role]}"})
                assert response.status_code < 500, f"{role.value}: {response.text[:300]}"
                if 400 <= response.status_code < 500:
                    assert table_digest() == before, (
                        f"{role.value}: refused with {response.status_code} but the database "
                        "changed"
                    )
                # ignored_auth would replay the request with its own broken credentials
                # while we pass a valid token: it cannot tell them apart (auth is checked by
                # tests/integration/test_route_access.py). positive_data_acceptance wants
                # every schema-valid body accepted, but business rules rightly refuse some
                # with a documented 422 (a batch that does not exist, an illegal move).
                case.validate_response(
                    response,
                    excluded_checks=[checks.ignored_auth, checks.positive_data_acceptance],
                )

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert checked > 0
    assert not failures, "\n\n".join(failures)
