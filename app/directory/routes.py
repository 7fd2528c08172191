""" "Où aller": the public directory (no account), and its staff view on a household.

``/ou-aller`` is a GET form: it works without JavaScript, its results can be bookmarked
and shared, and it holds no personal data (a commune, or a position the browser gives
only when the person presses "Autour de moi"). The staff view
``/ou-aller/foyers/<id>`` is the same search, pre-filled with the household's commune
and needs, behind the household's own access rule.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from app.authz.guards import permission_required
from app.authz.policy import Permission
from app.directory import data_routes
from app.directory.labels import FILTERS, NEED_LABELS
from app.directory.needs import Need, parse_needs
from app.directory.search import Query, Results, search
from app.eligibility import display

bp = Blueprint("directory", __name__, url_prefix="/ou-aller")
bp.register_blueprint(data_routes.bp)  # open data, directory places: directory.data.*


@bp.app_context_processor
def directory_helpers() -> dict[str, Any]:
    """For the owners' pages (a training place's details, an organisation in the admin)."""

    def directory_owner_problems(org: Any) -> list[str]:
        from app.directory import services

        place = services.own_place(org) if org is not None else None
        return services.owner_problems(place) if place is not None else []

    return {"directory_owner_problems": directory_owner_problems}


def _float(name: str) -> float | None:
    value = (request.args.get(name) or "").strip().replace(",", ".")
    try:
        number = float(value) if value else None
    except ValueError:
        return None
    return number


def query_from_args(defaults: dict[str, Any] | None = None) -> tuple[Query, dict[str, Any]]:
    """The search typed in the page's form (or pre-filled), and what to show in it."""
    args = request.args
    fresh = not args and defaults
    given = defaults if fresh else {}
    need_code = args.get("besoin", "") if not fresh else given.get("besoin", "")
    needs = tuple(parse_needs([need_code])) if need_code else ()
    where = (args.get("lieu", "") if not fresh else given.get("lieu", "")).strip()[:120]
    lat, lon = (_float("lat"), _float("lon")) if where == "" else (None, None)
    flags = {attr: (args.get(name) == "1") for name, attr, _label in FILTERS}
    query = Query(needs=needs, where=where, latitude=lat, longitude=lon, **flags)
    form = {
        "besoin": needs[0].value if needs else "",
        "lieu": where,
        "lat": "" if lat is None else f"{lat:.5f}",
        "lon": "" if lon is None else f"{lon:.5f}",
        "checked": {name for name, attr, _l in FILTERS if flags[attr]},
    }
    return query, form


def _render(query: Query, form: dict[str, Any], results: Results, **extra: Any) -> Response:
    response = make_response(
        render_template(
            "directory/search.html",
            query=query,
            form=form,
            results=results,
            needs=list(Need),
            need_labels=NEED_LABELS,
            filters=FILTERS,
            **extra,
        )
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # a position never leaves in a Referer
    # The one page allowed to ask for the position (app.core.security denies it elsewhere);
    # the browser still asks the person, and only when "Autour de moi" is pressed.
    response.headers["Permissions-Policy"] = (
        "geolocation=(self), microphone=(), camera=(), payment=()"
    )
    return response


@bp.get("")
def search_page() -> Response | tuple[str, int, dict[str, str]]:
    limited = _rate_limited(request.remote_addr or "")
    if limited:
        return render_template("directory/limited.html"), 429, {"Retry-After": str(limited)}
    query, form = query_from_args()
    results = search(query, speaker=display.speaker())
    return _render(query, form, results, action_endpoint="directory.search_page", household=None)


search_page.public = True  # type: ignore[attr-defined]


@bp.get("/foyers/<int:household_id>")
@permission_required(Permission.HOUSEHOLD_READ)
def for_household(household_id: int) -> Response:
    from app.households import services as households
    from app.referrals import services as referrals

    try:
        household = households.get_household(household_id, current_user)
    except NotFound:
        abort(404)
    defaults = {"besoin": household_needs(household)[0].value, "lieu": _where(household)}
    query, form = query_from_args(defaults)
    results = search(query, speaker=display.speaker())
    response = _render(
        query, form, results, action_endpoint="directory.for_household", household=household,
        may_refer=referrals.may_send(household, current_user),
    )  # fmt: skip
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _where(household: Any) -> str:
    return " ".join(part for part in (household.commune, household.postcode) if part)


def household_needs(household: Any) -> list[Need]:
    """What the household's record says it lacks, most basic first: a device, then a
    connection, then the skills (always worth offering)."""
    from app.eligibility.vocabulary import Connection

    needs = []
    if not (household.has_computer or household.has_tablet):
        needs.append(Need.DEVICE)
    if household.connection == Connection.NONE:
        needs.append(Need.CONNECT)
    needs.append(Need.LEARN)
    return needs


# --- a light rate limit, per address, shared by every server process ---------------------
# The family page's mechanism (family.rate_limit.rate_check: hits are rows, counted in the
# database, so every gunicorn worker sees the same count), in a bucket of its own: the key
# is "ou-aller:" and a hash of the address, never a bare address, so a search neither
# spends the family page's budget nor keeps the visitor's address in clear.


def rate_key(ip: str) -> str:
    return "ou-aller:" + hashlib.sha256(ip.encode()).hexdigest()[:32]  # 41 characters


def _rate_limited(ip: str) -> int:
    """Seconds to wait (0: go on). At most DIRECTORY_PER_MINUTE searches a minute."""
    from app.family.rate_limit import rate_check, record_hit

    per_minute = int(current_app.config.get("DIRECTORY_PER_MINUTE", 60))
    if per_minute <= 0:
        return 0
    key = rate_key(ip)
    decision = rate_check(key, per_minute)
    if not decision.allowed:
        return decision.retry_after
    record_hit(key)
    return 0
