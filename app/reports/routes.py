"""Dashboard, exports and the funder's report; a household's data rights (export, erasure)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.accounts.models import Organisation
from app.auth.forms import EmptyForm
from app.authz.guards import can, ensure_record_access, permission_required
from app.authz.policy import OrgKind, Permission, Role, reads_territory
from app.core.clock import today, utcnow
from app.core.converters import page_number
from app.core.errors import DomainError
from app.extensions import db
from app.reports import charts, exports
from app.reports import figures as report_figures
from app.reports import scope as report_scope
from app.reports.forms import EraseForm, ReportFilterForm
from app.reports.period import Period, PeriodError, parse_period
from app.reports.tables import ChartKind, Figure, as_number, fr_cell

bp = Blueprint("reports", __name__, url_prefix="/rapports")

STYLESHEET = Path(__file__).parent / "static" / "reports.css"


@bp.get("/style.css")
def stylesheet() -> Response:
    """The dashboard's few extra styles (served from memory: CSP allows only our origin)."""
    response = Response(STYLESHEET.read_bytes(), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.app_template_filter("report_value")
def report_value(value: Any) -> str:
    """Numbers the French way in tables: 1 234,5."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return fr_cell(value)


# ---------------------------------------------------------------- filters


def _visible_orgs() -> list[Organisation]:
    """Organisations a territory reader may pick (the ones that produce figures)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind != OrgKind.COORDINATOR)
            .order_by(Organisation.name)
        )
    )


def _territory() -> bool:
    """Figures of the whole territory or of any organisation: the roles that cover it
    (policy.reads_territory), not a viewer created inside one organisation."""
    org = getattr(current_user, "organisation", None)
    return can(Permission.REPORTS_TERRITORY) and reads_territory(
        current_user.role, getattr(org, "kind", None)
    )


def _filters() -> tuple[report_scope.Filters, ReportFilterForm, str | None]:
    """The scope the user may see and the period asked for (errors fall back to defaults)."""
    form = ReportFilterForm(formdata=request.args)
    territory = _territory()
    if territory:
        form.organisation.choices = [SelectChoice("", _("Tout le territoire"))] + [
            SelectChoice(str(o.id), o.name) for o in _visible_orgs()
        ]
    else:
        own = current_user.organisation
        form.organisation.choices = [SelectChoice(str(own.id), own.name)]
    error = None
    if not form.validate():
        error = " ".join(e for errs in form.errors.values() for e in errs)
    try:
        period = parse_period(form.debut.data, form.fin.data, today())
    except PeriodError as exc:
        error = _(str(exc))  # the pure module's French message, marked for translation
        period = parse_period(None, None, today())
    form.debut.data, form.fin.data = period.start, period.end
    if territory:
        org = None
        raw = request.args.get("organisation", "")
        if raw.isdigit():
            org = db.session.get(Organisation, int(raw))
        scope = report_scope.organisation_scope(org) if org else report_scope.territory_scope()
        form.organisation.data = str(org.id) if org else ""
    else:
        scope = report_scope.organisation_scope(current_user.organisation)
        form.organisation.data = str(current_user.organisation_id)
    return report_scope.Filters(period, scope, today()), form, error


def _filter_args(filters: report_scope.Filters) -> dict[str, str]:
    args = {"debut": filters.period.start.isoformat(), "fin": filters.period.end.isoformat()}
    if filters.scope.org_ids and _territory():
        args["organisation"] = str(filters.scope.org_ids[0])
    return args


def period_label(period: Period) -> str:
    """Period.label() in the page's language (the pure module writes French)."""
    return _(
        "du %(start)s au %(end)s",
        start=period.start.strftime("%d/%m/%Y"),
        end=period.end.strftime("%d/%m/%Y"),
    )


def _about(filters: report_scope.Filters) -> list[tuple[str, str]]:
    return [
        (_("Période"), period_label(filters.period)),
        (_("Organisations"), filters.scope.label),
        (_("Produit le"), utcnow().strftime("%d/%m/%Y %H:%M") + " UTC"),
        (_("Produit par"), current_user.display_name),
    ]


def _chart(figure: Figure) -> Markup | None:
    """The SVG drawn from the figure's table (the table is shown under it anyway)."""
    table = figure.table
    if not figure.available or not table.rows or figure.chart is ChartKind.NONE:
        return None
    if figure.chart is ChartKind.BARS:
        value_col = (figure.series or [1])[0]
        svg = charts.hbar_chart(
            [str(r[0]) for r in table.rows],
            [as_number(r[value_col]) for r in table.rows],
            figure.title,
            f"graphique-{figure.key}",
        )
    else:
        cols = figure.series or list(range(1, len(table.columns)))
        svg = charts.monthly_chart(
            [str(r[0]) for r in table.rows],
            [(table.columns[c], [as_number(r[c]) for r in table.rows]) for c in cols],
            figure.title,
            f"graphique-{figure.key}",
        )
    return Markup(svg)  # noqa: S704 (built by charts.py, every text escaped there)


# ---------------------------------------------------------------- dashboard


@bp.get("/")
@permission_required(Permission.REPORTS_READ)
def dashboard() -> str:
    filters, form, error = _filters()
    figures = report_figures.dashboard(filters)
    return render_template(
        "reports/dashboard.html",
        form=form,
        error=error,
        filters=filters,
        period_label=period_label(filters.period),
        figures=[(fig, _chart(fig)) for fig in figures],
        args=_filter_args(filters),
        territory=_territory(),
    )


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _file_stem(filters: report_scope.Filters) -> str:
    return f"ordilien-{filters.period.start:%Y%m%d}-{filters.period.end:%Y%m%d}"


@bp.get("/export.xlsx")
@permission_required(Permission.REPORTS_READ)
def export_xlsx() -> Response:
    filters, _form, _error = _filters()
    body = exports.xlsx_bytes(report_figures.dashboard(filters), _about(filters))
    return _attachment(body, exports.XLSX_MIMETYPE, f"{_file_stem(filters)}.xlsx")


@bp.get("/export/<key>.csv")
@permission_required(Permission.REPORTS_READ)
def export_csv(key: str) -> Response:
    filters, _form, _error = _filters()
    figure = report_figures.figure_by_key(filters, key) or abort(404)
    return _attachment(
        exports.csv_bytes(figure), "text/csv; charset=utf-8", f"{_file_stem(filters)}-{key}.csv"
    )


@bp.get("/rapport.pdf")
@permission_required(Permission.REPORTS_READ)
def report_pdf() -> Response:
    filters, _form, _error = _filters()
    title = _("Rapport d'activité et d'impact")
    body = exports.report_pdf(report_figures.dashboard(filters), title, _about(filters), utcnow())
    return _attachment(body, "application/pdf", f"{_file_stem(filters)}-rapport.pdf")


# ---------------------------------------------------------------- personal data


def _household(household_id: int, permission: Permission) -> Any:
    from app.households.models import Household

    household = db.session.get(Household, household_id) or abort(404)
    if permission is Permission.HOUSEHOLD_READ:
        # The association that serves the household too (issue 19), while it needs to.
        from app.households.access import household_record_org

        ensure_record_access(permission, household_record_org(household, current_user))
    else:
        ensure_record_access(permission, household.organisation_id)
    return household


@bp.get("/donnees-personnelles/")
@permission_required(Permission.HOUSEHOLD_WRITE)
def privacy_index() -> str:
    """The households a prescriber's organisation keeps, oldest activity first: who will
    be anonymised soon, and the way to each one's export and erasure."""
    from app.reports.gdpr import erasure

    query_text = request.args.get("q", "").strip()
    page = page_number(request.args.get("page"))
    org_id = None if current_user.role.value == "admin" else current_user.organisation_id
    rows, has_next = erasure.households_page(org_id, query_text, page)
    record_list_view(len(rows))
    db.session.commit()
    return render_template(
        "reports/privacy_index.html",
        rows=rows,
        page=page,
        has_next=has_next,
        q=query_text,
        retention_days=erasure.retention_days(),
        due_soon=erasure.due_within(org_id, 30),
        expiries={h.id: erasure.expiry_of(h) for h in rows},
    )


def record_list_view(count: int) -> None:
    from app.audit.services import record

    record("household.privacy_list", "household", "", detail={"shown": count})


@bp.get("/donnees-personnelles/foyers/<int:household_id>")
@permission_required(Permission.HOUSEHOLD_READ)
def household_privacy(household_id: int) -> str:
    from app.reports.gdpr import erasure, subject_access

    household = _household(household_id, Permission.HOUSEHOLD_READ)
    entries = subject_access.access_log(household)
    subject_access.record_access(household, "household.privacy_view")
    db.session.commit()
    return render_template(
        "reports/household_privacy.html",
        household=household,
        entries=entries,
        form=EraseForm(),
        may_erase=can(Permission.HOUSEHOLD_WRITE, household.organisation_id),
        may_pass_erasure=current_user.organisation_id != household.organisation_id,
        holder=db.session.get(Organisation, household.organisation_id),
        post_form=EmptyForm(),
        retention_days=erasure.retention_days(),
    )


@bp.post("/donnees-personnelles/foyers/<int:household_id>/demande-effacement")
@permission_required(Permission.HOUSEHOLD_READ)
def household_pass_erasure(household_id: int) -> Response:
    """The association that served the household passes the person's erasure request to
    the organisation that holds the record (issue 19), journalled, by e-mail."""
    from app.reports.gdpr import erasure

    household = _household(household_id, Permission.HOUSEHOLD_READ)
    if household.organisation_id == current_user.organisation_id or current_user.role is Role.ADMIN:
        abort(404)  # the holder (and the administrator) erase with the form above
    if EmptyForm().validate_on_submit():
        try:
            erasure.request_erasure(household, current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(
                _(
                    "Demande d'effacement transmise à la structure qui suit le foyer : elle "
                    "est notée au journal du foyer."
                ),
                "success",
            )
    return redirect(url_for("reports.household_privacy", household_id=household_id))


@bp.get("/donnees-personnelles/foyers/<int:household_id>/export.json")
@permission_required(Permission.HOUSEHOLD_READ)
def household_export_json(household_id: int) -> Response:
    from app.reports.gdpr import subject_access

    household = _household(household_id, Permission.HOUSEHOLD_READ)
    body = subject_access.export_json(household)
    subject_access.record_access(household, "household.export", detail={"format": "json"})
    db.session.commit()
    return _attachment(body, "application/json", f"foyer-{household.id}.json")


@bp.get("/donnees-personnelles/foyers/<int:household_id>/export.pdf")
@permission_required(Permission.HOUSEHOLD_READ)
def household_export_pdf(household_id: int) -> Response:
    from app.reports.gdpr import subject_access

    household = _household(household_id, Permission.HOUSEHOLD_READ)
    body = subject_access.export_pdf(household)
    subject_access.record_access(household, "household.export", detail={"format": "pdf"})
    db.session.commit()
    return _attachment(body, "application/pdf", f"foyer-{household.id}.pdf")


@bp.post("/donnees-personnelles/foyers/<int:household_id>/effacement")
@permission_required(Permission.HOUSEHOLD_WRITE)
def household_erase(household_id: int) -> str | Response:
    from app.reports.gdpr import erasure

    household = _household(household_id, Permission.HOUSEHOLD_WRITE)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            erasure.erase_on_request(household)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(
                _(
                    "Données personnelles effacées. Le foyer reste compté dans les "
                    "statistiques, sans nom ni coordonnées."
                ),
                "success",
            )
        return redirect(url_for("reports.household_privacy", household_id=household_id))
    for errs in form.errors.values():
        for err in errs:
            flash(err, "error")
    return redirect(url_for("reports.household_privacy", household_id=household_id))
