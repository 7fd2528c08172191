"""The words shared by households, prescriptions and programme files. Pure module.

One source for each list: the models store these values, the programme YAML files use
them, the forms and templates read their French labels from here.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.marking import N_


class Status(StrEnum):
    """Social statuses a prescriber attests (DOMAIN.md section 3)."""

    RSA = "rsa"
    AAH = "aah"
    ASS = "ass"
    ASPA = "aspa"
    CSS = "css"
    PRIME_ACTIVITE = "prime_activite"
    JOB_SEEKER = "job_seeker"
    BURSARY_STUDENT = "bursary_student"
    QPV_RESIDENT = "qpv_resident"
    PRE_FAMILY = "pre_family"
    SENIOR_60 = "senior_60"
    YOUNG_NEET = "young_neet"
    REFUGEE = "refugee"
    DOMICILIATION = "domiciliation"


STATUS_LABELS: dict[Status, str] = {
    Status.RSA: N_("RSA (revenu de solidarité active)"),
    Status.AAH: N_("AAH (allocation aux adultes handicapés)"),
    Status.ASS: N_("ASS (allocation de solidarité spécifique)"),
    Status.ASPA: N_("ASPA (minimum vieillesse)"),
    Status.CSS: N_("Complémentaire santé solidaire (CSS)"),
    Status.PRIME_ACTIVITE: N_("Prime d'activité"),
    Status.JOB_SEEKER: N_("Demandeur d'emploi"),
    Status.BURSARY_STUDENT: N_("Étudiant boursier"),
    Status.QPV_RESIDENT: N_("Habitant d'un quartier prioritaire (QPV)"),
    Status.PRE_FAMILY: N_("Famille suivie par le PRE (réussite éducative)"),
    Status.SENIOR_60: N_("Personne de 60 ans ou plus"),
    Status.YOUNG_NEET: N_("Jeune de 16 à 25 ans sans emploi, ni formation, ni études"),
    Status.REFUGEE: N_("Réfugié ou bénéficiaire de la protection internationale"),
    Status.DOMICILIATION: N_("Domiciliation (sans adresse stable)"),
}


class AttestationMethod(StrEnum):
    DECLARED = "declared"  # the prescriber's word (users often refuse to show documents)
    DOCUMENT_SEEN = "document_seen"


ATTESTATION_METHOD_LABELS: dict[AttestationMethod, str] = {
    AttestationMethod.DECLARED: N_("Sur la parole du prescripteur"),
    AttestationMethod.DOCUMENT_SEEN: N_("Justificatif vu"),
}


class DeviceType(StrEnum):
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    TABLET = "tablet"
    SMARTPHONE = "smartphone"


DEVICE_TYPE_LABELS: dict[DeviceType, str] = {
    DeviceType.LAPTOP: N_("Ordinateur portable"),
    DeviceType.DESKTOP: N_("Ordinateur fixe"),
    DeviceType.TABLET: N_("Tablette"),
    DeviceType.SMARTPHONE: N_("Smartphone"),
}

COMPUTERS = frozenset({DeviceType.LAPTOP, DeviceType.DESKTOP})


class Purpose(StrEnum):
    SCHOOL = "school"
    JOB_SEARCH = "job_search"
    ONLINE_PROCEDURES = "online_procedures"
    TRAINING = "training"
    KEEPING_IN_TOUCH = "keeping_in_touch"


PURPOSE_LABELS: dict[Purpose, str] = {
    Purpose.SCHOOL: N_("École, devoirs"),
    Purpose.JOB_SEARCH: N_("Recherche d'emploi"),
    Purpose.ONLINE_PROCEDURES: N_("Démarches en ligne (CAF, impôts, santé)"),
    Purpose.TRAINING: N_("Formation"),
    Purpose.KEEPING_IN_TOUCH: N_("Garder le contact avec ses proches"),
}


class ContactChannel(StrEnum):
    SMS = "sms"
    PHONE = "phone"
    EMAIL = "email"
    POST = "post"


CONTACT_CHANNEL_LABELS: dict[ContactChannel, str] = {
    ContactChannel.SMS: N_("SMS"),
    ContactChannel.PHONE: N_("Appel téléphonique"),
    ContactChannel.EMAIL: N_("E-mail"),
    ContactChannel.POST: N_("Courrier"),
}


class Connection(StrEnum):
    """Internet access at home today."""

    BOX = "box"
    MOBILE = "mobile"
    BOX_AND_MOBILE = "box_and_mobile"
    NONE = "none"


CONNECTION_LABELS: dict[Connection, str] = {
    Connection.BOX: N_("Box internet"),
    Connection.MOBILE: N_("Forfait mobile seulement"),
    Connection.BOX_AND_MOBILE: N_("Box et forfait mobile"),
    Connection.NONE: N_("Aucune connexion"),
}


class Grade(StrEnum):
    """Emmaüs Connect's grid (DOMAIN.md section 4), from best to worst sellable."""

    PREMIUM = "PREMIUM"
    A = "A"
    B = "B"
    C = "C"
    HC = "HC"


class Commitment(StrEnum):
    """What a person may promise in exchange for a device (e.g. 004:18: take the Pix test)."""

    PIX_TEST = "pix_test"
    TRAINING = "training"


COMMITMENT_LABELS: dict[Commitment, str] = {
    Commitment.PIX_TEST: N_("passer le test Pix"),
    Commitment.TRAINING: N_("suivre un atelier de prise en main"),
}
