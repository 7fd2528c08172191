"""Calendar subscriptions: the public feed, and the buttons that make, renew and cut it.

Registered under the training blueprint (training.feeds.*). A feed is made only by a
button (POST), never by viewing a page; the pages read it with ``training_feed_link``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from app.accounts.models import Organisation
from app.auth.forms import EmptyForm
from app.authz.guards import can, ensure_record_access, permission_required
from app.authz.policy import OrgKind, Permission
from app.core.routes import safe_next
from app.extensions import db
from app.family.rate_limit import family_rate_check, record_family_hit
from app.households.models import Household
from app.training import feeds

bp = Blueprint("feeds", __name__)


@bp.app_context_processor
def feed_helpers() -> dict[str, Any]:
    return {"training_feed_link": _link_for, "training_can_manage_feed": _can_manage}


def _owner_of(subject: Organisation | Household) -> feeds.Owner:
    if isinstance(subject, Household):
        return feeds.Owner.household(subject)
    return feeds.Owner.place(subject)


def _link_for(subject: Organisation | Household) -> feeds.FeedLink | None:
    return feeds.current_link(_owner_of(subject))


def _can_manage(subject: Organisation | Household) -> bool:
    if isinstance(subject, Household):
        return can(Permission.TRAINING_BOOK, subject.organisation_id)
    return can(Permission.TRAINING_MANAGE, subject.id)


# ---------------------------------------------------------------- the feed (public)


@bp.get("/agenda/<token>.ics")
def subscription(token: str) -> Response | tuple[str, int, dict[str, str]]:
    # The family page's limit: per address, shared by every worker, unknown links counted.
    ip = request.remote_addr or ""
    decision = family_rate_check(ip)
    if not decision.allowed:
        return _("Trop de demandes, réessayez plus tard."), 429, {
            "Retry-After": str(decision.retry_after),
            "Content-Type": "text/plain; charset=utf-8",
        }  # fmt: skip
    feed = feeds.feed_for_token(token)
    record_family_hit(ip, ok=feed is not None)
    if feed is None:
        return _("Ce lien d'agenda ne marche pas ou plus."), 404, {
            "Content-Type": "text/plain; charset=utf-8",
            "X-Robots-Tag": "noindex",
        }  # fmt: skip
    body = feeds.feed_ics(feed)
    db.session.commit()
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="ateliers.ics"',
            "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer",
        },
    )


subscription.public = True  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the buttons


def _place(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None or org.kind is not OrgKind.TRAINING_PLACE:
        abort(404)
    ensure_record_access(Permission.TRAINING_MANAGE, org.id)
    return org


def _household(household_id: int) -> Household:
    household = db.session.get(Household, household_id)
    if household is None or household.anonymised_at is not None:
        abort(404)
    ensure_record_access(Permission.TRAINING_BOOK, household.organisation_id)
    return household


def _back(fallback: str) -> WResponse:
    return redirect(safe_next(request.form.get("next_url"), fallback))


def _open(owner: feeds.Owner, fallback: str) -> WResponse:
    if EmptyForm().validate_on_submit():
        renewing = feeds.current_link(owner) is not None
        feeds.open_feed(owner, current_user)
        flash(
            _("Nouveau lien d'agenda : l'ancien ne marche plus.")
            if renewing
            else _("Lien d'agenda créé : copiez-le dans le calendrier du téléphone."),
            "success",
        )
    return _back(fallback)


def _revoke(owner: feeds.Owner, fallback: str) -> WResponse:
    if EmptyForm().validate_on_submit():
        feeds.revoke_feed(owner, current_user)
        flash(_("Lien d'agenda coupé : les calendriers abonnés ne le liront plus."), "success")
    return _back(fallback)


@bp.post("/lieux/<int:org_id>/abonnement")
@permission_required(Permission.TRAINING_MANAGE)
def place_open(org_id: int) -> WResponse:
    return _open(feeds.Owner.place(_place(org_id)), url_for("training.my_sessions"))


@bp.post("/lieux/<int:org_id>/abonnement/couper")
@permission_required(Permission.TRAINING_MANAGE)
def place_revoke(org_id: int) -> WResponse:
    return _revoke(feeds.Owner.place(_place(org_id)), url_for("training.my_sessions"))


@bp.post("/foyers/<int:household_id>/abonnement")
@permission_required(Permission.TRAINING_BOOK)
def household_open(household_id: int) -> WResponse:
    household = _household(household_id)
    return _open(feeds.Owner.household(household), url_for("training.catalogue"))


@bp.post("/foyers/<int:household_id>/abonnement/couper")
@permission_required(Permission.TRAINING_BOOK)
def household_revoke(household_id: int) -> WResponse:
    household = _household(household_id)
    return _revoke(feeds.Owner.household(household), url_for("training.catalogue"))
