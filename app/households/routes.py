"""Households' pages (list, new, record, edit): thin views over services.py. The
prescription pages are on the same blueprint, in prescription_routes.py (imported at
the end)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.authz.guards import can, permission_required
from app.authz.policy import Permission
from app.core.clock import today
from app.core.converters import page_number
from app.core.errors import DomainError, NotFound
from app.core.i18n import language_names
from app.core.labels import Translated
from app.eligibility.engine import Eligibility
from app.eligibility.vocabulary import (
    ATTESTATION_METHOD_LABELS,
    COMMITMENT_LABELS,
    CONNECTION_LABELS,
    CONTACT_CHANNEL_LABELS,
    DEVICE_TYPE_LABELS,
    PURPOSE_LABELS,
    STATUS_LABELS,
    AttestationMethod,
    Connection,
    ContactChannel,
    DeviceType,
    Status,
)
from app.extensions import db
from app.households import services
from app.households.forms import CONSENT_LABELS, HouseholdForm, PrescriptionForm
from app.households.lifecycle import STATE_LABELS, PrescriptionState
from app.households.models import ConsentBasis, Household

bp = Blueprint("households", __name__)

# The pure modules' French labels, translated when a template reads them.
LABELS = {
    "status": Translated(STATUS_LABELS),
    "method": Translated(ATTESTATION_METHOD_LABELS),
    "device": Translated(DEVICE_TYPE_LABELS),
    "purpose": Translated(PURPOSE_LABELS),
    "connection": Translated(CONNECTION_LABELS),
    "contact": Translated(CONTACT_CHANNEL_LABELS),
    "commitment": Translated(COMMITMENT_LABELS),
    "state": Translated(STATE_LABELS),
    "consent": CONSENT_LABELS,
}


@bp.context_processor
def labels() -> dict[str, Any]:
    return {
        "labels": LABELS,
        "language_names": language_names(),
        "Eligibility": Eligibility,
        "PrescriptionState": PrescriptionState,
    }


def load_household(household_id: int, *, write: bool = False) -> Household:
    # Forms shown with the household's data are reads too: journalled on GET.
    journal = True if not write else request.method == "GET"
    try:
        return services.get_household(household_id, current_user, write=write, journal=journal)
    except NotFound:
        abort(404)


# ------------------------------------------------------------------------- households


@bp.get("/foyers")
@permission_required(Permission.HOUSEHOLD_READ)
def household_list() -> str:
    query = request.args.get("q", "")
    page = page_number(request.args.get("page"))
    rows = services.households_for(current_user, query, page)
    return render_template(
        "households/list.html",
        households=rows[:25],
        has_next=len(rows) > 25,
        page=page,
        query=query,
        may_create=can(Permission.HOUSEHOLD_WRITE),
    )


def _input_from_form(form: HouseholdForm) -> services.HouseholdInput:
    equipment = set(form.equipment.data or [])
    return services.HouseholdInput(
        reference_name=form.reference_name.data or "",
        reference_age=form.reference_age.data,
        other_ages=services.parse_ages(form.other_ages.data or ""),
        commune=form.commune.data or "",
        postcode=form.postcode.data or "",
        qpv=bool(form.qpv.data),
        statuses=tuple(Status(s) for s in form.statuses.data or []),
        attestation_method=AttestationMethod(form.attestation_method.data or "declared"),
        attestation_valid_until=form.attestation_valid_until.data,
        has_computer="computer" in equipment,
        has_smartphone="smartphone" in equipment,
        has_tablet="tablet" in equipment,
        connection=Connection(form.connection.data or "none"),
        telecom_spend_eur=form.telecom_spend_eur.data,
        contact_channel=ContactChannel(form.contact_channel.data or "sms"),
        language=form.language.data or "fr",
        phone=form.phone.data or "",
        email=form.email.data or "",
        postal_address=form.postal_address.data or "",
        consent=bool(form.consent.data),
        consent_basis=ConsentBasis(form.consent_basis.data or "consent"),
    )


def _fill_form(form: HouseholdForm, data: services.HouseholdInput) -> None:
    form.reference_name.data = data.reference_name
    form.reference_age.data = data.reference_age
    form.other_ages.data = ", ".join(str(a) for a in data.other_ages)
    form.commune.data = data.commune
    form.postcode.data = data.postcode
    form.qpv.data = data.qpv
    form.statuses.data = [s.value for s in data.statuses]
    form.attestation_method.data = data.attestation_method.value
    form.attestation_valid_until.data = data.attestation_valid_until
    form.equipment.data = [
        name
        for name, has in (
            ("computer", data.has_computer),
            ("smartphone", data.has_smartphone),
            ("tablet", data.has_tablet),
        )
        if has
    ]
    form.connection.data = data.connection.value
    form.telecom_spend_eur.data = data.telecom_spend_eur
    form.contact_channel.data = data.contact_channel.value
    form.language.data = data.language
    form.phone.data = data.phone
    form.email.data = data.email
    form.postal_address.data = data.postal_address
    form.consent_basis.data = data.consent_basis.value
    form.consent.data = True


def show_form_error(form: HouseholdForm | PrescriptionForm, exc: DomainError) -> None:
    db.session.rollback()
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None:
        target.errors = [*target.errors, exc.message]
    else:
        flash(exc.message, "error")


@bp.route("/foyers/nouveau", methods=["GET", "POST"])
@permission_required(Permission.HOUSEHOLD_WRITE)
def household_new() -> str | Response:
    form = HouseholdForm()
    if request.method == "GET" and current_user.organisation:
        org = current_user.organisation
        form.commune.data = form.commune.data or org.commune
        form.postcode.data = form.postcode.data or org.postcode
    if form.validate_on_submit():
        try:
            household = services.create_household(_input_from_form(form), current_user)
        except DomainError as exc:
            show_form_error(form, exc)
        else:
            flash(_("Foyer enregistré. Voici les programmes possibles."), "success")
            return redirect(url_for("households.household_detail", household_id=household.id))
    return render_template("households/form.html", form=form, household=None)


@bp.get("/foyers/<int:household_id>")
@permission_required(Permission.HOUSEHOLD_READ)
def household_detail(household_id: int) -> str:
    household = load_household(household_id)
    need_value = request.args.get("besoin", "")
    need = DeviceType(need_value) if need_value in DeviceType.__members__.values() else None
    decisions = services.check_household(household, need)
    return render_template(
        "households/detail.html",
        household=household,
        decisions=decisions,
        need=need,
        reference=next((m for m in household.members if m.is_reference), None),
        others=[m for m in household.members if not m.is_reference],
        today=today(),
        may_write=services.may_write_household(household),
        may_prescribe=can(Permission.PRESCRIPTION_SUBMIT, household.organisation_id),
        prescriptions=[
            p for p in household.prescriptions if services.may_read_prescription(p, current_user)
        ],
    )


@bp.route("/foyers/<int:household_id>/modifier", methods=["GET", "POST"])
@permission_required(Permission.HOUSEHOLD_WRITE)
def household_edit(household_id: int) -> str | Response:
    household = load_household(household_id, write=True)
    form = HouseholdForm()
    if request.method == "GET":
        _fill_form(form, services.input_from(household))
    if form.validate_on_submit():
        try:
            services.update_household(household, _input_from_form(form), current_user)
        except DomainError as exc:
            show_form_error(form, exc)
        else:
            flash(_("Foyer mis à jour."), "success")
            return redirect(url_for("households.household_detail", household_id=household.id))
    return render_template("households/form.html", form=form, household=household)


# The prescription pages, on the same blueprint.
from app.households import prescription_routes  # noqa: E402, F401
