"""Households and prescriptions: the actions. Each one checks, writes the journal and commits.

Who sees a household (DOMAIN.md section 9): the prescribing organisation that recorded it,
and an association only through a prescription sent to it. Every read and change of
household data is journalled (object_type "household").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation, User
from app.audit.services import record
from app.authz.guards import can
from app.authz.policy import OrgKind, Permission, Role
from app.core.clock import today, utcnow
from app.core.converters import page_number
from app.core.errors import Conflict, DomainError, NotFound
from app.eligibility import catalogue, display
from app.eligibility.engine import Decision, Eligibility, evaluate, evaluate_all
from app.eligibility.envelopes import envelope_usage
from app.eligibility.facts import Facts, Proof, QuotaUse, StatusFact
from app.eligibility.models import EnvelopeClaim, EnvelopeCounter
from app.eligibility.programme import EnvelopeUse, Resolver, quota_period
from app.eligibility.vocabulary import (
    AttestationMethod,
    Commitment,
    Connection,
    ContactChannel,
    DeviceType,
    Purpose,
    Status,
)
from app.extensions import db
from app.households import notices, routing_service
from app.households.lifecycle import (
    STATE_LABELS,
    Action,
    PrescriptionState,
    TransitionError,
    next_state,
)
from app.households.models import (
    ConsentBasis,
    Household,
    HouseholdMember,
    Prescription,
    QuotaClaim,
    StatusAttestation,
)
from app.notify.models import Channel, OutboundMessage


def _(text: str, **values: Any) -> str:
    """French text for people, translated in a request; as written from the command line
    (expiry, demo data), where there is no session to choose a language from."""
    if has_request_context():
        return str(gettext(text, **values))
    return text % values if values else text


MAX_AGE = 120
MAX_MEMBERS = 20
# A validated prescription not collected after this many days expires (the device goes
# back to the pool); a submitted one the association never answered, likewise.
VALIDATED_DAYS = 90
SUBMITTED_DAYS = 60


# ------------------------------------------------------------------------- access


def association_sees(household_id: int, org_id: int | None) -> bool:
    """An association sees a household only through a prescription sent to it."""
    if org_id is None:
        return False
    found = db.session.scalar(
        select(Prescription.id)
        .where(
            Prescription.household_id == household_id,
            Prescription.association_org_id == org_id,
            Prescription.state != PrescriptionState.DRAFT,
        )
        .limit(1)
    )
    return found is not None


def household_record_org(household: Household, user: Any) -> int:
    """The organisation the policy should compare with the user's for this household."""
    if user.organisation_id != household.organisation_id and association_sees(
        household.id, user.organisation_id
    ):
        return int(user.organisation_id)
    return household.organisation_id


def may_read_household(household: Household, user: Any) -> bool:
    return can(Permission.HOUSEHOLD_READ, household_record_org(household, user))


def may_write_household(household: Household) -> bool:
    return can(Permission.HOUSEHOLD_WRITE, household.organisation_id)


def may_read_prescription(prescription: Prescription, user: Any) -> bool:
    if can(Permission.PRESCRIPTION_SUBMIT, prescription.prescriber_org_id):
        return True
    if prescription.state is PrescriptionState.DRAFT and user.role is not Role.ADMIN:
        return False  # a draft is the prescriber's own until sent
    return can(Permission.HOUSEHOLD_READ, prescription.association_org_id) and (
        user.role is Role.ADMIN or user.organisation_id == prescription.association_org_id
    )


def get_household(
    household_id: int, user: Any, *, write: bool = False, journal: bool | None = None
) -> Household:
    """The household, or NotFound when it does not exist or is not the user's to see.

    The read is journalled (by default when reading, not when about to write: the change
    is journalled then): every read of household data leaves a trace.
    """
    household = db.session.get(Household, household_id)
    if household is None or household.anonymised_at is not None:
        raise NotFound(_("Foyer introuvable."))
    allowed = may_write_household(household) if write else may_read_household(household, user)
    if not allowed:
        raise NotFound(_("Foyer introuvable."))
    if journal if journal is not None else not write:
        record(
            "household.read",
            "household",
            household.id,
            organisation_id=user.organisation_id,
            actor=user,
        )
        db.session.commit()
    return household


def get_prescription(prescription_id: int, user: Any, *, journal: bool = False) -> Prescription:
    """The prescription, or NotFound; with ``journal``, the read of the household data it
    shows is journalled."""
    prescription = db.session.get(Prescription, prescription_id)
    if prescription is None or not may_read_prescription(prescription, user):
        raise NotFound(_("Prescription introuvable."))
    if journal:
        record(
            "household.read",
            "household",
            prescription.household_id,
            detail={"prescription": prescription.id},
            organisation_id=user.organisation_id,
            actor=user,
        )
        db.session.commit()
    return prescription


def households_for(
    user: Any, query: str = "", page: int = 1, per_page: int = 25
) -> list[Household]:
    """The households the user may see, most recent first; the listing is journalled."""
    stmt = select(Household).where(Household.anonymised_at.is_(None))
    if user.role is not Role.ADMIN:
        via_prescription = select(Prescription.household_id).where(
            Prescription.association_org_id == user.organisation_id,
            Prescription.state != PrescriptionState.DRAFT,
        )
        stmt = stmt.where(
            or_(
                Household.organisation_id == user.organisation_id,
                Household.id.in_(via_prescription),
            )
        )
    if query.strip():
        like = f"%{query.strip()}%"
        stmt = stmt.where(
            or_(
                Household.reference_name.ilike(like),
                Household.commune.ilike(like),
                Household.postcode.ilike(like),
            )
        )
    page = page_number(page)
    ids = list(
        db.session.scalars(
            stmt.with_only_columns(Household.id)
            .order_by(Household.updated_at.desc(), Household.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    record(
        "household.list",
        "household",
        "",
        detail={"count": min(len(ids), per_page), "query": bool(query.strip())},
        actor=user,
    )
    db.session.commit()
    # Loaded after the commit (which expires what the session holds), with what the list
    # shows: one query per relationship instead of one per household and row.
    found = {
        h.id: h
        for h in db.session.scalars(
            select(Household)
            .where(Household.id.in_(ids))
            .options(selectinload(Household.members), selectinload(Household.attestations))
        )
    }
    return [found[i] for i in ids if i in found]


def prescriptions_for(
    user: Any, states: Iterable[PrescriptionState] | None = None, limit: int = 200
) -> list[Prescription]:
    """A prescriber's organisation's prescriptions, or those sent to an association."""
    stmt = select(Prescription)
    if user.role is not Role.ADMIN:
        stmt = stmt.where(
            or_(
                Prescription.prescriber_org_id == user.organisation_id,
                (Prescription.association_org_id == user.organisation_id)
                & (Prescription.state != PrescriptionState.DRAFT),
            )
        )
    if states is not None:
        stmt = stmt.where(Prescription.state.in_(list(states)))
    return list(db.session.scalars(stmt.order_by(Prescription.id.desc()).limit(limit)))


def associations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.ASSOCIATION, Organisation.active.is_(True))
            .order_by(Organisation.name)
        )
    )


# ------------------------------------------------------------------------- households


@dataclass(frozen=True)
class HouseholdInput:
    """What the household form (or the API) gives; checked by ``_check``."""

    reference_name: str
    reference_age: int | None = None
    other_ages: tuple[int, ...] = ()
    commune: str = ""
    postcode: str = ""
    qpv: bool = False
    statuses: tuple[Status, ...] = ()
    attestation_method: AttestationMethod = AttestationMethod.DECLARED
    attestation_valid_until: date | None = None
    has_computer: bool = False
    has_smartphone: bool = False
    has_tablet: bool = False
    connection: Connection = Connection.NONE
    telecom_spend_eur: int | None = None
    contact_channel: ContactChannel = ContactChannel.SMS
    phone: str = ""
    email: str = ""
    postal_address: str = ""
    consent: bool = False
    consent_basis: ConsentBasis = ConsentBasis.CONSENT


def parse_ages(text: str) -> tuple[int, ...]:
    """'8, 12 et 40' -> (8, 12, 40); DomainError on anything else."""
    cleaned = text.replace(";", ",").replace(" et ", ",").replace("/", ",")
    ages = []
    for part in cleaned.split(","):
        part = part.strip().lower().removesuffix("ans").removesuffix("an").strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > MAX_AGE:
            raise DomainError(
                _("Écrivez des âges en chiffres, séparés par des virgules (ex. : 8, 12)."),
                field="other_ages",
            )
        ages.append(int(part))
    return tuple(ages)


def _check(data: HouseholdInput) -> None:
    if not data.reference_name.strip():
        raise DomainError(_("Indiquez comment appeler la personne."), field="reference_name")
    if data.reference_age is not None and not 0 <= data.reference_age <= MAX_AGE:
        raise DomainError(_("Âge impossible."), field="reference_age")
    if len(data.other_ages) + 1 > MAX_MEMBERS:
        raise DomainError(_("Trop de personnes pour un foyer."), field="other_ages")
    postcode = data.postcode.strip()
    if postcode and not (len(postcode) == 5 and postcode[:2].isalnum() and postcode[2:].isdigit()):
        raise DomainError(_("Un code postal a 5 chiffres (ex. : 57000)."), field="postcode")
    if (
        data.contact_channel in (ContactChannel.SMS, ContactChannel.PHONE)
        and not data.phone.strip()
    ):
        raise DomainError(
            _("Indiquez un numéro de téléphone, ou choisissez un autre moyen de contact."),
            field="phone",
        )
    if data.contact_channel is ContactChannel.EMAIL and not data.email.strip():
        raise DomainError(
            _("Indiquez une adresse e-mail, ou choisissez un autre moyen de contact."),
            field="email",
        )
    if data.contact_channel is ContactChannel.POST and not data.postal_address.strip():
        raise DomainError(
            _("Indiquez l'adresse postale, ou choisissez un autre moyen de contact."),
            field="postal_address",
        )
    if data.telecom_spend_eur is not None and not 0 <= data.telecom_spend_eur <= 1000:
        raise DomainError(_("Montant impossible."), field="telecom_spend_eur")
    if not data.consent:
        raise DomainError(
            _(
                "La personne doit être informée et d'accord (ou la mission de service public "
                "s'applique) avant d'enregistrer ses informations."
            ),
            field="consent",
        )
    if data.attestation_valid_until is not None and data.attestation_valid_until < today():
        raise DomainError(
            _("La date de fin de validité est déjà passée."), field="attestation_valid_until"
        )


_FIELDS = (
    "reference_name",
    "commune",
    "postcode",
    "qpv",
    "has_computer",
    "has_smartphone",
    "has_tablet",
    "connection",
    "telecom_spend_eur",
    "contact_channel",
    "phone",
    "email",
    "postal_address",
)


def _apply(household: Household, data: HouseholdInput) -> list[str]:
    """Copy the form onto the household; returns the names of the fields that changed."""
    changed = []
    for name in _FIELDS:
        value = getattr(data, name)
        if isinstance(value, str):
            value = value.strip()
        if getattr(household, name) != value:
            setattr(household, name, value)
            changed.append(name)
    return changed


def _set_members(household: Household, data: HouseholdInput) -> bool:
    on = today()
    current_ref = [m.age_on(on) for m in household.members if m.is_reference]
    current_others = sorted(m.age_on(on) for m in household.members if not m.is_reference)
    ref = [data.reference_age] if data.reference_age is not None else []
    if current_ref == ref and current_others == sorted(data.other_ages) and household.members:
        return False
    household.members.clear()
    if data.reference_age is not None:
        household.members.append(
            HouseholdMember(is_reference=True, age=data.reference_age, age_recorded_on=on)
        )
    for age in data.other_ages:
        household.members.append(HouseholdMember(is_reference=False, age=age, age_recorded_on=on))
    return True


def _set_statuses(household: Household, data: HouseholdInput, actor: Any) -> list[str]:
    """Attest the ticked statuses (who, how, when, until when); untick removes."""
    on = today()
    current = {a.status: a for a in household.attestations}
    wanted = set(data.statuses)
    changes = []
    for status, attestation in list(current.items()):
        if status not in wanted:
            household.attestations.remove(attestation)
            changes.append(f"-{status.value}")
    for status in data.statuses:
        attestation = current.get(status)
        if attestation is None:
            household.attestations.append(
                StatusAttestation(
                    status=status,
                    method=data.attestation_method,
                    attested_by_id=getattr(actor, "id", None),
                    attested_on=on,
                    valid_until=data.attestation_valid_until,
                )
            )
            changes.append(f"+{status.value}")
        elif (
            attestation.method is not data.attestation_method
            or attestation.valid_until != data.attestation_valid_until
            or not attestation.valid_on(on)
        ):
            # Attested again today, by this prescriber, in this way.
            attestation.method = data.attestation_method
            attestation.valid_until = data.attestation_valid_until
            attestation.attested_on = on
            attestation.attested_by_id = getattr(actor, "id", None)
            changes.append(f"~{status.value}")
    return changes


def create_household(data: HouseholdInput, actor: Any) -> Household:
    _check(data)
    if actor.role is not Role.ADMIN and actor.organisation.kind is not OrgKind.PRESCRIBER:
        raise DomainError(_("Seule une structure prescriptrice enregistre des foyers."))
    now = utcnow()
    household = Household(
        organisation_id=actor.organisation_id,
        reference_name="",
        consent_basis=data.consent_basis,
        consent_at=now,
        consent_by_id=actor.id,
        created_by_id=actor.id,
        last_activity_at=now,
    )
    _apply(household, data)
    _set_members(household, data)
    db.session.add(household)
    statuses = _set_statuses(household, data, actor)
    db.session.flush()
    record(
        "household.create",
        "household",
        household.id,
        detail={"statuses": statuses, "consent": data.consent_basis.value},
        actor=actor,
    )
    db.session.commit()
    return household


def update_household(household: Household, data: HouseholdInput, actor: Any) -> list[str]:
    """Returns what changed (field names, +/-/~ statuses); journalled without the values."""
    _check(data)
    changed = _apply(household, data)
    if _set_members(household, data):
        changed.append("members")
    statuses = _set_statuses(household, data, actor)
    if household.consent_basis is not data.consent_basis:
        household.consent_basis = data.consent_basis
        household.consent_at = utcnow()
        household.consent_by_id = actor.id
        changed.append("consent")
    household.last_activity_at = utcnow()
    record(
        "household.update",
        "household",
        household.id,
        detail={"fields": changed, "statuses": statuses},
        actor=actor,
    )
    db.session.commit()
    return changed + statuses


def input_from(household: Household) -> HouseholdInput:
    """The household as form data (to prefill the edit form)."""
    on = today()
    ref = next((m for m in household.members if m.is_reference), None)
    attestations = household.attestations
    return HouseholdInput(
        reference_name=household.reference_name,
        reference_age=ref.age_on(on) if ref else None,
        other_ages=tuple(m.age_on(on) for m in household.members if not m.is_reference),
        commune=household.commune,
        postcode=household.postcode,
        qpv=household.qpv,
        statuses=tuple(a.status for a in attestations),
        attestation_method=attestations[0].method if attestations else AttestationMethod.DECLARED,
        attestation_valid_until=attestations[0].valid_until if attestations else None,
        has_computer=household.has_computer,
        has_smartphone=household.has_smartphone,
        has_tablet=household.has_tablet,
        connection=household.connection,
        telecom_spend_eur=household.telecom_spend_eur,
        contact_channel=household.contact_channel,
        phone=household.phone,
        email=household.email,
        postal_address=household.postal_address,
        consent=True,
        consent_basis=household.consent_basis,
    )


# ------------------------------------------------------------------------- eligibility


def facts_for(
    household: Household,
    on: date | None = None,
    *,
    commitments: Iterable[Commitment] | None = None,
) -> Facts:
    """The household as the engine sees it on a day (ages grown, quota used)."""
    on = on or today()
    claims = db.session.execute(
        select(QuotaClaim.quota_key, QuotaClaim.period).where(
            QuotaClaim.household_id == household.id
        )
    ).all()
    ref = next((m for m in household.members if m.is_reference), None)
    return Facts(
        statuses=tuple(
            StatusFact(
                a.status,
                Proof.DOCUMENT_SEEN
                if a.method is AttestationMethod.DOCUMENT_SEEN
                else Proof.DECLARED,
                a.attested_on,
                a.valid_until,
            )
            for a in household.attestations
        ),
        ages=tuple(household.ages_on(on)),
        reference_age=ref.age_on(on) if ref else None,
        postcode=household.postcode,
        commune=household.commune,
        qpv=household.qpv,
        has_computer=household.has_computer,
        has_smartphone=household.has_smartphone,
        has_tablet=household.has_tablet,
        quota_uses=tuple(QuotaUse(key, period) for key, period in claims),
        commitments=frozenset(commitments) if commitments is not None else None,
        size=max(household.size, 1),
    )


def _envelope_uses(on: date) -> dict[str, EnvelopeUse]:
    """What each programme's envelope has given in its period of ``on`` (the counters):
    a programme whose envelope is spent grants nothing more."""
    return {code: EnvelopeUse(grants, eur) for code, (grants, eur) in envelope_usage(on).items()}


def check_household(
    household: Household, need: DeviceType | None = None, on: date | None = None
) -> list[Decision]:
    """Every programme for this household, best offer first."""
    on = on or today()
    return evaluate_all(
        catalogue.programmes(on), facts_for(household, on), on, need, _envelope_uses(on)
    )


# ------------------------------------------------------------------------- prescriptions


@dataclass(frozen=True)
class PrescriptionInput:
    programme_code: str
    association_org_id: int
    device_type: DeviceType
    purposes: tuple[Purpose, ...] = ()
    justification: str = ""
    commitments: tuple[Commitment, ...] = field(default_factory=tuple)


def _decide(
    household: Household,
    programme_code: str,
    device_type: DeviceType,
    commitments: Iterable[Commitment],
) -> Decision:
    programme = catalogue.find(programme_code)
    if programme is None:
        raise DomainError(_("Programme inconnu."), field="programme_code")
    if device_type not in programme.device_types:
        raise DomainError(_("Ce programme ne fournit pas ce type d'appareil."), field="device_type")
    on = today()
    return evaluate(
        programme,
        facts_for(household, on, commitments=commitments),
        on,
        device_type,
        _envelope_uses(on).get(programme.code),
    )


def create_prescription(
    household: Household, data: PrescriptionInput, actor: Any, *, submit: bool = False
) -> Prescription:
    """A draft (or, with ``submit``, a prescription sent at once to the association)."""
    association = db.session.get(Organisation, data.association_org_id)
    if association is None or association.kind is not OrgKind.ASSOCIATION or not association.active:
        raise DomainError(_("Choisissez une association."), field="association_org_id")
    decision = _decide(household, data.programme_code, data.device_type, data.commitments)
    if submit and decision.eligibility is not Eligibility.ELIGIBLE:
        # Nothing is recorded: the form says what is missing and keeps what was chosen.
        commitment_missing = any(
            r.kind == "commitment" and r.met is False for r in decision.conditions
        )
        raise DomainError(
            _("Pas encore possible : %(reason)s", reason=display.reason_text(decision)),
            field="commitments" if commitment_missing else None,
        )
    prescription = Prescription(
        household_id=household.id,
        prescriber_org_id=household.organisation_id,
        association_org_id=association.id,
        prescriber_id=actor.id,
        programme_code=data.programme_code,
        programme_version=decision.programme.version or None,
        device_type=data.device_type,
        purposes=[p.value for p in data.purposes],
        justification=data.justification.strip(),
        outcome=decision.outcome_dict() or {},
        decision={**decision.as_dict(), "commitments": [c.value for c in data.commitments]},
    )
    db.session.add(prescription)
    household.last_activity_at = utcnow()
    db.session.flush()
    record(
        "prescription.create",
        "household",
        household.id,
        detail={"prescription": prescription.id, "programme": data.programme_code},
        actor=actor,
    )
    db.session.commit()
    if submit:
        submit_prescription(prescription, actor)
    return prescription


def _transition(
    prescription: Prescription,
    action: Action,
    actor: Any,
    *,
    reason: str = "",
    values: dict[str, Any] | None = None,
) -> PrescriptionState:
    """Move the prescription with a conditional UPDATE (the first write of the transaction):
    two people acting at once cannot both succeed."""
    try:
        target = next_state(prescription.state, action, reason=reason)
    except TransitionError as exc:
        raise Conflict(exc.message) from None
    source, version = prescription.state, prescription.version
    result = db.session.execute(
        update(Prescription)
        .where(
            Prescription.id == prescription.id,
            Prescription.state == source,
            Prescription.version == version,
        )
        .values(state=target, version=version + 1, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(
            _("Cette prescription vient d'être modifiée par quelqu'un d'autre. Rechargez la page.")
        )
    db.session.refresh(prescription)
    record(
        f"prescription.{action.value}",
        "household",
        prescription.household_id,
        detail={
            "prescription": prescription.id,
            "from": source.value,
            "to": target.value,
            **({"reason": reason} if reason else {}),
        },
        actor=actor,
        organisation_id=getattr(actor, "organisation_id", None) or prescription.prescriber_org_id,
    )
    _queue_state_email(prescription)
    return target


def _claim_quota(prescription: Prescription, household: Household, decision: Decision) -> None:
    """Take the household's place in the programme's quota: a row under a unique constraint.
    Two prescribers submitting at the same moment both try the same slot; one loses."""
    quota = decision.programme.quota()
    if quota is None:
        return
    on = decision.on
    period = quota_period(quota.per, on)
    limit = int(Resolver(decision.programme.parameters, on).value(quota.max))
    taken = set(
        db.session.scalars(
            select(QuotaClaim.slot).where(
                QuotaClaim.household_id == household.id,
                QuotaClaim.quota_key == quota.key,
                QuotaClaim.period == period,
            )
        )
    )
    free = next((slot for slot in range(1, limit + 1) if slot not in taken), None)
    if free is None:
        raise Conflict(_("Ce foyer a déjà reçu le maximum prévu par ce programme pour la période."))
    db.session.add(
        QuotaClaim(
            household_id=household.id,
            quota_key=quota.key,
            period=period,
            slot=free,
            prescription_id=prescription.id,
        )
    )
    db.session.flush()


def _claim_envelope(prescription: Prescription, decision: Decision) -> None:
    """Take one grant (and its euros) from the programme's envelope, if it has one: a
    conditional UPDATE of the period's counter, so that simultaneous submissions cannot
    give more than the envelope holds. Conflict when it is used up."""
    programme = decision.programme
    envelope = getattr(programme, "envelope", None)
    if envelope is None:
        return
    resolver = Resolver(programme.parameters, decision.on)

    def resolved(name: str) -> int | None:
        value = getattr(envelope, name, None)
        return None if value is None else int(resolver.value(value))

    max_grants, max_eur = resolved("max_grants"), resolved("max_eur")
    grant_eur = resolved("grant_eur") or 0
    period = quota_period(getattr(envelope, "per", "ever"), decision.on)
    here = (EnvelopeCounter.programme_code == programme.code, EnvelopeCounter.period == period)
    if db.session.scalar(select(EnvelopeCounter.id).where(*here)) is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    EnvelopeCounter(programme_code=programme.code, period=period, grants=0, eur=0)
                )
        except IntegrityError:
            pass  # a simultaneous submission created it
    stmt = update(EnvelopeCounter).where(*here)
    if max_grants is not None:
        stmt = stmt.where(EnvelopeCounter.grants + 1 <= max_grants)
    if max_eur is not None:
        stmt = stmt.where(EnvelopeCounter.eur + grant_eur <= max_eur)
    result = db.session.execute(
        stmt.values(
            grants=EnvelopeCounter.grants + 1, eur=EnvelopeCounter.eur + grant_eur
        ).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        used = db.session.scalar(select(EnvelopeCounter.grants).where(*here)) or 0
        raise Conflict(
            _(
                "L'enveloppe de ce programme est épuisée : %(used)s attribution(s) sur %(max)s.",
                used=used,
                max=max_grants if max_grants is not None else used,
            )
        )
    db.session.add(
        EnvelopeClaim(
            prescription_id=prescription.id,
            programme_code=programme.code,
            period=period,
            eur=grant_eur,
        )
    )
    db.session.flush()


def _release_envelope(prescription: Prescription) -> None:
    claim = db.session.scalar(
        select(EnvelopeClaim).where(EnvelopeClaim.prescription_id == prescription.id)
    )
    if claim is None:
        return
    db.session.execute(
        update(EnvelopeCounter)
        .where(
            EnvelopeCounter.programme_code == claim.programme_code,
            EnvelopeCounter.period == claim.period,
        )
        .values(grants=EnvelopeCounter.grants - 1, eur=EnvelopeCounter.eur - claim.eur)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(claim)


def _release_quota(prescription: Prescription) -> None:
    """Give back the household's quota place and the programme envelope's grant."""
    db.session.execute(delete(QuotaClaim).where(QuotaClaim.prescription_id == prescription.id))
    _release_envelope(prescription)


class _SlotTaken(Exception):
    """Another submission took the same quota slot at the same moment."""


# Losing a slot to a simultaneous submission: try again (the next free slot, or a clear
# "quota reached" once the winner's claim is visible).
SUBMIT_ATTEMPTS = 3


def submit_prescription(prescription: Prescription, actor: Any) -> Prescription:
    """Send to the association: checked again today, and the quota taken (race-safe)."""
    for _attempt in range(SUBMIT_ATTEMPTS):
        try:
            return _submit_once(prescription, actor)
        except _SlotTaken:
            continue
    raise Conflict(
        _(
            "D'autres prescriptions pour ce foyer arrivent en même temps. Rien n'a été "
            "envoyé : réessayez dans un instant."
        )
    )


def _submit_once(prescription: Prescription, actor: Any) -> Prescription:
    db.session.commit()  # nothing pending may ride along with the race-safe writes
    household = prescription.household
    commitments = [Commitment(c) for c in prescription.decision.get("commitments", [])]
    decision = _decide(
        household, prescription.programme_code, prescription.device_type, commitments
    )
    if decision.eligibility is not Eligibility.ELIGIBLE:
        raise DomainError(
            _("Pas encore possible : %(reason)s", reason=display.reason_text(decision))
        )
    now = utcnow()
    _transition(
        prescription,
        Action.SUBMIT,
        actor,
        values={
            "submitted_at": now,
            "programme_version": decision.programme.version or None,
            "outcome": decision.outcome_dict() or {},
            "decision": {**decision.as_dict(), "commitments": [c.value for c in commitments]},
        },
    )
    try:
        _claim_quota(prescription, household, decision)
        _claim_envelope(prescription, decision)
    except IntegrityError:
        db.session.rollback()
        raise _SlotTaken from None
    except Conflict:
        db.session.rollback()
        raise
    household.last_activity_at = now
    db.session.commit()
    return prescription


def validate_prescription(prescription: Prescription, actor: Any) -> Prescription:
    db.session.commit()
    _transition(
        prescription,
        Action.VALIDATE,
        actor,
        values={"decided_at": utcnow(), "decided_by_id": actor.id},
    )
    notices.queue_validated(prescription)  # the household, by the channel it chose
    db.session.commit()
    return prescription


def refuse_prescription(prescription: Prescription, actor: Any, reason: str) -> Prescription:
    db.session.commit()
    _transition(
        prescription,
        Action.REFUSE,
        actor,
        reason=reason,
        values={
            "decided_at": utcnow(),
            "decided_by_id": actor.id,
            "refusal_reason": reason.strip(),
            "closed_at": utcnow(),
        },
    )
    _release_quota(prescription)
    db.session.commit()
    return prescription


def cancel_prescription(prescription: Prescription, actor: Any) -> Prescription:
    db.session.commit()
    _transition(prescription, Action.CANCEL, actor, values={"closed_at": utcnow()})
    _release_quota(prescription)
    db.session.commit()
    return prescription


def mark_fulfilled(
    prescription: Prescription, reference: str, actor: Any = None, *, commit: bool = False
) -> Prescription:
    """Called by loans and sales when the device is handed over: validated -> fulfilled.

    ``reference`` says what fulfilled it, e.g. "loan:12" or "sale:7". Runs inside the
    caller's transaction (no commit unless asked); raises Conflict if the prescription is
    not validated any more (cancelled, expired, or fulfilled by someone else meanwhile).
    """
    _transition(
        prescription,
        Action.FULFIL,
        actor,
        values={"closed_at": utcnow(), "fulfilled_by": reference[:60]},
    )
    if commit:
        db.session.commit()
    return prescription


def expire_stale(now: datetime | None = None) -> int:
    """Expire prescriptions left too long (validated and never collected, or never
    answered). Releases their quota. Returns how many expired."""
    now = now or utcnow()
    stale = list(
        db.session.scalars(
            select(Prescription).where(
                or_(
                    (Prescription.state == PrescriptionState.VALIDATED)
                    & (Prescription.decided_at < now - timedelta(days=VALIDATED_DAYS)),
                    (Prescription.state == PrescriptionState.SUBMITTED)
                    & (Prescription.submitted_at < now - timedelta(days=SUBMITTED_DAYS)),
                )
            )
        )
    )
    count = 0
    for prescription in stale:
        try:
            _transition(prescription, Action.EXPIRE, None, values={"closed_at": now})
        except Conflict:
            continue
        _release_quota(prescription)
        db.session.commit()
        count += 1
    return count


def _prescription_url(prescription: Prescription) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if base:
        return base.rstrip("/") + f"/prescriptions/{prescription.id}"
    if has_request_context():
        return url_for(
            "households.prescription_detail", prescription_id=prescription.id, _external=True
        )
    return f"/prescriptions/{prescription.id}"


def _queue_state_email(prescription: Prescription) -> None:
    """Tell the prescriber by e-mail, in the same transaction as the change (outbox).

    The message says no more about the household than its prescription number."""
    if prescription.state is PrescriptionState.DRAFT or prescription.prescriber_id is None:
        return
    prescriber = db.session.get(User, prescription.prescriber_id)
    if prescriber is None or not prescriber.email:
        return
    key = f"prescription:{prescription.id}:{prescription.state.value}"
    if db.session.scalar(select(OutboundMessage.id).where(OutboundMessage.key == key)):
        return
    # In the prescriber's language, also from the command line (no request, no session).
    with force_locale(prescriber.locale or "fr"):
        subject, body = _state_email(prescription)
    db.session.add(
        OutboundMessage(
            key=key,
            channel=Channel.EMAIL,
            recipient=prescriber.email,
            subject=subject,
            body=body,
            due_at=utcnow(),
            organisation_id=prescription.prescriber_org_id,
            object_type="prescription",
            object_id=str(prescription.id),
        )
    )


def _told(text: str, **values: Any) -> str:
    """gettext in the language ``force_locale`` chose, with or without a request (``_``
    writes French outside one: ``flask reminders send`` expires prescriptions too)."""
    return str(gettext(text, **values))


def _state_email(prescription: Prescription) -> tuple[str, str]:
    _ = _told  # the prescriber's language (see _queue_state_email)
    programme = catalogue.for_prescription(
        prescription.programme_code, prescription.programme_version
    )
    name = programme.name if programme else prescription.programme_code
    state = _(STATE_LABELS[prescription.state]).lower()
    lines = [
        _("Bonjour,"),
        "",
        _(
            "La prescription n° %(id)s (%(programme)s) est maintenant : %(state)s.",
            id=prescription.id,
            programme=name,
            state=state,
        ),
    ]
    association = db.session.get(Organisation, prescription.association_org_id)
    if association is not None:  # where it went: the social worker can tell the family
        where = routing_service.address_line(association)
        if association.phone:
            where += ", " + _("tél. %(phone)s", phone=association.phone)
        lines.append(_("Association : %(where)s", where=where))
    if prescription.state is PrescriptionState.REFUSED and prescription.refusal_reason:
        lines.append(_("Raison donnée par l'association : %(r)s", r=prescription.refusal_reason))
    lines += [
        "",
        _("Voir la prescription : %(url)s", url=_prescription_url(prescription)),
        "",
        "Ordilien",
    ]
    subject = _("Prescription n° %(id)s : %(state)s", id=prescription.id, state=state)
    return subject, "\n".join(lines)
