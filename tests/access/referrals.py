"""Access table of the referral routes (issue 15)."""

from __future__ import annotations

from flask import url_for

from app.authz.policy import Role
from app.extensions import db
from app.households.models import Household
from app.referrals import links, services
from app.referrals import reasons as reason_list
from app.referrals.models import RefusalReason
from tests.access.table import PUBLIC, Ctx, Route, roles

ANSWER = roles(Role.ADMIN, Role.MANAGER, Role.FRONT_DESK, Role.PRESCRIBER, Role.TRAINER)
SEND = roles(Role.ADMIN, Role.FRONT_DESK, Role.PRESCRIBER)
# The household and the referrals are the prescriber's (the CCAS sends them to the
# trainer's place): other structures get a 404.
SENDER = roles(Role.ADMIN, Role.PRESCRIBER)
BOTH_SIDES = roles(Role.ADMIN, Role.PRESCRIBER, Role.TRAINER)
RECEIVER = roles(Role.ADMIN, Role.TRAINER)


def setup(ctx: Ctx) -> None:
    prescriber = ctx.users[Role.PRESCRIBER]
    household = Household(
        organisation_id=prescriber.organisation_id,
        reference_name="Foyer orienté",
        phone="0612345678",
        commune="Metz",
        postcode="57000",
    )
    db.session.add(household)
    db.session.commit()
    internal = services.create_referral(
        household,
        services.ReferralInput(
            need="learn", message="Premiers pas", consent=True,
            to_organisation_id=ctx.org(Role.TRAINER).id,
        ),
        prescriber,
    )  # fmt: skip
    external = services.create_referral(
        household,
        services.ReferralInput(
            need="repair", message="Écran cassé", consent=True,
            to_name="Repair café", to_phone="0387000000",
        ),
        prescriber,
    )  # fmt: skip
    reason_list.ensure_default_reasons()
    ctx.records.update(
        referral_household=household.id,
        referral_internal=internal.id,
        referral_external=external.id,
        referral_token=links.make_token(external),
        referral_reason=db.session.scalar(db.select(RefusalReason.id).limit(1)),
    )


def _r(endpoint: str, key: str = "referral_internal") -> object:
    return lambda ctx: url_for(endpoint, referral_id=ctx.records[key])


def _form(ctx: Ctx) -> dict[str, object]:
    return {"need": "learn", "message": "Pour apprendre", "consent": "y",
            "to_organisation_id": ctx.org(Role.TRAINER).id}  # fmt: skip


ROUTES = [
    Route("referrals.incoming", allow=ANSWER),
    Route("referrals.outgoing", allow=SEND),
    Route(
        "referrals.new", allow=SENDER,
        path=lambda ctx: url_for("referrals.new", household_id=ctx.records["referral_household"]),
    ),
    Route(
        "referrals.new", "POST", allow=SENDER, data=_form,
        path=lambda ctx: url_for("referrals.new", household_id=ctx.records["referral_household"]),
    ),
    Route("referrals.detail", allow=BOTH_SIDES, path=_r("referrals.detail")),  # type: ignore[arg-type]
    # A refusal without a reason: refused on the form (422) for the receiving structure.
    Route(
        "referrals.respond", "POST", allow=RECEIVER, path=_r("referrals.respond"),  # type: ignore[arg-type]
        data={"action": "refuse"}, ok=(422,),
    ),
    Route(
        "referrals.renew", "POST", allow=SENDER,
        path=_r("referrals.renew", "referral_external"),  # type: ignore[arg-type]
    ),
    Route("referrals.slip", allow=SENDER, path=_r("referrals.slip", "referral_external")),  # type: ignore[arg-type]
    Route(
        "referrals.answer_link", allow=PUBLIC,
        path=lambda ctx: url_for("referrals.answer_link", token=ctx.records["referral_token"]),
    ),
    Route(
        "referrals.answer_link", "POST", allow=PUBLIC, data={"action": "refuse"}, ok=(422,),
        path=lambda ctx: url_for("referrals.answer_link", token=ctx.records["referral_token"]),
    ),
    Route("referrals.reasons", allow=roles(Role.ADMIN)),
    Route("referrals.reasons", "POST", allow=roles(Role.ADMIN), data={"label": ""}),
    Route(
        "referrals.reason_toggle", "POST", allow=roles(Role.ADMIN), data={"active": "1"},
        path=lambda ctx: url_for("referrals.reason_toggle",
                                 reason_id=ctx.records["referral_reason"]),
    ),
]  # fmt: skip
