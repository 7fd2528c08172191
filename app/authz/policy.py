"""Who may do what on which organisation's records: the single place that decides.

Pure module: no Flask, no SQLAlchemy. Routes and services ask ``allowed()``; the
route-access test checks the whole URL map against it.
"""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    ASSOCIATION = "association"  # refurbishing association (ressourcerie, atelier)
    PRESCRIBER = "prescriber"  # CCAS, département/MDS, France Services, Mission locale...
    TRAINING_PLACE = "training_place"  # médiathèque, centre social, association...
    COORDINATOR = "coordinator"  # funders and territorial coordinators


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    TECHNICIAN = "technician"
    FRONT_DESK = "front_desk"
    PRESCRIBER = "prescriber"
    TRAINER = "trainer"
    VIEWER = "viewer"


# Which kinds of organisation a role can belong to.
ROLE_ORG_KINDS: dict[Role, frozenset[OrgKind]] = {
    Role.ADMIN: frozenset(OrgKind),
    # A manager runs an association, a CCAS's social services or a coordination: the
    # last two manage the programmes they fund (PROGRAMME_WRITE).
    Role.MANAGER: frozenset({OrgKind.ASSOCIATION, OrgKind.PRESCRIBER, OrgKind.COORDINATOR}),
    Role.TECHNICIAN: frozenset({OrgKind.ASSOCIATION}),
    Role.FRONT_DESK: frozenset({OrgKind.ASSOCIATION}),
    Role.PRESCRIBER: frozenset({OrgKind.PRESCRIBER}),
    Role.TRAINER: frozenset({OrgKind.TRAINING_PLACE}),
    Role.VIEWER: frozenset({OrgKind.COORDINATOR, OrgKind.ASSOCIATION, OrgKind.PRESCRIBER}),
}

# The kind a new organisation gets when the CLI creates it for a role.
DEFAULT_ORG_KIND: dict[Role, OrgKind] = {
    Role.ADMIN: OrgKind.COORDINATOR,
    Role.MANAGER: OrgKind.ASSOCIATION,
    Role.TECHNICIAN: OrgKind.ASSOCIATION,
    Role.FRONT_DESK: OrgKind.ASSOCIATION,
    Role.PRESCRIBER: OrgKind.PRESCRIBER,
    Role.TRAINER: OrgKind.TRAINING_PLACE,
    Role.VIEWER: OrgKind.COORDINATOR,
}


class Permission(StrEnum):
    # instance administration
    ADMIN_ORGS = "admin.orgs"
    ADMIN_USERS = "admin.users"
    AUDIT_READ = "audit.read"
    # inventory (issue 3)
    INVENTORY_READ = "inventory.read"
    INVENTORY_WRITE = "inventory.write"
    INVENTORY_MANAGE = "inventory.manage"  # checklists, grade overrides, imports
    # households and prescriptions (issue 4)
    HOUSEHOLD_READ = "household.read"
    HOUSEHOLD_WRITE = "household.write"
    PRESCRIPTION_SUBMIT = "prescription.submit"
    PRESCRIPTION_DECIDE = "prescription.decide"  # association validates or refuses
    # programmes kept in the database: the owner organisation's managers (see
    # may_write_programme); every logged-in staff member reads them (HOUSEHOLD_READ)
    PROGRAMME_WRITE = "programme.write"
    # loans and sales (issue 5)
    HANDOVER = "handover"
    # social tariffs (issue 6)
    TARIFF_READ = "tariff.read"
    TARIFF_EDIT = "tariff.edit"  # the catalogue's owner only: see may_own_tariffs
    TARIFF_PROPOSE = "tariff.propose"  # propose a change, report "this offer is gone"
    # training (issue 7)
    TRAINING_READ = "training.read"
    TRAINING_BOOK = "training.book"
    TRAINING_MANAGE = "training.manage"  # a place's own sessions and attendance
    # referrals between structures (issue 15): send one for a household one sees; answer
    # those sent to one's own structure
    REFERRAL_SEND = "referral.send"
    REFERRAL_ANSWER = "referral.answer"
    # reports (issue 8)
    REPORTS_READ = "reports.read"
    REPORTS_TERRITORY = "reports.territory"  # across all organisations
    # everyone logged in
    API_TOKENS = "api.tokens"


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MANAGER: frozenset(
        {
            _P.AUDIT_READ,
            _P.INVENTORY_READ,
            _P.INVENTORY_WRITE,
            _P.INVENTORY_MANAGE,
            _P.HOUSEHOLD_READ,
            _P.PRESCRIPTION_DECIDE,
            _P.PROGRAMME_WRITE,
            _P.HANDOVER,
            _P.TARIFF_READ,
            _P.TARIFF_EDIT,
            _P.TARIFF_PROPOSE,
            _P.TRAINING_READ,
            _P.TRAINING_BOOK,
            _P.REPORTS_READ,
            _P.REFERRAL_ANSWER,
            _P.API_TOKENS,
        }
    ),
    Role.TECHNICIAN: frozenset(
        {_P.INVENTORY_READ, _P.INVENTORY_WRITE, _P.TARIFF_READ, _P.TRAINING_READ, _P.API_TOKENS}
    ),
    Role.FRONT_DESK: frozenset(
        {
            _P.INVENTORY_READ,
            _P.HOUSEHOLD_READ,
            _P.HANDOVER,
            _P.TARIFF_READ,
            _P.TRAINING_READ,
            _P.TRAINING_BOOK,
            _P.REFERRAL_SEND,
            _P.REFERRAL_ANSWER,
            _P.API_TOKENS,
        }
    ),
    Role.PRESCRIBER: frozenset(
        {
            _P.HOUSEHOLD_READ,
            _P.HOUSEHOLD_WRITE,
            _P.PRESCRIPTION_SUBMIT,
            _P.TARIFF_READ,
            _P.TARIFF_PROPOSE,
            _P.TRAINING_READ,
            _P.TRAINING_BOOK,
            _P.REFERRAL_SEND,
            _P.REFERRAL_ANSWER,
            _P.API_TOKENS,
        }
    ),
    Role.TRAINER: frozenset(
        {_P.TRAINING_READ, _P.TRAINING_MANAGE, _P.TARIFF_READ, _P.REFERRAL_ANSWER, _P.API_TOKENS}
    ),
    Role.VIEWER: frozenset({_P.REPORTS_READ, _P.REPORTS_TERRITORY, _P.TARIFF_READ, _P.API_TOKENS}),
}

# Permissions that reach records of other organisations (the others stay in the actor's own).
CROSS_ORGANISATION: frozenset[Permission] = frozenset(
    {
        _P.TARIFF_READ,  # the catalogue is shared by the territory
        _P.TRAINING_READ,  # every place's published sessions
        _P.REPORTS_TERRITORY,
    }
)


def reads_territory(role: Role, org_kind: OrgKind | None) -> bool:
    """Reports across organisations (issue 19): the administrator, and a viewer or manager
    of a coordination (funders, coordinators). A viewer created inside an association or
    a prescriber reads its own organisation's figures only."""
    if Permission.REPORTS_TERRITORY not in ROLE_PERMISSIONS[role]:
        return False
    return role is Role.ADMIN or org_kind is OrgKind.COORDINATOR


def role_may_belong(role: Role, kind: OrgKind) -> bool:
    """True when a user of ``role`` may belong to an organisation of ``kind``."""
    return kind in ROLE_ORG_KINDS[role]


def allowed(
    role: Role,
    permission: Permission,
    actor_org_id: int | None,
    record_org_id: int | None = None,
) -> bool:
    """May an actor with ``role`` in ``actor_org_id`` use ``permission``?

    With ``record_org_id`` given, the record must also belong to the actor's own
    organisation, unless the actor is an administrator or the permission is one that
    spans organisations.
    """
    if permission not in ROLE_PERMISSIONS[role]:
        return False
    if record_org_id is None or role is Role.ADMIN or permission in CROSS_ORGANISATION:
        return True
    return actor_org_id == record_org_id


def may_write_programme(user_role: Role, user_org_id: int | None, owner_org_id: int | None) -> bool:
    """May this user change a programme owned by ``owner_org_id``?

    The instance administrator changes every programme (and alone those owned by no
    organisation, ``None``); a manager changes those of their own organisation.
    """
    if user_role is Role.ADMIN:
        return True
    if Permission.PROGRAMME_WRITE not in ROLE_PERMISSIONS[user_role] or owner_org_id is None:
        return False
    return user_org_id == owner_org_id


def may_own_tariffs(
    user_role: Role,
    user_org_kind: OrgKind | None,
    user_org_id: int | None,
    owner_org_id: int | None,
) -> bool:
    """May this user edit, verify or withdraw an offer of the catalogue (issue 17)?

    The catalogue of a territory belongs to its coordinator: the managers of the
    coordinator organisation that owns the offer (any coordinator organisation's managers
    when the offer has no owner yet), or the administrator. Association and CCAS managers
    and prescribers propose changes instead (TARIFF_PROPOSE).
    """
    if user_role is Role.ADMIN:
        return True
    if user_role is not Role.MANAGER or user_org_kind is not OrgKind.COORDINATOR:
        return False
    return owner_org_id is None or owner_org_id == user_org_id
