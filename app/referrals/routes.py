"""Referral pages: send from the household's page, the receiving structure's list and
answers, the signed answer link (no account), the printable slip, the refusal reasons."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.auth.forms import EmptyForm
from app.authz.guards import can, permission_required
from app.authz.policy import Permission
from app.core.errors import DomainError, NotFound
from app.core.labels import Translated
from app.extensions import db
from app.households import services as households
from app.referrals import links, messages, services
from app.referrals import reasons as reason_list
from app.referrals.forms import AnswerForm, ReasonForm, ReferralForm
from app.referrals.lifecycle import (
    NEED_LABELS,
    STATE_LABELS,
    TO_ANSWER,
    Action,
    ReferralState,
    allowed_actions,
)
from app.referrals.models import Referral

bp = Blueprint("referrals", __name__, url_prefix="/orientations")

LABELS = {"need": Translated(NEED_LABELS), "state": Translated(STATE_LABELS)}


@bp.app_context_processor
def referral_helpers() -> dict[str, Any]:
    """For the household's page (referrals/_household_referrals.html)."""
    return {
        "referral_labels": LABELS,
        "referrals_for": lambda household: services.for_household(household, current_user),
        "referral_may_send": lambda household: services.may_send(household, current_user),
    }


def _referral(referral_id: int, *, journal: bool = True) -> Referral:
    try:
        return services.get_referral(referral_id, current_user, journal=journal)
    except NotFound:
        abort(404)


def _put_error(form: Any, exc: DomainError) -> None:
    db.session.rollback()
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, exc.message]
    else:
        flash(exc.message, "error")


def _answer_form(form: AnswerForm | None = None) -> AnswerForm:
    form = form or AnswerForm(formdata=None)
    form.reason.choices = [
        SelectChoice(0, _("Choisir un motif…")),
        *(SelectChoice(r.id, _(r.label)) for r in reason_list.reasons()),
    ]
    return form


# ---------------------------------------------------------------- lists


@bp.get("/")
@permission_required(Permission.REFERRAL_ANSWER)
def incoming() -> str:
    show_all = request.args.get("toutes") == "1"
    rows = services.incoming(current_user, None if show_all else TO_ANSWER)
    return render_template(
        "referrals/incoming.html",
        referrals=rows,
        labels=LABELS,
        show_all=show_all,
        can_send=can(Permission.REFERRAL_SEND),
    )


@bp.get("/envoyees")
@permission_required(Permission.REFERRAL_SEND)
def outgoing() -> str:
    return render_template(
        "referrals/outgoing.html", referrals=services.outgoing(current_user), labels=LABELS
    )


# ---------------------------------------------------------------- sending


@bp.route("/foyers/<int:household_id>/nouvelle", methods=["GET", "POST"])
@permission_required(Permission.REFERRAL_SEND)
def new(household_id: int) -> str | Response:
    try:
        household = households.get_household(
            household_id, current_user, journal=request.method == "GET"
        )
    except NotFound:
        abort(404)
    if not services.may_send(household, current_user):
        abort(404)
    form = ReferralForm()
    form.to_organisation_id.choices = [
        SelectChoice(0, _("— une structure sans compte (remplir ci-dessous) —")),
        *(
            SelectChoice(o.id, f"{o.name} ({o.commune})" if o.commune else o.name)
            for o in services.receiving_organisations(current_user.organisation_id)
        ),
    ]
    place = _chosen_place(form)
    if form.validate_on_submit():
        data = services.ReferralInput(
            need=form.need.data or "",
            message=form.message.data or "",
            person_message=form.person_message.data or "",
            consent=bool(form.consent.data),
            to_organisation_id=None if place else form.to_organisation_id.data or None,
            to_place_id=place.id if place else None,
            to_name=form.to_name.data or "",
            to_address=form.to_address.data or "",
            to_phone=form.to_phone.data or "",
            to_email=form.to_email.data or "",
            hours=form.hours.data or "",
            bring=form.bring.data or "",
        )
        try:
            referral = services.create_referral(household, data, current_user)
        except DomainError as exc:
            _put_error(form, exc)
        else:
            if referral.external and not referral.to_email:
                flash(_("Orientation enregistrée. Cette structure n'a pas d'e-mail : "
                        "imprimez la fiche pour la personne."), "success")  # fmt: skip
                return redirect(url_for("referrals.slip", referral_id=referral.id))
            flash(_("Orientation envoyée : la structure et la personne sont prévenues."), "success")
            return redirect(url_for("referrals.detail", referral_id=referral.id))
    return render_template("referrals/form.html", form=form, household=household, place=place)


def _chosen_place(form: ReferralForm) -> Any:
    """The directory's place this referral goes to ("Orienter vers ce lieu" on a result:
    ``?lieu=<id>&besoin=<need>``, then the form's hidden field), or None."""
    from app.directory.models import Place

    if request.method == "GET":
        form.to_place_id.data = request.args.get("lieu", "")
        if request.args.get("besoin", "") in NEED_LABELS:
            form.need.data = request.args["besoin"]
    raw = (form.to_place_id.data or "").strip()
    place = db.session.get(Place, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    form.to_place_id.data = str(place.id) if place else ""
    return place


# ---------------------------------------------------------------- one referral


def _detail(referral: Referral, form: AnswerForm | None = None, status: int = 200) -> Any:
    receiver = services.is_receiver(referral, current_user)
    page = render_template(
        "referrals/detail.html",
        referral=referral,
        labels=LABELS,
        receiver=receiver,
        sender=services.is_sender(referral, current_user),
        actions=allowed_actions(referral.state) if receiver else [],
        form=_answer_form(form),
        action_form=EmptyForm(),
    )
    return page, status


@bp.get("/<int:referral_id>")
@permission_required(Permission.REFERRAL_ANSWER)
def detail(referral_id: int) -> Any:
    return _detail(_referral(referral_id))


def _action_of(form: AnswerForm) -> Action:
    value = form.action.data or ""
    if value not in {a.value for a in (Action.ACCEPT, Action.REFUSE, Action.DONE)}:
        abort(400)
    return Action(value)


@bp.post("/<int:referral_id>/reponse")
@permission_required(Permission.REFERRAL_ANSWER)
def respond(referral_id: int) -> Any:
    referral = _referral(referral_id, journal=False)
    if not services.is_receiver(referral, current_user):
        abort(404)
    form = _answer_form(AnswerForm())
    if not form.validate_on_submit():
        return _detail(referral, form, 422)
    action = _action_of(form)
    try:
        services.answer(referral, action, current_user, reason_id=form.reason.data or None,
                        message=form.message.data or "")  # fmt: skip
    except DomainError as exc:
        _put_error(form, exc)
        db.session.refresh(referral)
        return _detail(referral, form, 422)
    flash(_("Réponse enregistrée : la structure qui oriente est prévenue."), "success")
    return redirect(url_for("referrals.detail", referral_id=referral.id))


@bp.post("/<int:referral_id>/lien")
@permission_required(Permission.REFERRAL_SEND)
def renew(referral_id: int) -> Response:
    referral = _referral(referral_id, journal=False)
    if not services.is_sender(referral, current_user) or not EmptyForm().validate_on_submit():
        abort(404)
    try:
        services.renew_link(referral, current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Nouveau lien créé : l'ancien ne fonctionne plus."), "success")
    return redirect(url_for("referrals.detail", referral_id=referral_id))


@bp.get("/<int:referral_id>/fiche")
@permission_required(Permission.REFERRAL_SEND)
def slip(referral_id: int) -> str:
    """The printable slip the person takes to a structure without e-mail."""
    referral = _referral(referral_id)
    if not services.is_sender(referral, current_user):
        abort(404)
    link = ""
    if referral.external and referral.state is ReferralState.OPEN:
        link = messages.answer_url(links.make_token(referral))
    return render_template("referrals/slip.html", referral=referral, labels=LABELS, link=link)


# ---------------------------------------------------------------- the signed link


@bp.route("/r/<token>", methods=["GET", "POST"])
def answer_link(token: str) -> Any:
    """A structure without an account answers here; no login."""
    try:
        referral = links.referral_from_token(token)
    except links.LinkProblem as exc:
        return render_template("referrals/link.html", problem=exc.message, referral=None), 410 if (
            exc.field == "expired"
        ) else 404
    form = _answer_form(AnswerForm() if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 422
        else:
            try:
                services.answer(referral, _action_of(form), None, via="link",
                                reason_id=form.reason.data or None,
                                message=form.message.data or "")  # fmt: skip
            except DomainError as exc:
                _put_error(form, exc)
                db.session.refresh(referral)
                status = 422
            else:
                flash(_("Merci, votre réponse est enregistrée."), "success")
                return redirect(url_for("referrals.answer_link", token=token))
    else:
        links.journal_link_read(referral)
    return render_template(
        "referrals/link.html", referral=referral, problem=None, labels=LABELS, form=form,
        actions=allowed_actions(referral.state),
    ), status  # fmt: skip


# ---------------------------------------------------------------- refusal reasons


@bp.route("/motifs", methods=["GET", "POST"])
@permission_required(Permission.ADMIN_ORGS)
def reasons() -> Any:
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            reason_list.add_reason(form.label.data or "", current_user)
        except DomainError as exc:
            _put_error(form, exc)
        else:
            flash(_("Motif ajouté."), "success")
            return redirect(url_for("referrals.reasons"))
    return render_template(
        "referrals/reasons.html", form=form, reasons=reason_list.reasons(active_only=False),
        action_form=EmptyForm(), default_reasons=reason_list.DEFAULT_REASONS,
    )  # fmt: skip


@bp.post("/motifs/<int:reason_id>")
@permission_required(Permission.ADMIN_ORGS)
def reason_toggle(reason_id: int) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        reason_list.set_reason_active(reason_id, request.form.get("active") == "1", current_user)
    except NotFound:
        abort(404)
    return redirect(url_for("referrals.reasons"))
