"""Referrals: the actions. Each one checks, changes the state by a conditional UPDATE,
writes the journal, queues its messages (messages.py) and commits.

Who sees a referral: the structure that sent it and the one that receives it (an
organisation of this instance); a structure without an account only through its signed
answer link. Reads of the person's data are journalled like the household's.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from app.accounts.models import Organisation
from app.audit.services import record
from app.authz.policy import Permission, Role, allowed
from app.core.clock import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.i18n import translate as _
from app.extensions import db
from app.households import services as households
from app.households.models import Household
from app.referrals import messages
from app.referrals.lifecycle import (
    Action,
    Need,
    ReferralState,
    TransitionError,
    next_state,
)
from app.referrals.links import make_token, new_link, timing
from app.referrals.models import Referral, RefusalReason

# ---------------------------------------------------------------- access


def _may(user: Any, permission: Permission, record_org_id: int | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return allowed(user.role, permission, user.organisation_id, record_org_id)


def may_send(household: Household, user: Any) -> bool:
    """A prescriber for the households of their structure, a front desk for those its
    association sees through a prescription (the households domain decides)."""
    record_org = households.household_record_org(household, user)
    return _may(user, Permission.HOUSEHOLD_READ, record_org) and _may(
        user, Permission.REFERRAL_SEND, record_org
    )


def is_sender(referral: Referral, user: Any) -> bool:
    return _may(user, Permission.REFERRAL_SEND, referral.from_organisation_id)


def is_receiver(referral: Referral, user: Any) -> bool:
    return referral.to_organisation_id is not None and _may(
        user, Permission.REFERRAL_ANSWER, referral.to_organisation_id
    )


def get_referral(referral_id: int, user: Any, *, journal: bool = True) -> Referral:
    """The referral, or NotFound (another structure's referral is not revealed)."""
    referral = db.session.get(Referral, referral_id)
    if (
        referral is None
        or referral.household.anonymised_at is not None
        or not (is_sender(referral, user) or is_receiver(referral, user))
    ):
        raise NotFound(_("Orientation introuvable."))
    if journal:
        record("household.read", "referral", referral.id, actor=user,
               detail={"household": referral.household_id})  # fmt: skip
        db.session.commit()
    return referral


def incoming(user: Any, states: frozenset[ReferralState] | None = None) -> list[Referral]:
    """Referrals sent to the user's structure (every one for the administrator)."""
    query = select(Referral).join(Household).where(Household.anonymised_at.is_(None))
    if user.role is not Role.ADMIN:
        query = query.where(Referral.to_organisation_id == user.organisation_id)
    else:
        query = query.where(Referral.to_organisation_id.is_not(None))
    if states:
        query = query.where(Referral.state.in_(states))
    return list(db.session.scalars(query.order_by(Referral.sent_at.desc()).limit(200)))


def outgoing(user: Any) -> list[Referral]:
    query = select(Referral).join(Household).where(Household.anonymised_at.is_(None))
    if user.role is not Role.ADMIN:
        query = query.where(Referral.from_organisation_id == user.organisation_id)
    return list(db.session.scalars(query.order_by(Referral.sent_at.desc()).limit(200)))


def for_household(household: Household, user: Any) -> list[Referral]:
    """The household's referrals this user may see (its page lists them)."""
    rows = db.session.scalars(
        select(Referral).where(Referral.household_id == household.id).order_by(Referral.id)
    )
    return [r for r in rows if is_sender(r, user) or is_receiver(r, user)]


# ---------------------------------------------------------------- sending


@dataclass(frozen=True)
class ReferralInput:
    need: str
    message: str = ""
    person_message: str = ""
    consent: bool = False
    to_organisation_id: int | None = None
    to_place_id: int | None = None
    to_name: str = ""
    to_address: str = ""
    to_phone: str = ""
    to_email: str = ""
    hours: str = ""
    bring: str = ""


def receiving_organisations(exclude_id: int | None) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.active, Organisation.id != (exclude_id or -1))
            .order_by(Organisation.name)
        )
    )


def hours_in_words(osm_value: str) -> str:
    """ "mardi 9 h – 12 h ; jeudi 14 h – 17 h" from OSM opening_hours (the directory reads
    them); as written when they cannot be read."""
    from app.directory.hours import week

    if not osm_value.strip():
        return ""
    days = [d for d in week(osm_value, utcnow().date()) if d.intervals]
    return " ; ".join(f"{d.name.lower()} {d.text}" for d in days) or osm_value


def _address(address: str, postcode: str, commune: str) -> str:
    return ", ".join(p for p in (address, f"{postcode} {commune}".strip()) if p)


def _place_defaults(org: Organisation) -> tuple[str, str]:
    """The address and hours a training place published."""
    from app.training.models import TrainingPlace

    place = db.session.scalar(select(TrainingPlace).where(TrainingPlace.organisation_id == org.id))
    hours = hours_in_words(place.opening_hours) if place else ""
    return _address(org.address, org.postcode, org.commune), hours


def _to_place(referral: Referral, place_id: int) -> None:
    """A place of the directory: its facts copied; answered from the account of its
    organisation when it has one here, else through the link."""
    from app.directory.models import Place

    place = db.session.get(Place, place_id)
    if place is None:
        raise DomainError(_("Ce lieu n'existe pas."), "to_place_id")
    referral.to_place_id = place.id
    referral.to_organisation_id = place.organisation_id
    referral.to_name = place.name[:200]
    referral.to_address = _address(place.address, place.postcode, place.commune)[:300]
    referral.to_phone, referral.to_email = place.phone[:40], place.email[:254]
    referral.hours = referral.hours or hours_in_words(place.opening_hours)[:300]
    referral.bring = referral.bring or place.what_to_bring[:300]


def _check(data: ReferralInput, sender_org_id: int) -> None:
    if data.need not in set(Need):
        raise DomainError(_("Choisissez le besoin de la personne."), "need")
    if not data.consent:
        raise DomainError(
            _("La personne doit être d'accord pour que ses coordonnées soient transmises."),
            "consent",
        )
    if data.to_organisation_id is None and data.to_place_id is None and not data.to_name.strip():
        raise DomainError(
            _("Choisissez la structure, ou écrivez le nom de celle qui n'a pas de compte."),
            "to_name",
        )
    if (data.to_organisation_id, data.to_place_id) == (None, None) and not (
        data.to_phone.strip() or data.to_email.strip() or data.to_address.strip()
    ):
        raise DomainError(
            _(
                "Donnez au moins un moyen de joindre cette structure : téléphone, e-mail ou adresse."
            ),
            "to_phone",
        )
    if data.to_organisation_id == sender_org_id:
        raise DomainError(
            _("Orientez vers une autre structure que la vôtre."), "to_organisation_id"
        )


def create_referral(household: Household, data: ReferralInput, actor: Any) -> Referral:
    """Send the referral: the receiving structure, then the person, are told."""
    if not may_send(household, actor):
        raise NotFound(_("Foyer introuvable."))
    _check(data, actor.organisation_id)
    now = utcnow()
    referral = Referral(
        household_id=household.id,
        from_organisation_id=actor.organisation_id,
        from_user_id=actor.id,
        need=Need(data.need),
        message=data.message.strip(),
        person_message=data.person_message.strip(),
        consent=True,
        consent_at=now,
        hours=data.hours.strip()[:300],
        bring=data.bring.strip()[:300],
        sent_at=now,
        waiting_since=now,
    )
    if data.to_place_id is not None:
        _to_place(referral, data.to_place_id)
    elif data.to_organisation_id is not None:
        org = db.session.get(Organisation, data.to_organisation_id)
        if org is None or not org.active:
            raise DomainError(_("Cette structure n'existe pas."), "to_organisation_id")
        address, hours = _place_defaults(org)
        referral.to_organisation_id = org.id
        referral.to_name, referral.to_address = org.name, address
        referral.to_phone, referral.to_email = org.phone, org.email
        referral.hours = referral.hours or hours
    else:
        referral.to_name = data.to_name.strip()[:200]
        referral.to_address = data.to_address.strip()[:300]
        referral.to_phone = data.to_phone.strip()[:40]
        referral.to_email = data.to_email.strip()[:254]
    if referral.to_organisation_id == actor.organisation_id:
        raise DomainError(
            _("Orientez vers une autre structure que la vôtre."), "to_organisation_id"
        )
    if referral.external:
        new_link(referral, now)
    db.session.add(referral)
    db.session.flush()
    record("referral.send", "referral", referral.id, actor=actor, detail={
        "household": household.id, "need": referral.need.value,
        "to": referral.to_organisation_id or "external"})  # fmt: skip
    messages.tell_receiver(referral, "sent", make_token(referral) if referral.external else "")
    messages.tell_person(referral, "sent")
    household.last_activity_at = now
    db.session.commit()
    return referral


# ---------------------------------------------------------------- changes of state


def _transition(referral: Referral, action: Action, actor: Any, *, reason: str = "",
                message: str = "", values: dict[str, Any] | None = None,
                via: str = "") -> ReferralState:  # fmt: skip
    """Move the referral with a conditional UPDATE: two answers at once cannot both win."""
    try:
        target = next_state(referral.state, action, reason=reason, message=message)
    except TransitionError as exc:
        raise Conflict(exc.message, exc.field) from None
    source, version = referral.state, referral.version
    result = db.session.execute(
        update(Referral)
        .where(Referral.id == referral.id, Referral.state == source, Referral.version == version)
        .values(state=target, version=version + 1, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_("Cette orientation vient d'être modifiée. Rechargez la page."))
    db.session.refresh(referral)
    record(f"referral.{action.value}", "referral", referral.id, actor=actor,
           organisation_id=getattr(actor, "organisation_id", None)
           or referral.to_organisation_id or referral.from_organisation_id,
           detail={"household": referral.household_id, "from": source.value,
                   "to": target.value, **({"via": via} if via else {}),
                   **({"reason": reason} if reason else {})})  # fmt: skip
    return target


def answer(referral: Referral, action: Action, actor: Any, *, reason_id: int | None = None,
           message: str = "", via: str = "") -> Referral:  # fmt: skip
    """Accept, refuse (a reason from the list and a message) or mark done. Commits."""
    now = utcnow()
    values: dict[str, Any] = {}
    reason_label = ""
    if action is Action.REFUSE:
        reason = db.session.get(RefusalReason, reason_id) if reason_id else None
        if reason is None or not reason.active:
            raise DomainError(_("Choisissez le motif du refus."), "reason")
        reason_label = reason.label
        values["refusal_reason_id"] = reason.id
    if action in (Action.ACCEPT, Action.REFUSE):
        values.update(answered_at=now, answered_by_id=getattr(actor, "id", None),
                      answer_message=message.strip())  # fmt: skip
    if action in (Action.REFUSE, Action.DONE):
        values["closed_at"] = now
    if action is Action.DONE and message.strip():
        values["answer_message"] = message.strip()
    _transition(referral, action, actor, reason=reason_label,
                message=message if action is Action.REFUSE else "", values=values, via=via)  # fmt: skip
    messages.tell_sender(referral)
    if action is Action.ACCEPT:
        messages.tell_person(referral, "accepted")
    db.session.commit()
    return referral


def renew_link(referral: Referral, actor: Any) -> str:
    """A new answer link for a structure without an account (the old one stops working);
    an expired referral waits again. Returns the new token. Commits."""
    if not referral.external:
        raise DomainError(_("Cette structure répond depuis son compte : pas de lien à renouveler."))
    now = utcnow()
    nonce = secrets.token_hex(16)
    _transition(referral, Action.RENEW, actor, values={
        "link_nonce": nonce, "link_expires_at": timing().link_expires_at(now),
        "waiting_since": now, "closed_at": None})  # fmt: skip
    token = make_token(referral)
    messages.tell_receiver(referral, "link", token)
    db.session.commit()
    return token


def enqueue_due(now: datetime) -> int:
    """Run by ``flask reminders send``: remind once after REFERRAL_REMIND_DAYS, expire after
    REFERRAL_EXPIRE_DAYS (the sender is told). Returns the messages queued."""
    rules = timing()
    queued = 0
    first_due = now - timedelta(days=min(rules.remind_days, rules.expire_days))
    waiting = list(db.session.scalars(
        select(Referral).join(Household)
        .where(Referral.state == ReferralState.OPEN, Household.anonymised_at.is_(None),
               Referral.waiting_since <= first_due)
        .order_by(Referral.id)
    ))  # fmt: skip
    for referral in waiting:
        if rules.expire_due(referral.state, referral.waiting_since, now):
            try:
                _transition(referral, Action.EXPIRE, None, values={"closed_at": now})
            except Conflict:
                continue
            queued += int(messages.tell_sender(referral))
        elif rules.remind_due(referral.state, referral.waiting_since, referral.reminded_at, now):
            referral.reminded_at = now
            record("referral.remind", "referral", referral.id,
                   organisation_id=referral.from_organisation_id,
                   detail={"household": referral.household_id})  # fmt: skip
            token = make_token(referral) if referral.external else ""
            queued += messages.tell_receiver(referral, "remind", token)
        db.session.commit()
    return queued
