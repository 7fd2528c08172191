"""Instance administration: organisations and accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.accounts import passwords, services, sessions, throttle
from app.accounts.models import Organisation, User
from app.admin.forms import (
    ORG_KIND_LABELS,
    ROLE_LABELS,
    OrganisationForm,
    ResetPasswordForm,
    UserForm,
)
from app.audit.services import record
from app.auth.forms import EmptyForm
from app.authz.guards import permission_required
from app.authz.policy import OrgKind, Permission, Role
from app.core.errors import DomainError
from app.directory.services import sync_org_place_quietly
from app.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/organisations")
@permission_required(Permission.ADMIN_ORGS)
def organisations() -> str:
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("admin/organisations.html", orgs=orgs, kind_labels=ORG_KIND_LABELS)


@bp.route("/organisations/nouvelle", methods=["GET", "POST"])
@permission_required(Permission.ADMIN_ORGS)
def organisation_new() -> str | Response:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = services.create_organisation(
                form.slug.data or "",
                form.name.data or "",
                OrgKind(form.kind.data),
                commune=form.commune.data or "",
                postcode=form.postcode.data or "",
                address=form.address.data or "",
                phone=form.phone.data or "",
                email=form.email.data or "",
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors = [exc.message]
        else:
            sync_org_place_quietly(org)  # listed in "Où aller" from the start
            db.session.commit()
            flash(_("Organisation « %(name)s » créée.", name=org.name), "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, org=None)


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@permission_required(Permission.ADMIN_ORGS)
def organisation_edit(org_id: int) -> str | Response:
    org = db.session.get(Organisation, org_id) or abort(404)
    form = OrganisationForm(obj=org)
    form.slug.render_kw = {"readonly": True}
    if form.validate_on_submit():
        before = {"name": org.name, "commune": org.commune, "phone": org.phone}
        for field in ("name", "commune", "postcode", "address", "phone", "email"):
            setattr(org, field, getattr(form, field).data or "")
        record("organisation.update", "organisation", org.id, detail={"before": before})
        sync_org_place_quietly(org)  # its "Où aller" entry follows the address
        db.session.commit()
        flash(_("Organisation enregistrée."), "success")
        return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, org=org)


def _org_choices() -> list[SelectChoice]:
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return [SelectChoice(str(o.id), f"{o.name} ({ORG_KIND_LABELS[o.kind]})") for o in orgs]


def _may_manage_accounts() -> bool:
    """The administrator manages every account; a manager those of their organisation."""
    return current_user.is_authenticated and current_user.role in (Role.ADMIN, Role.MANAGER)


def _managed_user(user_id: int) -> User:
    """The account this person may reset or log out: any for the administrator; for a
    manager, one of their own organisation that is not an administrator's (404 else, as
    if it did not exist)."""
    if not _may_manage_accounts():
        abort(403)
    user = db.session.get(User, user_id) or abort(404)
    if current_user.role is Role.MANAGER and (
        user.organisation_id != current_user.organisation_id or user.role is Role.ADMIN
    ):
        abort(404)
    return user


@bp.get("/comptes")
@login_required
def users() -> str:
    if not _may_manage_accounts():
        abort(403)
    query = select(User).join(User.organisation).order_by(Organisation.name, User.email)
    if current_user.role is Role.MANAGER:  # their own organisation's people only
        query = query.where(
            User.organisation_id == current_user.organisation_id, User.role != Role.ADMIN
        )
    rows = db.session.scalars(query).all()
    return render_template(
        "admin/users.html",
        users=rows,
        role_labels=ROLE_LABELS,
        may_create=current_user.role is Role.ADMIN,
    )


@bp.route("/comptes/nouveau", methods=["GET", "POST"])
@permission_required(Permission.ADMIN_USERS)
def user_new() -> str | Response:
    form = UserForm()
    form.organisation_id.choices = _org_choices()
    if form.validate_on_submit():
        org = db.session.get(Organisation, form.organisation_id.data)
        try:
            if org is None:
                raise DomainError(_("Choisissez une organisation."), field="organisation_id")
            user = services.create_user(
                form.email.data or "",
                form.password.data or "",
                Role(form.role.data),
                org,
                full_name=form.full_name.data or "",
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field or "email").errors = [exc.message]
        else:
            flash(_("Compte %(email)s créé.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, password_hint=passwords.hint())


@bp.route("/comptes/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_detail(user_id: int) -> str | Response:
    """An account's page: reset its password (which unlocks it and ends its sessions),
    end its sessions; the administrator also deactivates it."""
    user = _managed_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data or "")
        except DomainError as exc:
            db.session.rollback()
            form.password.errors = [exc.message]
        else:
            flash(
                _("Mot de passe réinitialisé. Transmettez-le à la personne de vive voix."),
                "success",
            )
            return redirect(url_for("admin.user_detail", user_id=user.id))
    locked = throttle.account_refusal(user.email)
    return render_template(
        "admin/user_detail.html",
        user=user,
        form=form,
        toggle_form=EmptyForm(),
        role_labels=ROLE_LABELS,
        open_sessions=sessions.open_sessions(user),
        may_toggle=current_user.role is Role.ADMIN,
        locked_minutes=max(1, -(-locked.wait_seconds // 60)) if locked else 0,
        password_hint=passwords.hint(),
    )


@bp.post("/comptes/<int:user_id>/sessions/terminer")
@login_required
def user_end_sessions(user_id: int) -> Response:
    """End every session of one account: the administrator for anyone, a manager for a
    person of their own organisation (others' accounts answer 404). Journalled
    (user.sessions_end, reason admin)."""
    user = _managed_user(user_id)
    if EmptyForm().validate_on_submit():
        count = sessions.end_all(user, "admin")
        flash(
            _("%(n)s session(s) terminée(s) : la personne doit se reconnecter.", n=count),
            "success",
        )
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/comptes/<int:user_id>/activation")
@permission_required(Permission.ADMIN_USERS)
def user_toggle(user_id: int) -> Response:
    user = db.session.get(User, user_id) or abort(404)
    if EmptyForm().validate_on_submit():
        services.set_active(user, not user.active)
        flash(
            _("Compte réactivé.")
            if user.active
            else _("Compte désactivé : il ne peut plus se connecter."),
            "success",
        )
    return redirect(url_for("admin.user_detail", user_id=user.id))
