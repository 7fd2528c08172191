"""Access table of households, prescriptions and programmes (issue 4).

The records: a household of the prescriber's organisation, a prescription sent to the
manager's association (so its staff see the household through it), and a draft.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.authz.policy import Role
from tests.access.table import ANY_USER, Ctx, Route, roles

READ = roles(Role.ADMIN, Role.MANAGER, Role.FRONT_DESK, Role.PRESCRIBER)
WRITE = roles(Role.ADMIN, Role.PRESCRIBER)
DECIDE = roles(Role.ADMIN, Role.MANAGER)

HOUSEHOLD_FORM = {
    "reference_name": "Mme Accès",
    "reference_age": "40",
    "commune": "Châteaudun",
    "postcode": "28200",
    "statuses": ["rsa"],
    "attestation_method": "declared",
    "connection": "none",
    "contact_channel": "sms",
    "phone": "06 11 22 33 44",
    "consent_basis": "consent",
    "consent": "y",
}


def make_household(prescriber: Any, reference_name: str = "Mme Test", **fields: Any) -> Any:
    """A household of the prescriber's organisation (RSA, Châteaudun, 40 years old)."""
    from app.eligibility.vocabulary import Status
    from app.households import services

    values: dict[str, Any] = {
        "reference_age": 40,
        "commune": "Châteaudun",
        "postcode": "28200",
        "statuses": (Status.RSA,),
        "phone": "06 11 22 33 44",
        "consent": True,
    }
    values.update(fields)
    return services.create_household(
        services.HouseholdInput(reference_name=reference_name, **values), prescriber
    )


def make_prescription(
    household: Any,
    prescriber: Any,
    association: Any,
    *,
    submit: bool = True,
    programme: str = "prix-solidaires",
    device: str = "laptop",
    commitments: tuple[str, ...] = (),
) -> Any:
    from app.eligibility.vocabulary import Commitment, DeviceType
    from app.households import services

    return services.create_prescription(
        household,
        services.PrescriptionInput(
            programme_code=programme,
            association_org_id=association.id,
            device_type=DeviceType(device),
            commitments=tuple(Commitment(c) for c in commitments),
        ),
        prescriber,
        submit=submit,
    )


def setup(ctx: Ctx) -> None:
    prescriber = ctx.users[Role.PRESCRIBER]
    household = make_household(prescriber)
    sent = make_prescription(household, prescriber, ctx.org(Role.MANAGER), submit=True)
    other = make_household(prescriber, reference_name="Autre foyer")
    draft = make_prescription(other, prescriber, ctx.org(Role.MANAGER), submit=False)
    ctx.records.update(household=household.id, sent=sent.id, draft=draft.id)


def _h(endpoint: str) -> object:
    return lambda ctx: url_for(endpoint, household_id=ctx.records["household"])


def _p(endpoint: str, key: str = "sent") -> object:
    return lambda ctx: url_for(endpoint, prescription_id=ctx.records[key])


ROUTES = [
    Route("households.household_list", allow=READ),
    Route("households.household_new", allow=WRITE),
    Route("households.household_new", "POST", allow=WRITE, data=HOUSEHOLD_FORM),
    Route("households.household_detail", allow=READ, path=_h("households.household_detail")),
    Route("households.household_edit", allow=WRITE, path=_h("households.household_edit")),
    Route(
        "households.household_edit",
        "POST",
        allow=WRITE,
        path=_h("households.household_edit"),
        data=HOUSEHOLD_FORM,
    ),
    Route("households.prescription_new", allow=WRITE, path=_h("households.prescription_new")),
    Route(
        "households.prescription_new",
        "POST",
        allow=WRITE,
        path=_h("households.prescription_new"),
        data={"programme_code": "prix-solidaires", "device_type": "laptop"},
        fresh_per_role=True,
    ),
    Route("households.prescription_list", allow=READ),
    Route("households.prescription_detail", allow=READ, path=_p("households.prescription_detail")),
    Route("households.prescription_sheet", allow=READ, path=_p("households.prescription_sheet")),
    Route(
        "households.prescription_sheet_pdf",
        allow=READ,
        path=_p("households.prescription_sheet_pdf"),
    ),
    Route(
        "households.prescription_submit",
        "POST",
        allow=WRITE,
        path=_p("households.prescription_submit", "draft"),
        fresh_per_role=True,
    ),
    Route(
        "households.prescription_cancel",
        "POST",
        allow=WRITE,
        path=_p("households.prescription_cancel"),
        fresh_per_role=True,
    ),
    Route(
        "households.prescription_validate",
        "POST",
        allow=DECIDE,
        path=_p("households.prescription_validate"),
        fresh_per_role=True,
    ),
    Route(
        "households.prescription_refuse",
        "POST",
        allow=DECIDE,
        path=_p("households.prescription_refuse"),
        data={"reason": "Plus de stock"},
        fresh_per_role=True,
    ),
    Route("eligibility.programme_list", allow=READ),
    Route(
        "eligibility.programme_detail",
        allow=READ,
        path=lambda ctx: url_for("eligibility.programme_detail", code="rsa-ordinateur-15"),
    ),
    # API
    Route("households_api.household_list", allow=READ),
    Route(
        "households_api.household_create",
        "POST",
        allow=WRITE,
        data={
            "reference_name": "Accès API",
            "postcode": "28200",
            "statuses": ["rsa"],
            "phone": "0611223344",
            "consent": True,
        },
        ok=(201,),
    ),
    Route("households_api.household_get", allow=READ, path=_h("households_api.household_get")),
    Route(
        "households_api.household_update",
        "PUT",
        allow=WRITE,
        path=_h("households_api.household_update"),
        data={"reference_name": "Accès API", "phone": "0611223344", "consent": True},
    ),
    Route(
        "households_api.household_eligibility",
        allow=READ,
        path=_h("households_api.household_eligibility"),
    ),
    Route("households_api.prescription_list", allow=READ),
    Route(
        "households_api.prescription_create",
        "POST",
        allow=WRITE,
        data=lambda ctx: {
            "household_id": ctx.records["household"],
            "programme_code": "prix-solidaires",
            "association_org_id": ctx.org(Role.MANAGER).id,
            "device_type": "laptop",
        },
        ok=(201,),
    ),
    Route(
        "households_api.prescription_get",
        allow=READ,
        path=_p("households_api.prescription_get"),
    ),
    Route(
        "households_api.prescription_submit",
        "POST",
        allow=WRITE,
        path=_p("households_api.prescription_submit", "draft"),
        fresh_per_role=True,
    ),
    Route(
        "households_api.prescription_cancel",
        "POST",
        allow=WRITE,
        path=_p("households_api.prescription_cancel"),
        fresh_per_role=True,
    ),
    Route(
        "households_api.prescription_validate",
        "POST",
        allow=DECIDE,
        path=_p("households_api.prescription_validate"),
        fresh_per_role=True,
    ),
    Route(
        "households_api.prescription_refuse",
        "POST",
        allow=DECIDE,
        path=_p("households_api.prescription_refuse"),
        data={"reason": "Plus de stock"},
        fresh_per_role=True,
    ),
    Route(
        "eligibility_api.check",
        "POST",
        allow=ANY_USER,
        data={
            "facts": {
                "statuses": [{"status": "rsa"}],
                "postcode": "28200",
                "commune": "Châteaudun",
                "ages": [40],
            }
        },
    ),
]
