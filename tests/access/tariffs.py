"""Access table of the social tariff catalogue (issue 6).

The records: one offer, and a household of the prescriber's organisation with a
prescription sent to the manager's association (so its staff see the household).
"""

from __future__ import annotations

from decimal import Decimal

from flask import url_for

from app.authz.policy import Role
from tests.access.households import make_household, make_prescription
from tests.access.table import ANY_USER, Ctx, Route, roles

# Issue 17: the catalogue belongs to the territory's coordinator (its managers) or the
# administrator; the MANAGER of these tables runs an association (of another town than
# any coordinator's): he proposes, he does not change the catalogue.
EDIT = roles(Role.ADMIN)
PROPOSE = roles(Role.ADMIN, Role.MANAGER, Role.PRESCRIBER)
HOUSEHOLD_READ = roles(Role.ADMIN, Role.MANAGER, Role.FRONT_DESK, Role.PRESCRIBER)

TARIFF_FORM = {
    "provider": "Opérateur Test",
    "name": "Box solidaire",
    "kind": "box",
    "country": "FR",
    "monthly_price": "9,99",
    "area_kind": "national",
    "statuses_any": ["rsa"],
}


def setup(ctx: Ctx) -> None:
    from app.tariffs import editing
    from app.tariffs.matching import OfferKind

    tariff = editing.create_tariff(
        editing.TariffData(
            provider="Orange",
            name="Coup de Pouce Internet",
            kind=OfferKind.BOX,
            monthly_price=Decimal("15.99"),
            statuses_any=("rsa",),
        )
    )
    prescriber = ctx.users[Role.PRESCRIBER]
    household = make_household(prescriber, reference_name="Foyer tarifs")
    make_prescription(household, prescriber, ctx.org(Role.MANAGER), submit=True)
    from app.tariffs import governance

    proposal = governance.propose(tariff.id, prescriber, governance.GONE, "Plus en boutique")
    ctx.records.update(tariff=tariff.id, tariff_household=household.id, tariff_proposal=proposal.id)


def _t(endpoint: str) -> object:
    return lambda ctx: url_for(endpoint, tariff_id=ctx.records["tariff"])


def _h(endpoint: str) -> object:
    return lambda ctx: url_for(endpoint, household_id=ctx.records["tariff_household"])


def _edit_form(ctx: Ctx) -> dict[str, object]:
    from app.extensions import db
    from app.tariffs.models import SocialTariff

    tariff = db.session.get(SocialTariff, ctx.records["tariff"])
    return {**TARIFF_FORM, "version": str(tariff.version if tariff else 1)}


ROUTES = [
    Route("tariffs.index", allow=ANY_USER),
    Route("tariffs.detail", allow=ANY_USER, path=_t("tariffs.detail")),
    Route("tariffs.new", allow=EDIT),
    Route("tariffs.new", "POST", allow=EDIT, data=TARIFF_FORM, fresh_per_role=True),
    Route("tariffs.edit", allow=EDIT, path=_t("tariffs.edit")),
    Route(
        "tariffs.edit",
        "POST",
        allow=EDIT,
        path=_t("tariffs.edit"),
        data=_edit_form,
        fresh_per_role=True,
    ),
    Route(
        "tariffs.checked",
        "POST",
        allow=EDIT,
        path=_t("tariffs.checked"),
        data={"version": "1"},
        fresh_per_role=True,
    ),
    Route("tariffs.review", allow=EDIT),
    Route("tariffs.proposals", allow=EDIT),
    Route(
        "tariffs.propose",
        "POST",
        allow=PROPOSE,
        path=_t("tariffs.propose"),
        data={"kind": "gone", "message": "Offre disparue"},
        fresh_per_role=True,
    ),
    Route(
        "tariffs.withdraw",
        "POST",
        allow=EDIT,
        path=_t("tariffs.withdraw"),
        data={"reason": "Plus vendue"},
        fresh_per_role=True,
    ),
    Route(
        "tariffs.decide",
        "POST",
        allow=EDIT,
        path=lambda ctx: url_for("tariffs.decide", proposal_id=ctx.records["tariff_proposal"]),
        data={"accept": "Accepter"},
        fresh_per_role=True,
    ),
    Route("tariffs.export", allow=ANY_USER),
    Route("tariffs.import_file", allow=EDIT),
    Route("tariffs.import_file", "POST", allow=EDIT),
    Route("tariffs.simulator", allow=ANY_USER),
    Route("tariffs.household_sheet", allow=HOUSEHOLD_READ, path=_h("tariffs.household_sheet")),
    Route(
        "tariffs.household_sms",
        "POST",
        allow=HOUSEHOLD_READ,
        path=_h("tariffs.household_sms"),
        fresh_per_role=True,
    ),
    Route("tariffs_api.tariff_list", allow=ANY_USER),
    Route("tariffs_governance_api.export", allow=ANY_USER),
    Route("tariffs_governance_api.to_verify", allow=EDIT),
    Route(
        "tariffs_governance_api.import_csv",
        "POST",
        allow=EDIT,
        data={"csv": "fournisseur;offre;type;prix_mensuel\nSFR;Forfait;mobile;10,00\n"},
        fresh_per_role=True,
    ),
    Route(
        "tariffs_governance_api.verify",
        "POST",
        allow=EDIT,
        path=_t("tariffs_governance_api.verify"),
        fresh_per_role=True,
    ),
    Route(
        "tariffs_governance_api.withdraw",
        "POST",
        allow=EDIT,
        path=_t("tariffs_governance_api.withdraw"),
        data={"reason": "Plus vendue"},
        fresh_per_role=True,
    ),
    Route(
        "tariffs_governance_api.propose",
        "POST",
        allow=PROPOSE,
        path=_t("tariffs_governance_api.propose"),
        data={"kind": "gone", "message": "Offre disparue"},
        ok=(201,),
        fresh_per_role=True,
    ),
    Route(
        "tariffs_api.match",
        "POST",
        allow=ANY_USER,
        data={"statuses": ["rsa"], "postcode": "57000", "needs": ["box"]},
    ),
]
