"""Demo: the refusal reasons, and Fatima B. (CCAS de Metz) referred to the Médiathèque
Verlaine to learn, waiting for its answer (log in as formatrice@mediatheque-verlaine.local)."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.demo import DemoContext
from app.extensions import db
from app.households.models import Household
from app.referrals import services
from app.referrals.models import Referral
from app.referrals.reasons import ensure_default_reasons


def seed(ctx: DemoContext) -> None:
    ensure_default_reasons()
    prescriber = ctx.users.get("prescripteur@ccas-metz.local")
    place = ctx.orgs.get("mediatheque-verlaine")
    if prescriber is None or place is None:
        return
    household = db.session.scalar(
        select(Household).where(
            Household.organisation_id == prescriber.organisation_id,
            Household.reference_name == "Fatima B.",
        )
    )
    if household is None or db.session.scalar(
        select(Referral.id).where(Referral.household_id == household.id)
    ):
        return
    services.create_referral(
        household,
        services.ReferralInput(
            need="learn",
            message="Mme B. veut suivre la scolarité de ses enfants en ligne (Pronote, ENT).",
            person_message="Dites que vous venez de la part du CCAS.",
            consent=True,
            to_organisation_id=place.id,
            bring="votre téléphone",
        ),
        prescriber,
    )
