"""Who sees which household: the prescriber's organisation, and an association only
through a prescription sent to it. Every read is journalled. Real database."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role
from app.extensions import db
from tests.access.households import make_household, make_prescription
from tests.conftest import login_client


@pytest.fixture
def world(make_org: Any, make_user: Any) -> dict[str, Any]:
    """Two prescribing organisations, two associations, one household sent to asso A."""
    ccas = make_org(OrgKind.PRESCRIBER, slug="ccas-a", name="CCAS A")
    mds = make_org(OrgKind.PRESCRIBER, slug="mds-b", name="MDS B")
    asso_a = make_org(OrgKind.ASSOCIATION, slug="asso-a", name="Asso A")
    asso_b = make_org(OrgKind.ASSOCIATION, slug="asso-b", name="Asso B")
    users = {
        "prescriber": make_user(Role.PRESCRIBER, ccas, email="p@ccas-a.test"),
        "colleague": make_user(Role.PRESCRIBER, ccas, email="p2@ccas-a.test"),
        "other_prescriber": make_user(Role.PRESCRIBER, mds, email="p@mds-b.test"),
        "manager_a": make_user(Role.MANAGER, asso_a, email="m@asso-a.test"),
        "desk_a": make_user(Role.FRONT_DESK, asso_a, email="d@asso-a.test"),
        "tech_a": make_user(Role.TECHNICIAN, asso_a, email="t@asso-a.test"),
        "manager_b": make_user(Role.MANAGER, asso_b, email="m@asso-b.test"),
    }
    household = make_household(users["prescriber"], reference_name="Mme Secret")
    sent = make_prescription(household, users["prescriber"], asso_a, submit=True)
    hidden = make_household(users["prescriber"], reference_name="M. Brouillon")
    draft = make_prescription(hidden, users["prescriber"], asso_a, submit=False)
    return {
        "users": users,
        "household": household.id,
        "sent": sent.id,
        "hidden": hidden.id,
        "draft": draft.id,
        "asso_a": asso_a,
    }


def get(app: Any, user: Any, path: str) -> Any:
    client = login_client(app.test_client(), user)
    return client.get(path)


def api(app: Any, user: Any, method: str, path: str, **kwargs: Any) -> Any:
    token = accounts.create_api_token(user, "test")
    return app.test_client().open(
        path, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("prescriber", 200),
        ("colleague", 200),
        ("other_prescriber", 404),
        ("manager_a", 200),
        ("desk_a", 200),
        ("tech_a", 403),
        ("manager_b", 404),
    ],
)
def test_household_page_by_organisation(
    app: Any, world: dict[str, Any], who: str, status: int
) -> None:
    response = get(app, world["users"][who], f"/foyers/{world['household']}")
    assert response.status_code == status
    if status == 200:
        assert "Mme Secret" in response.get_data(as_text=True)
    else:
        assert "Mme Secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "status"),
    [("prescriber", 200), ("other_prescriber", 404), ("manager_a", 404), ("manager_b", 404)],
)
def test_a_draft_stays_with_the_prescriber(
    app: Any, world: dict[str, Any], who: str, status: int
) -> None:
    user = world["users"][who]
    assert get(app, user, f"/prescriptions/{world['draft']}").status_code == status
    assert get(app, user, f"/foyers/{world['hidden']}").status_code == status
    assert api(app, user, "GET", f"/api/v1/prescriptions/{world['draft']}").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("prescriber", 200), ("other_prescriber", 404), ("manager_a", 200), ("manager_b", 404)],
)
def test_prescription_and_sheet_by_organisation(
    app: Any, world: dict[str, Any], who: str, status: int
) -> None:
    user = world["users"][who]
    assert get(app, user, f"/prescriptions/{world['sent']}").status_code == status
    assert get(app, user, f"/prescriptions/{world['sent']}/fiche").status_code == status
    assert api(app, user, "GET", f"/api/v1/prescriptions/{world['sent']}").status_code == status


def test_lists_show_only_what_the_organisation_may_see(app: Any, world: dict[str, Any]) -> None:
    users = world["users"]
    mine = get(app, users["prescriber"], "/foyers").get_data(as_text=True)
    assert "Mme Secret" in mine and "M. Brouillon" in mine
    theirs = get(app, users["other_prescriber"], "/foyers").get_data(as_text=True)
    assert "Mme Secret" not in theirs and "M. Brouillon" not in theirs
    asso = get(app, users["manager_a"], "/foyers").get_data(as_text=True)
    assert "Mme Secret" in asso and "M. Brouillon" not in asso
    assert "Mme Secret" not in get(app, users["manager_b"], "/foyers").get_data(as_text=True)
    body = api(app, users["other_prescriber"], "GET", "/api/v1/households").get_json()
    assert body == []
    body = api(app, users["manager_b"], "GET", "/api/v1/prescriptions").get_json()
    assert body == []
    body = api(app, users["manager_a"], "GET", "/api/v1/prescriptions").get_json()
    assert [p["id"] for p in body] == [world["sent"]]


def test_other_organisations_cannot_change_or_decide(app: Any, world: dict[str, Any]) -> None:
    users = world["users"]
    other = login_client(app.test_client(), users["other_prescriber"])
    assert other.get(f"/foyers/{world['household']}/modifier").status_code == 404
    assert other.get(f"/foyers/{world['household']}/prescrire").status_code == 404
    assert other.post(f"/prescriptions/{world['sent']}/annuler").status_code == 404
    manager_b = login_client(app.test_client(), users["manager_b"])
    assert manager_b.post(f"/prescriptions/{world['sent']}/valider").status_code == 404
    assert (
        api(
            app, users["manager_b"], "POST", f"/api/v1/prescriptions/{world['sent']}/validate"
        ).status_code
        == 404
    )
    assert (
        api(
            app,
            users["other_prescriber"],
            "PUT",
            f"/api/v1/households/{world['household']}",
            json={"reference_name": "X", "phone": "0600000000", "consent": True},
        ).status_code
        == 404
    )
    # An association's manager may decide but never edit the household.
    manager_a = login_client(app.test_client(), users["manager_a"])
    assert manager_a.get(f"/foyers/{world['household']}/modifier").status_code == 403
    db.session.expire_all()
    from app.households.models import Household, Prescription

    assert db.session.get(Household, world["household"]).reference_name == "Mme Secret"
    assert db.session.get(Prescription, world["sent"]).state.value == "submitted"


def test_every_read_of_household_data_is_journalled(app: Any, world: dict[str, Any]) -> None:
    users = world["users"]
    before = db.session.scalar(
        select(db.func.count()).select_from(AuditEntry).where(AuditEntry.action == "household.read")
    )
    get(app, users["manager_a"], f"/foyers/{world['household']}")
    get(app, users["prescriber"], f"/prescriptions/{world['sent']}/fiche")
    api(app, users["colleague"], "GET", f"/api/v1/households/{world['household']}")
    db.session.expire_all()
    reads = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "household.read").order_by(AuditEntry.id)
    ).all()
    assert len(reads) == before + 3
    assert [r.actor_label for r in reads[-3:]] == [
        "m@asso-a.test",
        "p@ccas-a.test",
        "p2@ccas-a.test",
    ]
    assert all(r.object_type == "household" for r in reads)
    assert reads[-3].object_id == str(world["household"])
    # A refused read leaves no "read" entry.
    get(app, users["other_prescriber"], f"/foyers/{world['household']}")
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(db.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "household.read")
        )
        == before + 3
    )


def test_edit_and_prescribe_forms_are_journalled_reads(app: Any, world: dict[str, Any]) -> None:
    client = login_client(app.test_client(), world["users"]["prescriber"])
    for path in (
        f"/foyers/{world['household']}/modifier",
        f"/foyers/{world['household']}/prescrire",
    ):
        before = db.session.scalar(
            select(db.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "household.read")
        )
        assert client.get(path).status_code == 200
        db.session.expire_all()
        after = db.session.scalar(
            select(db.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "household.read")
        )
        assert after == before + 1, path
