"""The words shared by households, prescriptions and programme files. Pure module.

One source for each list: the models store these values, the programme YAML files use
them, the forms and templates read their French labels from here.
"""

from __future__ import annotations

from enum import StrEnum


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
    Status.RSA: "RSA (revenu de solidarité active)",
    Status.AAH: "AAH (allocation aux adultes handicapés)",
    Status.ASS: "ASS (allocation de solidarité spécifique)",
    Status.ASPA: "ASPA (minimum vieillesse)",
    Status.CSS: "Complémentaire santé solidaire (CSS)",
    Status.PRIME_ACTIVITE: "Prime d'activité",
    Status.JOB_SEEKER: "Demandeur d'emploi",
    Status.BURSARY_STUDENT: "Étudiant boursier",
    Status.QPV_RESIDENT: "Habitant d'un quartier prioritaire (QPV)",
    Status.PRE_FAMILY: "Famille suivie par le PRE (réussite éducative)",
    Status.SENIOR_60: "Personne de 60 ans ou plus",
    Status.YOUNG_NEET: "Jeune de 16 à 25 ans sans emploi, ni formation, ni études",
    Status.REFUGEE: "Réfugié ou bénéficiaire de la protection internationale",
    Status.DOMICILIATION: "Domiciliation (sans adresse stable)",
}


class AttestationMethod(StrEnum):
    DECLARED = "declared"  # the prescriber's word (users often refuse to show documents)
    DOCUMENT_SEEN = "document_seen"


ATTESTATION_METHOD_LABELS: dict[AttestationMethod, str] = {
    AttestationMethod.DECLARED: "Sur la parole du prescripteur",
    AttestationMethod.DOCUMENT_SEEN: "Justificatif vu",
}


class DeviceType(StrEnum):
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    TABLET = "tablet"
    SMARTPHONE = "smartphone"


DEVICE_TYPE_LABELS: dict[DeviceType, str] = {
    DeviceType.LAPTOP: "Ordinateur portable",
    DeviceType.DESKTOP: "Ordinateur fixe",
    DeviceType.TABLET: "Tablette",
    DeviceType.SMARTPHONE: "Smartphone",
}

COMPUTERS = frozenset({DeviceType.LAPTOP, DeviceType.DESKTOP})


class Purpose(StrEnum):
    SCHOOL = "school"
    JOB_SEARCH = "job_search"
    ONLINE_PROCEDURES = "online_procedures"
    TRAINING = "training"
    KEEPING_IN_TOUCH = "keeping_in_touch"


PURPOSE_LABELS: dict[Purpose, str] = {
    Purpose.SCHOOL: "École, devoirs",
    Purpose.JOB_SEARCH: "Recherche d'emploi",
    Purpose.ONLINE_PROCEDURES: "Démarches en ligne (CAF, impôts, santé)",
    Purpose.TRAINING: "Formation",
    Purpose.KEEPING_IN_TOUCH: "Garder le contact avec ses proches",
}


class ContactChannel(StrEnum):
    SMS = "sms"
    PHONE = "phone"
    EMAIL = "email"
    POST = "post"


CONTACT_CHANNEL_LABELS: dict[ContactChannel, str] = {
    ContactChannel.SMS: "SMS",
    ContactChannel.PHONE: "Appel téléphonique",
    ContactChannel.EMAIL: "E-mail",
    ContactChannel.POST: "Courrier",
}


class Connection(StrEnum):
    """Internet access at home today."""

    BOX = "box"
    MOBILE = "mobile"
    BOX_AND_MOBILE = "box_and_mobile"
    NONE = "none"


CONNECTION_LABELS: dict[Connection, str] = {
    Connection.BOX: "Box internet",
    Connection.MOBILE: "Forfait mobile seulement",
    Connection.BOX_AND_MOBILE: "Box et forfait mobile",
    Connection.NONE: "Aucune connexion",
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
    Commitment.PIX_TEST: "passer le test Pix",
    Commitment.TRAINING: "suivre un atelier de prise en main",
}
