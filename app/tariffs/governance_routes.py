"""Pages of the catalogue's governance (issue 17): the owner's list of what to verify
next, proposals and "offre disparue" reports, withdrawal. Added to the tariffs
blueprint (imported at the end of routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WResponse
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.authz.guards import permission_required
from app.authz.policy import Permission
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.tariffs import editing, governance, household_matches
from app.tariffs.routes import bp

F = TypeVar("F", bound=Callable[..., Any])

# The routes of routes.py that change the catalogue: its owner only (may_own_tariffs).
OWNER_ENDPOINTS = frozenset(
    {"tariffs.new", "tariffs.edit", "tariffs.checked", "tariffs.import_file"}
)


@bp.before_request
def _owner_only() -> None:
    if request.endpoint not in OWNER_ENDPOINTS or not current_user.is_authenticated:
        return  # the view's own decorator sends anonymous visitors to the login page
    tariff = None
    tariff_id = (request.view_args or {}).get("tariff_id")
    if tariff_id is not None:
        try:
            tariff = editing.get_tariff(int(tariff_id))
        except NotFound:
            abort(404)
    if not governance.may_own(current_user, tariff):
        abort(403)


def owner_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from app.extensions import login_manager

        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not governance.may_own(current_user):
            abort(403)
        return view(*args, **kwargs)

    wrapped.required_permission = Permission.TARIFF_EDIT  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


class ProposalForm(FlaskForm):
    kind = HiddenField(default=governance.CHANGE)
    monthly_price = StringField(_l("Nouveau prix mensuel"), validators=[Optional()])
    source_url = StringField(_l("Page de l'offre"), validators=[Optional(), Length(max=500)])
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Proposer ce changement"))


class GoneForm(FlaskForm):
    kind = HiddenField(default=governance.GONE)
    message = TextAreaField(_l("Ce que vous savez"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Signaler : cette offre n'existe plus"))


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Pourquoi"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Retirer l'offre"))


class DecisionForm(FlaskForm):
    reason = StringField(_l("Motif du refus"), validators=[Optional(), Length(max=2000)])
    accept = SubmitField(_l("Accepter"))
    refuse = SubmitField(_l("Refuser"))


def governance_context(tariff: Any) -> dict[str, Any]:
    """What detail.html's governance block needs (forms, who may do what)."""
    return {
        "may_own": governance.may_own(current_user, tariff),
        "state": governance.effective_state(tariff),
        "state_labels": governance.STATE_LABELS,
        "proposal_form": ProposalForm(),
        "gone_form": GoneForm(),
        "withdraw_form": WithdrawForm(),
    }


@bp.app_context_processor
def _governance_helpers() -> dict[str, Any]:
    return {"tariff_governance": governance_context}


@bp.get("/a-verifier")
@owner_required
def review() -> str:
    return render_template(
        "tariffs/review.html",
        tariffs=governance.review_queue(),
        months=household_matches.verified_months(),
    )


@bp.get("/propositions")
@owner_required
def proposals() -> str:
    return render_template(
        "tariffs/proposals.html", proposals=governance.open_proposals(), form=DecisionForm()
    )


@bp.post("/<int:tariff_id>/proposer")
@permission_required(Permission.TARIFF_PROPOSE)
def propose(tariff_id: int) -> WResponse:
    kind = request.form.get("kind", governance.CHANGE)
    form: FlaskForm = GoneForm() if kind == governance.GONE else ProposalForm()
    if form.validate_on_submit():
        changes = {}
        if isinstance(form, ProposalForm):
            changes = {"monthly_price": form.monthly_price.data, "source_url": form.source_url.data}
        try:
            governance.propose(tariff_id, current_user, kind, form.message.data or "", changes)
        except NotFound:
            abort(404)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("Merci : le coordinateur du catalogue va regarder."), "success")
    return redirect(url_for("tariffs.detail", tariff_id=tariff_id))


@bp.post("/<int:tariff_id>/retirer")
@permission_required(Permission.TARIFF_READ)
def withdraw(tariff_id: int) -> WResponse:
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            tariff = editing.get_tariff(tariff_id)
        except NotFound:
            abort(404)
        if not governance.may_own(current_user, tariff):
            abort(403)
        governance.withdraw(tariff_id, current_user, form.reason.data or "")
        flash(_("Offre retirée : elle n'est plus proposée à aucun foyer."), "success")
    return redirect(url_for("tariffs.detail", tariff_id=tariff_id))


@bp.post("/propositions/<int:proposal_id>")
@owner_required
def decide(proposal_id: int) -> WResponse:
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            if form.refuse.data:
                governance.refuse(proposal_id, current_user, form.reason.data or "")
                flash(_("Proposition refusée."), "success")
            else:
                governance.accept(proposal_id, current_user)
                flash(_("Proposition acceptée : le catalogue est à jour."), "success")
        except NotFound:
            abort(404)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for("tariffs.proposals"))
