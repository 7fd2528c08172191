"""Access table of the counter, loans, sales, their API, and the family's page (public)."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for

from app.authz.policy import Role
from app.core.clock import today
from app.extensions import db
from app.family.links import ensure_family_token
from app.loans.handover import HandoverInput, handover
from app.loans.models import SignatureKind
from app.loans.reservations import reserve
from app.loans.returns import cede_loan
from app.loans.terms import PaymentMethod
from tests.access.table import PUBLIC, Ctx, Route, roles
from tests.integration.test_loans_factories import (
    PRE,
    RSA,
    Counter,
    ready_device,
    validated_prescription,
)

DESK = roles(Role.ADMIN, Role.MANAGER, Role.FRONT_DESK)


def setup(ctx: Ctx) -> None:
    manager = ctx.users[Role.MANAGER]
    counter = Counter(
        association=manager.organisation,
        manager=manager,
        front_desk=ctx.users[Role.FRONT_DESK],
        prescriber_org=ctx.org(Role.PRESCRIBER),
        prescriber=ctx.users[Role.PRESCRIBER],
    )
    asso = counter.association
    desk = counter.front_desk
    waiting = validated_prescription(counter, RSA, name="Foyer en attente")
    ctx.records["waiting"] = waiting.id
    ctx.records["ready_tag"] = ready_device(asso).asset_tag
    # A reservation.
    reserved_for = validated_prescription(counter, RSA, name="Foyer réservé")
    reservation = reserve(desk, asso.id, reserved_for.id, ready_device(asso).asset_tag)
    ctx.records["reservation"] = reservation.id
    # A sale.
    bought = validated_prescription(counter, RSA, name="Foyer acheteur")
    sale = handover(
        desk,
        asso.id,
        HandoverInput(
            prescription_id=bought.id,
            scanned=ready_device(asso).asset_tag,
            payment_method=PaymentMethod.CASH,
        ),
    )
    ctx.records["sale"] = sale.id
    # An open loan, and a loan turned into ownership.
    lent_to = validated_prescription(counter, PRE, name="Famille prêt")
    loan_device = ready_device(asso)
    loan = handover(
        desk,
        asso.id,
        HandoverInput(
            prescription_id=lent_to.id,
            scanned=loan_device.asset_tag,
            signature_kind=SignatureKind.PAPER,
            signer_name="Famille prêt",
        ),
    )
    ctx.records["loan"] = loan.id
    ctx.records["loan_tag"] = loan_device.asset_tag
    ctx.records["household"] = loan.household_id
    ceded_to = validated_prescription(counter, PRE, name="Famille cession")
    ceded = handover(
        desk,
        asso.id,
        HandoverInput(
            prescription_id=ceded_to.id,
            scanned=ready_device(asso).asset_tag,
            signature_kind=SignatureKind.PAPER,
            signer_name="Famille cession",
        ),
    )
    ceded.cession_after_months = 1
    db.session.commit()
    cede_loan(desk, ceded, on=today() + timedelta(days=40))
    ctx.records["ceded"] = ceded.id
    ctx.records["family_token"] = ensure_family_token(loan.household, asso.id, desk)


def _u(endpoint: str, **keys: str):  # type: ignore[no-untyped-def]
    """URL builder reading record ids from the context: _u("x", loan_id="loan")."""
    return lambda ctx: url_for(endpoint, **{k: ctx.records[v] for k, v in keys.items()})


# HTML actions answer with a redirect whatever the state (the message is flashed), so
# they need no fresh records per role; the API's state-changing calls do.
ROUTES = [
    Route("loans.counter", allow=DESK),
    Route(
        "loans.return_scan",
        "POST",
        allow=DESK,
        data=lambda ctx: {"retour-scanned": ctx.records["loan_tag"]},
    ),
    Route(
        "loans.prescription", allow=DESK, path=_u("loans.prescription", prescription_id="waiting")
    ),
    Route(
        "loans.prescription",
        "POST",
        allow=DESK,
        path=_u("loans.prescription", prescription_id="waiting"),
        data=lambda ctx: {"scanned": ctx.records["ready_tag"]},
    ),
    Route(
        "loans.reserve",
        "POST",
        allow=DESK,
        path=_u("loans.reserve", prescription_id="waiting"),
        data=lambda ctx: {"reserve-scanned": ctx.records["ready_tag"], "reserve-days": "3"},
    ),
    Route(
        "loans.handover",
        allow=DESK,
        path=lambda ctx: url_for(
            "loans.handover",
            prescription_id=ctx.records["waiting"],
            appareil=ctx.records["ready_tag"],
        ),
    ),
    Route(
        "loans.handover",
        "POST",
        allow=DESK,
        path=_u("loans.handover", prescription_id="waiting"),
        data=lambda ctx: {"scanned": ctx.records["ready_tag"], "payment_method": "cash"},
    ),
    Route("loans.reservations", allow=DESK),
    Route(
        "loans.reservation_cancel",
        "POST",
        allow=DESK,
        path=_u("loans.reservation_cancel", reservation_id="reservation"),
    ),
    Route("loans.loans", allow=DESK),
    Route("loans.loan_detail", allow=DESK, path=_u("loans.loan_detail", loan_id="loan")),
    Route("loans.loan_sheet", allow=DESK, path=_u("loans.loan_sheet", loan_id="loan")),
    Route(
        "loans.loan_extend",
        "POST",
        allow=DESK,
        path=_u("loans.loan_extend", loan_id="loan"),
    ),
    Route("loans.loan_return", allow=DESK, path=_u("loans.loan_return", loan_id="loan")),
    Route(
        "loans.loan_return",
        "POST",
        allow=DESK,
        path=_u("loans.loan_return", loan_id="loan"),
        data={"checklist": ["powers_on"], "retained": "0"},
    ),
    Route(
        "loans.loan_cede",
        "POST",
        allow=DESK,
        path=_u("loans.loan_cede", loan_id="loan"),
    ),
    Route("loans.cession_pdf", allow=DESK, path=_u("loans.cession_pdf", loan_id="ceded")),
    Route(
        "loans.family_revoke",
        "POST",
        allow=DESK,
        path=_u("loans.family_revoke", household_id="household"),
    ),
    Route(
        "loans.family_give",
        "POST",
        allow=DESK,
        path=_u("loans.family_give", household_id="household"),
    ),
    Route("loans.sales", allow=DESK),
    Route("loans.sale_detail", allow=DESK, path=_u("loans.sale_detail", sale_id="sale")),
    Route("loans.sale_receipt", allow=DESK, path=_u("loans.sale_receipt", sale_id="sale")),
    Route("loans.family_page", allow=PUBLIC, path=_u("loans.family_page", token="family_token")),
    # API
    Route("loans_api.loans", allow=DESK),
    Route("loans_api.loan", allow=DESK, path=_u("loans_api.loan", loan_id="loan")),
    Route(
        "loans_api.loan_return",
        "POST",
        allow=DESK,
        fresh_per_role=True,
        path=_u("loans_api.loan_return", loan_id="loan"),
        data={"checklist": {"powers_on": True}},
    ),
    Route(
        "loans_api.loan_extend",
        "POST",
        allow=DESK,
        fresh_per_role=True,
        path=_u("loans_api.loan_extend", loan_id="loan"),
    ),
    Route("loans_api.sales", allow=DESK),
    Route("loans_api.sale", allow=DESK, path=_u("loans_api.sale", sale_id="sale")),
    Route(
        "loans_api.handover",
        "POST",
        allow=DESK,
        fresh_per_role=True,
        ok=(201,),
        data=lambda ctx: {
            "prescription_id": ctx.records["waiting"],
            "asset_tag": ctx.records["ready_tag"],
            "payment_method": "cash",
        },
    ),
]
