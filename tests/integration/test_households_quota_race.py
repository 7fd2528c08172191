"""One RSA computer per household per year, even when two prescribers submit at the same
moment: the quota claim's unique constraint decides (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.authz.policy import OrgKind, Role
from app.core.errors import DomainError
from app.extensions import db
from app.households import services
from app.households.lifecycle import PrescriptionState
from app.households.models import Prescription, QuotaClaim
from tests.access.households import make_household, make_prescription

ROUNDS = 5


def _submit_together(app: Any, pairs: list[tuple[int, int]]) -> list[str]:
    """Each thread submits its own draft for the same household, released together."""
    barrier = threading.Barrier(len(pairs))
    outcomes: list[str] = [""] * len(pairs)

    def run(index: int, prescription_id: int, user_id: int) -> None:
        with app.app_context():
            prescription = db.session.get(Prescription, prescription_id)
            user = db.session.get(User, user_id)
            assert prescription is not None and user is not None
            prescription.household  # noqa: B018 (loaded before the race, not during it)
            barrier.wait(timeout=10)
            try:
                services.submit_prescription(prescription, user)
            except DomainError as exc:  # a Conflict, or "quota reached" once visible
                outcomes[index] = "refused: " + exc.message
            except Exception as exc:  # any other failure is a bug: report it
                outcomes[index] = f"error: {exc!r}"
            else:
                outcomes[index] = "submitted"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(i, pid, uid)) for i, (pid, uid) in enumerate(pairs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_prescribers_at_once_get_one_computer(app: Any, make_org: Any, make_user: Any) -> None:
    org = make_org(OrgKind.PRESCRIBER, slug="fs-race", name="FS")
    asso = make_org(OrgKind.ASSOCIATION, slug="asso-race", name="Asso")
    first = make_user(Role.PRESCRIBER, org, email="a@race.test")
    second = make_user(Role.PRESCRIBER, org, email="b@race.test")
    for round_number in range(ROUNDS):
        household = make_household(first, reference_name=f"Foyer {round_number}")
        drafts = [
            make_prescription(
                household,
                user,
                asso,
                programme="rsa-ordinateur-15",
                commitments=("pix_test",),
                submit=False,
            )
            for user in (first, second)
        ]
        pairs = [(drafts[0].id, first.id), (drafts[1].id, second.id)]
        db.session.commit()
        outcomes = _submit_together(app, pairs)
        assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "submitted"], outcomes
        db.session.expire_all()
        states = sorted(db.session.get(Prescription, d.id).state.value for d in drafts)
        assert states == [PrescriptionState.DRAFT.value, PrescriptionState.SUBMITTED.value]
        claims = db.session.scalar(
            select(func.count())
            .select_from(QuotaClaim)
            .where(QuotaClaim.household_id == household.id)
        )
        assert claims == 1


def test_a_quota_of_two_lets_exactly_two_of_three_through(
    app: Any, make_org: Any, make_user: Any
) -> None:
    org = make_org(OrgKind.PRESCRIBER, slug="mds-race", name="MDS")
    asso = make_org(OrgKind.ASSOCIATION, slug="asso-race2", name="Asso")
    users = [make_user(Role.PRESCRIBER, org, email=f"{n}@race2.test") for n in range(3)]
    household = make_household(users[0], reference_name="Foyer grille")
    drafts = [
        make_prescription(household, user, asso, programme="prix-solidaires", submit=False)
        for user in users
    ]
    db.session.commit()
    outcomes = _submit_together(app, [(d.id, u.id) for d, u in zip(drafts, users, strict=True)])
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "submitted", "submitted"], (
        outcomes
    )
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(QuotaClaim)
            .where(QuotaClaim.household_id == household.id)
        )
        == 2
    )
