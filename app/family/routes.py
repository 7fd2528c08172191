"""The family side's views, on the ``loans`` blueprint (endpoints ``loans.family_*``): the
counter's "Donner le lien" and "revoke" buttons, and the household's own page
``/f/<token>`` (public, rate-limited, ended links say whom to call)."""

from __future__ import annotations

from contextlib import nullcontext

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.auth.forms import EmptyForm
from app.authz.guards import ensure_record_access, permission_required
from app.core.clock import today
from app.core.errors import DomainError
from app.core.i18n import reader_locale
from app.extensions import db
from app.family import links
from app.family.links import association_of_household, ensure_family_token, revoke_family_tokens
from app.family.rate_limit import family_rate_check, record_family_hit
from app.family.view import family_view
from app.households.models import Household
from app.loans import printing
from app.loans import terms as rules
from app.loans.counter import device_kind
from app.loans.models import LoanStatus
from app.loans.web import H, bp, my_org


def _served_household(household_id: int) -> tuple[Household, int]:
    """The household and the association acting on its link: one that lent or sold it a
    device (404 otherwise; 403 outside one's association)."""
    household = db.session.get(Household, household_id) or abort(404)
    org_id = association_of_household(household, my_org())
    if org_id is None:
        abort(404)
    ensure_record_access(H, org_id)
    return household, org_id


@bp.post("/foyers/<int:household_id>/lien-famille")
@permission_required(H)
def family_give(household_id: int) -> BaseResponse:
    """The "Donner le lien" button: with the handover and printing, what makes a link."""
    household, org_id = _served_household(household_id)
    if EmptyForm().validate_on_submit():
        try:
            ensure_family_token(household, org_id, current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("Le lien de la page du foyer est prêt."), "success")
    return redirect(request.referrer or url_for("loans.counter"))


@bp.post("/foyers/<int:household_id>/lien-famille/revoquer")
@permission_required(H)
def family_revoke(household_id: int) -> BaseResponse:
    household, org_id = _served_household(household_id)
    if EmptyForm().validate_on_submit():
        revoke_family_tokens(household, org_id, current_user)
        flash(
            _(
                "L'ancien lien de la page du foyer ne marche plus. Réimprimez la convention "
                "ou le reçu pour donner le nouveau."
            ),
            "success",
        )
    return redirect(request.referrer or url_for("loans.counter"))


@bp.get("/f/<token>")
def family_page(token: str) -> BaseResponse | tuple[str, int, dict[str, str]] | str:
    ip = request.remote_addr or ""
    decision = family_rate_check(ip)
    if not decision.allowed:
        return (
            render_template("family/limited.html"),
            429,
            {"Retry-After": str(decision.retry_after)},
        )
    link = links.check(token)
    record_family_hit(ip, ok=link.state is links.LinkState.LIVE)
    if link.state is links.LinkState.ENDED:
        # Ended (time, erasure, cut): say whom to call, 410 Gone.
        return (
            render_template("family/ended.html", org=link.organisation),
            410,
            {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"},
        )
    household = link.household
    if household is None:
        return render_template("family/unknown.html"), 404, {"X-Robots-Tag": "noindex"}
    # The visitor's choice ("English" / "Français" in the header) first; without one, the
    # household's language (it is the reader: the page its loan sheet's QR code opens).
    chosen = session.get("lang") in current_app.config["LANGUAGES"]
    with nullcontext() if chosen else force_locale(reader_locale(household.language)):
        view = family_view(household)
        response = make_response(
            render_template(
                "family/page.html",
                view=view,
                today=today(),
                format_eur=rules.format_eur,
                device_kind=device_kind,
                commitments=printing.commitment_lines,  # the same words as on the receipt
                LoanStatus=LoanStatus,
            )
        )
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


family_page.public = True  # type: ignore[attr-defined]
