"""Demo households and prescriptions (idempotent): one per situation the programmes cover.

The people are invented; the places and programmes come from the field studies.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.accounts.demo import DemoContext
from app.core.clock import today, told_at, utcnow
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
from app.households import services
from app.households.models import Household

DOC = AttestationMethod.DOCUMENT_SEEN

# (prescriber e-mail, household input, prescription or None)
# prescription: (programme, device, association slug, purposes, commitments, final state)
DEMO: list[tuple[str, services.HouseholdInput, tuple[Any, ...] | None]] = [
    (
        "prescripteur@ccas-metz.local",
        services.HouseholdInput(
            reference_name="Fatima B.",
            reference_age=38,
            other_ages=(9, 13),
            commune="Metz",
            postcode="57070",
            qpv=True,
            statuses=(Status.PRE_FAMILY, Status.RSA),
            attestation_method=DOC,
            has_smartphone=True,
            connection=Connection.MOBILE,
            telecom_spend_eur=35,
            phone="06 12 34 56 01",
            consent=True,
        ),
        (
            "pre-pret-ordinateur",
            DeviceType.LAPTOP,
            "atelier-metz",
            (Purpose.SCHOOL,),
            (),
            "validated",
        ),
    ),
    (
        "prescripteur@ccas-metz.local",
        services.HouseholdInput(
            reference_name="Jean-Claude P.",
            reference_age=67,
            commune="Metz",
            postcode="57000",
            statuses=(Status.ASPA, Status.SENIOR_60),
            connection=Connection.NONE,
            contact_channel=ContactChannel.PHONE,
            phone="03 87 12 34 02",
            consent=True,
        ),
        (
            # The CCAS de Metz's own aid is still a draft (002:1559: "envisage"): the
            # solidarity price meanwhile.
            "prix-solidaires",
            DeviceType.SMARTPHONE,
            "atelier-metz",
            (Purpose.ONLINE_PROCEDURES, Purpose.KEEPING_IN_TOUCH),
            (),
            "submitted",
        ),
    ),
    (
        "prescripteur@ccas-metz.local",
        services.HouseholdInput(
            reference_name="Kevin L.",
            reference_age=19,
            commune="Metz",
            postcode="57050",
            statuses=(Status.YOUNG_NEET,),
            connection=Connection.NONE,
            phone="07 12 34 56 03",
            consent=True,
        ),
        (
            "mission-locale-pays-messin-pret",
            DeviceType.LAPTOP,
            "atelier-metz",
            (Purpose.JOB_SEARCH,),
            (),
            "draft",
        ),
    ),
    (
        "prescripteur@mds-amiens.local",
        services.HouseholdInput(
            reference_name="Aïcha D.",
            reference_age=45,
            other_ages=(4, 11, 15),
            commune="Amiens",
            postcode="80080",
            qpv=True,
            statuses=(Status.PRE_FAMILY, Status.CSS),
            has_smartphone=True,
            connection=Connection.MOBILE,
            telecom_spend_eur=25,
            phone="06 12 34 56 04",
            consent=True,
        ),
        (
            # The PRE scheme of the studies is Metz's (002:1500): in Amiens, a solidarity price.
            "prix-solidaires",
            DeviceType.LAPTOP,
            "ressourcerie-amiens",
            (Purpose.SCHOOL,),
            (),
            "submitted",
        ),
    ),
    (
        "prescripteur@mds-amiens.local",
        services.HouseholdInput(
            reference_name="Rachid K.",
            reference_age=52,
            commune="Amiens",
            postcode="80000",
            statuses=(Status.JOB_SEEKER, Status.CSS),
            has_smartphone=True,
            connection=Connection.MOBILE,
            telecom_spend_eur=20,
            phone="06 12 34 56 05",
            email="rachid.k@example.org",
            consent=True,
        ),
        (
            "prix-solidaires",
            DeviceType.LAPTOP,
            "ressourcerie-amiens",
            (Purpose.JOB_SEARCH,),
            (),
            "refused",
        ),
    ),
    (
        "prescripteur@fs-chartres.local",
        services.HouseholdInput(
            reference_name="Sandrine M.",
            reference_age=41,
            other_ages=(10,),
            # The 15 EUR computer is the Département's experiment in Châteaudun and
            # Nogent-le-Rotrou (004:18): the France Services of Chartres prescribes for both.
            commune="Châteaudun",
            postcode="28200",
            statuses=(Status.RSA,),
            has_smartphone=True,
            connection=Connection.MOBILE,
            telecom_spend_eur=30,
            phone="06 12 34 56 06",
            consent=True,
        ),
        (
            "rsa-ordinateur-15",
            DeviceType.LAPTOP,
            "atelier-metz",
            (Purpose.ONLINE_PROCEDURES, Purpose.SCHOOL),
            (Commitment.PIX_TEST,),
            "validated",
        ),
    ),
    (
        # Her RSA attestation has expired: "almost eligible" until it is renewed.
        "prescripteur@fs-chartres.local",
        services.HouseholdInput(
            reference_name="Louis G.",
            reference_age=58,
            commune="Nogent-le-Rotrou",
            postcode="28400",
            statuses=(Status.RSA,),
            connection=Connection.NONE,
            contact_channel=ContactChannel.POST,
            postal_address="3 rue de la Gare, 28400 Nogent-le-Rotrou",
            consent=True,
        ),
        None,
    ),
]

MANAGERS = {
    "atelier-metz": "responsable@atelier-metz.local",
    "ressourcerie-amiens": "responsable@ressourcerie-amiens.local",
}


def seed(ctx: DemoContext) -> None:
    db.session.commit()
    for rank, (email, data, prescription) in enumerate(DEMO):
        # Spread over the past weeks (issue 18): recorded, then the prescription sent the
        # next day, answered the day after; the handovers (loans demo) come later.
        recorded = utcnow().replace(microsecond=0) - timedelta(days=40 - 3 * rank, hours=3)
        prescriber = ctx.users[email]
        exists = db.session.scalar(
            select(Household.id).where(
                Household.organisation_id == prescriber.organisation_id,
                Household.reference_name == data.reference_name,
            )
        )
        if exists:
            continue
        with told_at(recorded):
            household = services.create_household(data, prescriber)
        if data.reference_name == "Louis G.":
            for attestation in household.attestations:
                attestation.attested_on = today() - timedelta(days=400)
                attestation.valid_until = today() - timedelta(days=35)
            db.session.commit()
        if prescription is None:
            continue
        code, device, association, purposes, commitments, state = prescription
        with told_at(recorded):
            made = services.create_prescription(
                household,
                services.PrescriptionInput(
                    programme_code=code,
                    association_org_id=ctx.orgs[association].id,
                    device_type=device,
                    purposes=purposes,
                    commitments=commitments,
                    justification="",
                ),
                prescriber,
            )
        if state == "draft":
            continue
        with told_at(recorded + timedelta(days=1)):
            services.submit_prescription(made, prescriber)
        manager = ctx.users[MANAGERS[association]]
        with told_at(recorded + timedelta(days=2)):
            _decide(made, manager, state)


def _decide(made: Any, manager: Any, state: str) -> None:
    if state == "validated":
        services.validate_prescription(made, manager)
    elif state == "refused":
        services.refuse_prescription(
            made,
            manager,
            "Plus d'ordinateur portable en stock avant deux mois : "
            "un ordinateur fixe est possible tout de suite.",
        )
