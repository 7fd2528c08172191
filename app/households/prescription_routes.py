"""Prescription pages (new, list, detail, sheet and its PDF, and the actions: send,
cancel, validate, refuse) on the households blueprint of routes.py."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.accounts.models import Organisation, User
from app.authz.guards import can, permission_required
from app.authz.policy import Permission
from app.core.errors import DomainError, NotFound
from app.eligibility import catalogue, display
from app.eligibility.engine import Eligibility
from app.eligibility.vocabulary import Commitment, DeviceType, Purpose
from app.extensions import db
from app.households import notice_text, notices, routing, routing_service, services, sheet_pdf
from app.households.forms import ActionForm, PrescriptionForm, RefuseForm
from app.households.lifecycle import Action, PrescriptionState, allowed_actions
from app.households.models import Household, Prescription
from app.households.recheck import recheck
from app.households.routes import bp, load_household, show_form_error


def _prescription(prescription_id: int, *, journal: bool = False) -> Prescription:
    try:
        return services.get_prescription(prescription_id, current_user, journal=journal)
    except NotFound:
        abort(404)


@bp.route("/foyers/<int:household_id>/prescrire", methods=["GET", "POST"])
@permission_required(Permission.PRESCRIPTION_SUBMIT)
def prescription_new(household_id: int) -> str | Response:
    household = load_household(household_id, write=True)
    decisions = services.check_household(household)
    offered = [d for d in decisions if d.eligibility is not Eligibility.NOT_ELIGIBLE]
    form = PrescriptionForm()
    form.programme_code.choices = [
        SelectChoice(d.programme.code, d.programme.name) for d in offered
    ]
    wanted = request.args.get("programme", "") if request.method == "GET" else ""
    chosen = next((d for d in offered if d.programme.code == wanted), None)
    chosen = chosen or (offered[0] if offered else None)
    if request.method == "GET" and chosen is not None:
        form.programme_code.data = chosen.programme.code
        form.device_type.data = chosen.programme.device_types[0].value
    # The associations that serve this household for the chosen programme, nearest first.
    routed = routing_service.association_routing(
        household, form.programme_code.data or (chosen.programme.code if chosen else "")
    )
    form.association_org_id.choices = _association_choices(routed)
    if request.method == "GET":
        form.association_org_id.data = routed.default_id or 0
    if form.validate_on_submit():
        data = services.PrescriptionInput(
            programme_code=form.programme_code.data or "",
            association_org_id=form.association_org_id.data or 0,
            device_type=DeviceType(form.device_type.data),
            purposes=tuple(Purpose(p) for p in form.purposes.data or []),
            justification=form.justification.data or "",
            commitments=tuple(Commitment(c) for c in form.commitments.data or []),
        )
        send = bool(form.send.data)
        try:
            prescription = services.create_prescription(household, data, current_user, submit=send)
        except DomainError as exc:
            show_form_error(form, exc)
        else:
            if prescription.state is PrescriptionState.DRAFT:
                flash(_("Prescription gardée en brouillon."), "success")
            else:
                flash(_("Prescription envoyée à l'association."), "success")
            return redirect(
                url_for("households.prescription_detail", prescription_id=prescription.id)
            )
    posted = form.programme_code.data if request.method == "POST" else None
    gone = next(
        (
            d
            for d in decisions
            if d.programme.code == posted and d.eligibility is Eligibility.NOT_ELIGIBLE
        ),
        None,
    )
    if gone is not None:  # offered when the form was opened, not now (e.g. envelope spent)
        form.programme_code.errors = [
            _("Pas encore possible : %(reason)s", reason=display.reason_text(gone))
        ]
    return render_template(
        "households/prescription_form.html",
        form=form,
        household=household,
        offered=offered,
        routed=routed,
        distances=_distances(routed),
    )


def _where(row: routing.Ranked) -> str:
    template, values = routing.where(row)
    return _(template, **values)


def _association_choices(routed: routing.Routing) -> dict[str, list[SelectChoice]]:
    """Those that serve the household first (the nearest chosen), then the others. The
    options carry the bare names (how far each is, is written next to the list)."""
    serving = [SelectChoice(str(r.id), r.name) for r in routed.serving]
    if not serving:
        serving = [SelectChoice("0", _("— Choisissez une association —"))]
    groups = {_("Associations qui servent ce foyer"): serving}
    if routed.others:
        groups[_("Hors du territoire du foyer ou du programme")] = [
            SelectChoice(str(r.id), r.name) for r in routed.others
        ]
    return groups


def _distances(routed: routing.Routing) -> list[tuple[routing.Ranked, str]]:
    """Each association with how far it is: 'même département', 'à 43 km', 'Metz, à 283 km'."""
    return [
        (r, _where(r) if r.serves else ", ".join(filter(None, (r.place.commune, _where(r)))))
        for r in routed.ranked
    ]


@bp.get("/prescriptions")
@permission_required(Permission.HOUSEHOLD_READ)
def prescription_list() -> str:
    state_value = request.args.get("etat", "")
    state = (
        PrescriptionState(state_value)
        if state_value in PrescriptionState.__members__.values()
        else None
    )
    deciding = can(Permission.PRESCRIPTION_DECIDE)
    queue = (
        services.prescriptions_for(current_user, [PrescriptionState.SUBMITTED]) if deciding else []
    )
    rows = services.prescriptions_for(current_user, [state] if state else None)
    households = {
        h.id: h
        for h in db.session.scalars(
            select(Household).where(Household.id.in_({p.household_id for p in rows + queue}))
        )
    }
    return render_template(
        "households/prescriptions.html",
        queue=[p for p in queue if p.association_org_id == current_user.organisation_id]
        if deciding
        else [],
        prescriptions=rows,
        households=households,
        state=state,
        programmes={p.code: p for p in catalogue.programmes()},
    )


@bp.get("/prescriptions/<int:prescription_id>")
@permission_required(Permission.HOUSEHOLD_READ)
def prescription_detail(prescription_id: int) -> str:
    prescription = _prescription(prescription_id, journal=True)
    validated = prescription.state is PrescriptionState.VALIDATED
    told = notices.told(prescription) if validated else None
    return render_template(
        "households/prescription_detail.html",
        prescription=prescription,
        household=prescription.household,
        programme=catalogue.for_prescription(
            prescription.programme_code, prescription.programme_version
        ),
        actions=allowed_actions(prescription.state),
        association=db.session.get(Organisation, prescription.association_org_id),
        hours=routing_service.hours_text(prescription.association_org_id, display.speaker()),
        told=told,
        told_text=notices.told_sentence(told) if told is not None else "",
        told_when=notice_text.when_sentence(told.notice, notices.current_gettext) if told else "",
        told_bring=notice_text.bring_sentence(told.notice, notices.current_gettext) if told else "",
        told_whom=notice_text.whom_to_call(told.notice, notices.current_gettext) if told else "",
        Action=Action,
        may_submit=can(Permission.PRESCRIPTION_SUBMIT, prescription.prescriber_org_id),
        may_decide=can(Permission.PRESCRIPTION_DECIDE, prescription.association_org_id),
        action_form=ActionForm(),
        refuse_form=RefuseForm(),
        changes=recheck(prescription),
    )


@bp.get("/prescriptions/<int:prescription_id>/fiche")
@permission_required(Permission.HOUSEHOLD_READ)
def prescription_sheet(prescription_id: int) -> str:
    prescription = _prescription(prescription_id, journal=True)
    return render_template(
        "households/prescription_sheet.html",
        prescription=prescription,
        household=prescription.household,
        programme=catalogue.for_prescription(
            prescription.programme_code, prescription.programme_version
        ),
        association=db.session.get(Organisation, prescription.association_org_id),
        hours=routing_service.hours_text(prescription.association_org_id, display.speaker()),
        prescriber_org=db.session.get(Organisation, prescription.prescriber_org_id),
        prescriber=db.session.get(User, prescription.prescriber_id)
        if prescription.prescriber_id
        else None,
    )


@bp.get("/prescriptions/<int:prescription_id>/fiche.pdf")
@permission_required(Permission.HOUSEHOLD_READ)
def prescription_sheet_pdf(prescription_id: int) -> Response:
    prescription = _prescription(prescription_id, journal=True)
    pdf = sheet_pdf.prescription_sheet_pdf(
        prescription,
        prescription.household,
        catalogue.for_prescription(prescription.programme_code, prescription.programme_version),
        db.session.get(Organisation, prescription.association_org_id),
        db.session.get(Organisation, prescription.prescriber_org_id),
        db.session.get(User, prescription.prescriber_id) if prescription.prescriber_id else None,
        hours=routing_service.hours_text(prescription.association_org_id, display.speaker()),
    )
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="fiche-prescription-{prescription.id}.pdf"'
    )
    return response


def _act(prescription_id: int, permission: Permission, run: Any, done: Any) -> Response:
    """Run the action; ``done`` is the message (or makes it from the prescription after)."""
    prescription = _prescription(prescription_id)
    org = (
        prescription.association_org_id
        if permission is Permission.PRESCRIPTION_DECIDE
        else prescription.prescriber_org_id
    )
    if not can(permission, org):
        abort(404)
    try:
        run(prescription)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(done(prescription) if callable(done) else done, "success")
        if not services.may_read_prescription(prescription, current_user):
            # A refusal ends the association's access (issue 19): back to its list.
            return redirect(url_for("households.prescription_list"))
    return redirect(url_for("households.prescription_detail", prescription_id=prescription_id))


@bp.post("/prescriptions/<int:prescription_id>/envoyer")
@permission_required(Permission.PRESCRIPTION_SUBMIT)
def prescription_submit(prescription_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(
        prescription_id,
        Permission.PRESCRIPTION_SUBMIT,
        lambda p: services.submit_prescription(p, current_user),
        _("Prescription envoyée à l'association."),
    )


@bp.post("/prescriptions/<int:prescription_id>/annuler")
@permission_required(Permission.PRESCRIPTION_SUBMIT)
def prescription_cancel(prescription_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(
        prescription_id,
        Permission.PRESCRIPTION_SUBMIT,
        lambda p: services.cancel_prescription(p, current_user),
        _("Prescription annulée."),
    )


@bp.post("/prescriptions/<int:prescription_id>/valider")
@permission_required(Permission.PRESCRIPTION_DECIDE)
def prescription_validate(prescription_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(
        prescription_id,
        Permission.PRESCRIPTION_DECIDE,
        lambda p: services.validate_prescription(p, current_user),
        lambda p: (
            _("Prescription validée : le prescripteur est prévenu par e-mail.")
            + " "
            + notices.told_sentence(notices.told(p))
        ),
    )


@bp.post("/prescriptions/<int:prescription_id>/refuser")
@permission_required(Permission.PRESCRIPTION_DECIDE)
def prescription_refuse(prescription_id: int) -> Response:
    form = RefuseForm()
    if not form.validate_on_submit():
        prescription = _prescription(prescription_id)
        if not can(Permission.PRESCRIPTION_DECIDE, prescription.association_org_id):
            abort(404)
        flash(_("Indiquez la raison du refus : le prescripteur la lira."), "error")
        return redirect(url_for("households.prescription_detail", prescription_id=prescription_id))
    return _act(
        prescription_id,
        Permission.PRESCRIPTION_DECIDE,
        lambda p: services.refuse_prescription(p, current_user, form.reason.data or ""),
        _("Prescription refusée : le prescripteur est prévenu par e-mail."),
    )
