"""The quick digital-skills diagnostic: ten plain-French questions -> a profile.

Pure module (no Flask, no SQLAlchemy). The questions are the everyday tasks of the Amiens
survey (DOMAIN.md section 7); each answer says whether the person does the task alone,
with help, or not at all. The result is a level per CRCN domain (0-5), a field level,
a path (Grenoble's three paths) and the catalogue themes to work on first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from app.core.marking import N_


class Answer(IntEnum):
    NEVER = 0  # "Non, je ne sais pas le faire"
    WITH_HELP = 1  # "Oui, avec de l'aide"
    ALONE = 2  # "Oui, tout seul"


class Domain(StrEnum):
    """The five CRCN domains (décret 2019-919)."""

    INFORMATION = "1"  # Informations et données
    COMMUNICATION = "2"  # Communication et collaboration
    CONTENT = "3"  # Création de contenu
    SAFETY = "4"  # Protection et sécurité
    ENVIRONMENT = "5"  # Environnement numérique


class Theme(StrEnum):
    """The 7-theme training catalogue (DOMAIN.md section 7), in catalogue order."""

    DISCOVER = "decouvrir"  # 1 découvrir les outils numériques
    ONLINE_PROCEDURES = "demarches"  # 2 faire ses démarches en ligne
    EMPLOYMENT = "emploi"  # 3 le numérique dans ma recherche d'emploi
    COMMUNICATE = "communiquer"  # 4 communiquer
    OFFICE = "bureautique"  # 5 utiliser la bureautique
    INFORM = "sinformer"  # 6 s'informer et se cultiver
    CREATE = "creer"  # 7 jouer et créer


class FieldLevel(StrEnum):
    BEGINNER_PLUS = "grand_debutant"
    BEGINNER = "debutant"
    INTERMEDIATE = "intermediaire"
    AUTONOMOUS = "autonome"


class Path(StrEnum):
    """Grenoble's three paths (002:2522)."""

    ASSISTANCE = "assistance"  # faire à la place
    ACCOMPANIED = "accompagnement"  # faire avec
    AUTONOMY = "autonomie"  # faire seul


@dataclass(frozen=True)
class Question:
    key: str
    text: str  # plain French, read aloud by the prescriber if needed; translated when shown
    domains: Mapping[Domain, int]  # weight of the task in each CRCN domain
    theme: Theme


QUESTIONS: tuple[Question, ...] = (
    Question(
        "device",
        N_("Allumer un ordinateur ou un téléphone et ouvrir une application"),
        {Domain.ENVIRONMENT: 2},
        Theme.DISCOVER,
    ),
    Question(
        "search",
        N_("Chercher une information sur internet (un horaire, une adresse)"),
        {Domain.INFORMATION: 2},
        Theme.INFORM,
    ),
    Question(
        "create_email",
        N_("Créer une adresse e-mail"),
        {Domain.COMMUNICATION: 1, Domain.SAFETY: 1},
        Theme.COMMUNICATE,
    ),
    Question(
        "use_mailbox",
        N_("Lire ses e-mails et en envoyer un"),
        {Domain.COMMUNICATION: 2},
        Theme.COMMUNICATE,
    ),
    Question(
        "attach_file",
        N_("Joindre un document ou une photo à un e-mail"),
        {Domain.INFORMATION: 1, Domain.CONTENT: 1},
        Theme.OFFICE,
    ),
    Question(
        "appointment",
        N_("Prendre un rendez-vous en ligne (médecin, mairie)"),
        {Domain.COMMUNICATION: 1, Domain.INFORMATION: 1},
        Theme.ONLINE_PROCEDURES,
    ),
    Question(
        "accounts",
        N_("Aller sur ses comptes en ligne (CAF, Ameli) avec son mot de passe"),
        {Domain.SAFETY: 2, Domain.ENVIRONMENT: 1},
        Theme.ONLINE_PROCEDURES,
    ),
    Question(
        "form",
        N_("Remplir un formulaire en ligne"),
        {Domain.CONTENT: 1, Domain.COMMUNICATION: 1},
        Theme.ONLINE_PROCEDURES,
    ),
    Question(
        "taxes",
        N_("Déclarer ses impôts en ligne"),
        {Domain.SAFETY: 1, Domain.INFORMATION: 1},
        Theme.ONLINE_PROCEDURES,
    ),
    Question(
        "job",
        N_("Écrire un CV ou répondre à une offre d'emploi en ligne"),
        {Domain.CONTENT: 2},
        Theme.EMPLOYMENT,
    ),
)

QUESTION_KEYS = tuple(q.key for q in QUESTIONS)
MAX_SCORE = 2 * len(QUESTIONS)


@dataclass(frozen=True)
class Result:
    """What the diagnostic says. ``score`` is out of ``MAX_SCORE``."""

    profile: dict[Domain, int]  # CRCN domain -> level 0..5
    score: int
    field_level: FieldLevel
    path: Path
    themes: tuple[Theme, ...]  # most needed first, at most 3


class DiagnosticError(ValueError):
    """An answer is missing or not one of the three choices."""


def parse_answers(raw: Mapping[str, object]) -> dict[str, Answer]:
    """Check that every question has one of the three answers (0, 1, 2)."""
    answers: dict[str, Answer] = {}
    for question in QUESTIONS:
        value = raw.get(question.key)
        try:
            answers[question.key] = Answer(int(str(value)))
        except (TypeError, ValueError):
            raise DiagnosticError(question.key) from None
    return answers


def field_level_for(score: int) -> FieldLevel:
    """Thresholds on the 0-20 score: mostly "no" -> grand débutant, mostly "alone" -> autonome."""
    if score <= 4:
        return FieldLevel.BEGINNER_PLUS
    if score <= 10:
        return FieldLevel.BEGINNER
    if score <= 16:
        return FieldLevel.INTERMEDIATE
    return FieldLevel.AUTONOMOUS


PATH_FOR_LEVEL: dict[FieldLevel, Path] = {
    FieldLevel.BEGINNER_PLUS: Path.ASSISTANCE,
    FieldLevel.BEGINNER: Path.ACCOMPANIED,
    FieldLevel.INTERMEDIATE: Path.ACCOMPANIED,
    FieldLevel.AUTONOMOUS: Path.AUTONOMY,
}


def evaluate(answers: Mapping[str, Answer]) -> Result:
    """Compute the profile, field level, path and themes from complete answers."""
    missing = [q.key for q in QUESTIONS if q.key not in answers]
    if missing:
        raise DiagnosticError(missing[0])
    got: dict[Domain, int] = dict.fromkeys(Domain, 0)
    top: dict[Domain, int] = dict.fromkeys(Domain, 0)
    need: dict[Theme, int] = dict.fromkeys(Theme, 0)
    for question in QUESTIONS:
        answer = int(answers[question.key])
        for domain, weight in question.domains.items():
            got[domain] += answer * weight
            top[domain] += 2 * weight
        need[question.theme] += 2 - answer
    # Round half up, so "half the tasks alone" reads as level 3 of 5, not 2.
    profile = {d: (10 * got[d] + top[d]) // (2 * top[d]) if top[d] else 0 for d in Domain}
    score = sum(int(answers[q.key]) for q in QUESTIONS)
    level = field_level_for(score)
    order = list(Theme)
    ranked = sorted((t for t in Theme if need[t] > 0), key=lambda t: (-need[t], order.index(t)))
    themes = ranked[:3]
    if level is FieldLevel.BEGINNER_PLUS:
        # Before any task, the tools themselves: discovery comes first.
        themes = [Theme.DISCOVER, *[t for t in ranked if t is not Theme.DISCOVER][:2]]
    if not themes:  # nothing left to learn on the basic tasks: go further
        themes = [Theme.INFORM, Theme.CREATE]
    return Result(profile, score, level, PATH_FOR_LEVEL[level], tuple(themes))


def progress(before: Mapping[Domain, int], after: Mapping[Domain, int]) -> dict[Domain, int]:
    """Level change per CRCN domain between two diagnostics (positive = progress)."""
    return {d: int(after.get(d, 0)) - int(before.get(d, 0)) for d in Domain}
