"""Pages of the social tariff catalogue, the simulator and a household's tariff advice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from app.authz.guards import permission_required
from app.authz.policy import Permission
from app.core.clock import today
from app.core.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.tariffs import editing, governance, household_matches, matching, transfer
from app.tariffs.forms import CheckedForm, ImportForm, SimulatorForm, TariffForm
from app.tariffs.matching import (
    AREA_KIND_LABELS,
    COUNTRY_LABELS,
    NEED_LABELS,
    OFFER_KIND_LABELS,
    AreaKind,
    Facts,
    Need,
    OfferKind,
)
from app.tariffs.models import SocialTariff

bp = Blueprint("tariffs", __name__, url_prefix="/tarifs")


@bp.app_context_processor
def tariff_helpers() -> dict[str, Any]:
    """Shared by every template that shows offers (ours, the household's, the family's)."""
    on = today()
    return {
        "tariff_money": matching.format_money,
        "tariff_kind_label": lambda kind: _(OFFER_KIND_LABELS[OfferKind(kind)]),
        "tariff_area_label": lambda kind: _(AREA_KIND_LABELS[AreaKind(kind)]),
        "tariff_country_label": lambda code: _(COUNTRY_LABELS.get(code, code)),
        "tariff_status_label": lambda code: _(matching.status_label(code)),
        "tariff_to_verify": lambda t: matching.is_stale(t.checked_on, on),
        "tariff_text": household_matches.reason_text,
        "tariff_status_labels": lambda codes: ", ".join(
            _(matching.status_label(str(c))) for c in sorted(codes or ())
        ),
        "tariff_history_value": _history_value,
        "household_tariff_matches": household_matches.matches_for_household,
        "tariff_price": lambda value, country="FR": matching.format_money(
            int((Decimal(value) * 100).to_integral_value()), country
        ),
    }


def _history_value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _version(raw: str | None) -> int:
    """The version the editor saw; anything unreadable loses the race (Conflict)."""
    try:
        version = int(raw or "")
    except ValueError:
        return 0
    return version if 0 < version < 2**31 else 0  # an INTEGER column on PostgreSQL


def _tariff(tariff_id: int) -> SocialTariff:
    try:
        return editing.get_tariff(tariff_id)
    except NotFound:
        abort(404)


@bp.get("/")
@permission_required(Permission.TARIFF_READ)
def index() -> str:
    kind = request.args.get("type", "")
    country = request.args.get("pays", "")
    to_verify = request.args.get("a_verifier") == "1"
    tariffs = editing.list_tariffs(kind, country, to_verify)
    return render_template(
        "tariffs/index.html",
        tariffs=tariffs,
        kind=kind,
        country=country,
        to_verify=to_verify,
        kinds=OFFER_KIND_LABELS,
        countries=COUNTRY_LABELS,
        may_edit=governance.may_own(current_user),
    )


@bp.get("/<int:tariff_id>")
@permission_required(Permission.TARIFF_READ)
def detail(tariff_id: int) -> str:
    tariff = _tariff(tariff_id)
    checked_form = CheckedForm(version=tariff.version)
    return render_template(
        "tariffs/detail.html",
        tariff=tariff,
        offer=household_matches.to_offer(tariff),
        first_year=matching.first_year_cost_cents(household_matches.to_offer(tariff)),
        valid_now=matching.is_valid_on(household_matches.to_offer(tariff), today()),
        checked_form=checked_form,
        may_edit=governance.may_own(current_user, tariff),
        field_labels=field_labels(),
        verifier=governance.verifier_name(tariff),
    )


def field_labels() -> dict[str, str]:
    form = TariffForm(meta={"csrf": False})
    labels = {name: str(form[name].label.text) for name in (*editing.FIELD_NAMES, *OWNER_FIELDS)}
    return {**labels, "verified_by_id": _("Vérifiée par")}


# The form's fields that are not the offer's facts (app.tariffs.governance.set_owner_fields).
OWNER_FIELDS = ("territory", "state")


def _save_owner_fields(form: TariffForm, tariff: SocialTariff, checked_before: Any) -> None:
    """Territory and state as typed; whoever records a new verification date is the one
    who verified the offer."""
    checked = form.checked_on.data
    governance.set_owner_fields(
        tariff.id,
        current_user,
        territory=str(form.territory.data or ""),
        state=str(form.state.data or governance.CURRENT),
        verified=checked is not None and checked != checked_before,
    )


def _data_from_form(form: TariffForm) -> editing.TariffData:
    def text(name: str) -> str:
        return str(form[name].data or "")

    return editing.TariffData(
        provider=text("provider"),
        name=text("name"),
        kind=OfferKind(form.kind.data),
        monthly_price=form.monthly_price.data or Decimal("0"),
        country=text("country"),
        intro_price=form.intro_price.data,
        intro_months=form.intro_months.data or 0,
        setup_fee=form.setup_fee.data or Decimal("0"),
        equipment_rental=form.equipment_rental.data or Decimal("0"),
        commitment_months=form.commitment_months.data or 0,
        speed_mbps=form.speed_mbps.data,
        data_gb=form.data_gb.data,
        content=text("content"),
        area_kind=AreaKind(form.area_kind.data),
        area_codes=tuple(text("area_codes").split(transfer.LIST_SEPARATOR)),
        statuses_any=tuple(form.statuses_any.data or ()),
        statuses_all=tuple(form.statuses_all.data or ()),
        other_conditions=text("other_conditions"),
        proof_required=text("proof_required"),
        how_to_subscribe=text("how_to_subscribe"),
        source_url=text("source_url"),
        notes=text("notes"),
        checked_on=form.checked_on.data,
        valid_from=form.valid_from.data,
        valid_to=form.valid_to.data,
    )


def _form_error(form: TariffForm, exc: DomainError) -> None:
    db.session.rollback()
    target = form[exc.field] if exc.field and exc.field in form else form.name
    target.errors = [*target.errors, exc.message]  # type: ignore[list-item]


@bp.route("/nouvelle", methods=["GET", "POST"])
@permission_required(Permission.TARIFF_EDIT)
def new() -> str | WResponse:
    # No verification date by default: an offer nobody checked says "jamais vérifiée".
    form = TariffForm()
    if form.validate_on_submit():
        try:
            # The facts and the owner's fields in one transaction (set_owner_fields commits).
            tariff = editing.create_tariff(_data_from_form(form), current_user, commit=False)
            _save_owner_fields(form, tariff, None)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            flash(_("Offre ajoutée au catalogue."), "success")
            return redirect(url_for("tariffs.detail", tariff_id=tariff.id))
    return render_template("tariffs/form.html", form=form, tariff=None, verifier="")


@bp.route("/<int:tariff_id>/modifier", methods=["GET", "POST"])
@permission_required(Permission.TARIFF_EDIT)
def edit(tariff_id: int) -> str | WResponse:
    tariff = _tariff(tariff_id)
    form = TariffForm(obj=tariff)
    checked_before = tariff.checked_on
    if request.method == "GET":
        form.version.data = str(tariff.version)
        form.area_codes.data = transfer.LIST_SEPARATOR.join(tariff.area_codes or [])
    if form.validate_on_submit():
        try:
            version = _version(form.version.data)
            editing.update_tariff(
                tariff.id, _data_from_form(form), version, current_user, commit=False
            )
            _save_owner_fields(form, tariff, checked_before)
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("tariffs.edit", tariff_id=tariff_id))
        except DomainError as exc:
            _form_error(form, exc)
        else:
            flash(_("Offre enregistrée. Le changement est dans l'historique."), "success")
            return redirect(url_for("tariffs.detail", tariff_id=tariff_id))
    return render_template(
        "tariffs/form.html", form=form, tariff=tariff, verifier=governance.verifier_name(tariff)
    )


@bp.post("/<int:tariff_id>/verifiee")
@permission_required(Permission.TARIFF_EDIT)
def checked(tariff_id: int) -> WResponse:
    tariff = _tariff(tariff_id)
    form = CheckedForm()
    if form.validate_on_submit():
        try:
            editing.mark_checked(tariff.id, _version(form.version.data), current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("Offre marquée comme vérifiée aujourd'hui."), "success")
    return redirect(url_for("tariffs.detail", tariff_id=tariff_id))


@bp.get("/export.csv")
@permission_required(Permission.TARIFF_READ)
def export() -> Response:
    body = transfer.export_csv(editing.list_tariffs())
    name = f"tarifs-sociaux-{today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Permission.TARIFF_EDIT)
def import_file() -> str | WResponse:
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        report = governance.import_csv(form.file.data.read(), current_user)
        if not report.errors:
            flash(
                _(
                    "Import terminé : %(created)s offres ajoutées, %(updated)s modifiées, "
                    "%(unchanged)s sans changement.",
                    created=report.created,
                    updated=report.updated,
                    unchanged=report.unchanged,
                ),
                "success",
            )
            return redirect(url_for("tariffs.index"))
    return render_template(
        "tariffs/import.html", form=form, report=report, headers=transfer.CSV_HEADERS
    )


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


@bp.get("/simulateur")
@permission_required(Permission.TARIFF_READ)
def simulator() -> str:
    form = SimulatorForm(request.args)
    result = facts = None
    if request.args and form.validate():
        facts = Facts(
            statuses=frozenset(form.statuses.data or ()),
            pending_statuses=frozenset(form.pending_statuses.data or ()),
            commune=form.commune.data or "",
            postcode=(form.postcode.data or "").strip(),
            country=form.country.data or "FR",
            needs=frozenset(Need(n) for n in form.needs.data or ()),
            monthly_spend_cents=_cents(form.monthly_spend.data),
            box_spend_cents=_cents(form.box_spend.data),
            mobile_spend_cents=_cents(form.mobile_spend.data),
        )
        result = household_matches.match_facts(facts)
    return render_template("tariffs/simulator.html", form=form, result=result, facts=facts)


# ---- a household's tariff advice ------------------------------------------------------


def _household(household_id: int) -> Any:
    from app.households import services as households

    try:
        return households.get_household(household_id, current_user)  # journals the read
    except NotFound:
        abort(404)


@bp.get("/foyers/<int:household_id>/fiche")
@permission_required(Permission.HOUSEHOLD_READ)
def household_sheet(household_id: int) -> str:
    """One printable page: the best offers, why, what they save, how to subscribe."""
    household = _household(household_id)
    matches = household_matches.matches_for_household(household, limit=3)
    return render_template(
        "tariffs/household_sheet.html",
        household=household,
        matches=matches,
        need_labels=NEED_LABELS,
        today=today(),
        verified_months=household_matches.verified_months(),
    )


@bp.post("/foyers/<int:household_id>/sms")
@permission_required(Permission.HOUSEHOLD_READ)
def household_sms(household_id: int) -> WResponse:
    household = _household(household_id)
    back = request.form.get("next") or url_for(
        "households.household_detail", household_id=household.id
    )
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("tariffs.index")
    try:
        household_matches.send_household_sms(household, current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Le SMS part dans quelques minutes."), "success")
    return redirect(back)


# Governance pages (issue 17) on the same blueprint.
from app.tariffs import governance_routes  # noqa: E402, F401
