"""A household in two minutes: what is asked, checked and kept (the minimum of personal
data), every change journalled by the names of the fields, never their values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.audit.services import record
from app.authz.policy import OrgKind, Role
from app.core.clock import today, utcnow
from app.core.errors import DomainError
from app.core.i18n import language_names
from app.core.i18n import translate as _
from app.eligibility.vocabulary import (
    AttestationMethod,
    Connection,
    ContactChannel,
    Status,
)
from app.extensions import db
from app.households.models import (
    ConsentBasis,
    Household,
    HouseholdMember,
    StatusAttestation,
)

MAX_AGE = 120
MAX_MEMBERS = 20

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
    language: str = "fr"  # its messages' language: a code of LANGUAGES
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
    if data.language not in language_names():
        raise DomainError(_("Choisissez une langue de la liste."), field="language")
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
    "language",
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
        language=household.language,
        phone=household.phone,
        email=household.email,
        postal_address=household.postal_address,
        consent=True,
        consent_basis=household.consent_basis,
    )
