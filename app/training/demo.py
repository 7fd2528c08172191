"""Demo training places and slots: the real weekly slots of DOMAIN.md section 7
(002:1517-1529, 1842, 1891), for the next four weeks. Addresses other than the demo
organisations' are invented; so is the ten-week course at the Médiathèque Verlaine."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.demo import DemoContext
from app.authz.policy import OrgKind
from app.core.clock import utcnow
from app.extensions import db
from app.training import bookings, catalogue, sessions, suggestions
from app.training.matching import PriceKind
from app.training.models import Booking, SessionFormat, TrainingSession
from app.training.recurrence import next_weekday, opening_hours, to_local

WEEKS = 4
MON, TUE, WED, THU, FRI = range(5)

PLACES = [
    # slug, name, address, postcode, accessible
    ("mixytes", "Mixytés (au CCAS de Metz)", "22-24 rue du Wad Billy", "57000", True),
    ("le-quai", "Le Quai", "1 quai Wiltzer", "57000", True),
    ("arc-en-ciel", "Centre social Arc-en-ciel", "4 rue de Toulouse", "57070", False),
    ("famille-lorraine", "Famille lorraine de Borny", "3 boulevard de Provence", "57070", False),
]

# place slug, title, days, start, minutes, format, capacity, themes, price, byod, levels
SLOTS = [
    ("mjc-4-bornes", "Rendez-vous numérique de 9h (1 h, sur rendez-vous)", [TUE], time(9), 60,
     SessionFormat.INDIVIDUAL, 1, ["decouvrir", "demarches"], PriceKind.FREE, False, []),
    ("mjc-4-bornes", "Rendez-vous numérique de 10h (1 h, sur rendez-vous)", [TUE], time(10), 60,
     SessionFormat.INDIVIDUAL, 1, ["decouvrir", "demarches"], PriceKind.FREE, False, []),
    ("mjc-4-bornes", "Rendez-vous numérique de 11h (1 h, sur rendez-vous)", [TUE], time(11), 60,
     SessionFormat.INDIVIDUAL, 1, ["decouvrir", "demarches"], PriceKind.FREE, False, []),
    ("mixytes", "Atelier démarches en ligne", [MON], time(9), 180, SessionFormat.GROUP, 8,
     ["demarches", "communiquer"], PriceKind.FREE, False, ["debutant", "intermediaire"]),
    ("le-quai", "Atelier emploi et bureautique", [TUE, THU], time(13), 240, SessionFormat.GROUP,
     10, ["emploi", "bureautique"], PriceKind.FREE, False, ["debutant", "intermediaire", "autonome"]),
    ("arc-en-ciel", "Premiers pas sur l'ordinateur", [FRI], time(13), 180, SessionFormat.GROUP, 6,
     ["decouvrir", "communiquer"], PriceKind.PASS_NUMERIQUE, False, ["grand_debutant", "debutant"]),
    ("famille-lorraine", "Mon smartphone au quotidien (apportez votre appareil)", [THU],
     time(9, 30), 90, SessionFormat.GROUP, 5, ["decouvrir", "sinformer"], PriceKind.MEMBERSHIP,
     True, ["grand_debutant", "debutant"]),
    ("mediatheque-verlaine", "Docteur numérique", [THU], time(14), 240, SessionFormat.GROUP, 10,
     ["demarches", "decouvrir", "sinformer"], PriceKind.FREE, False, []),
]  # fmt: skip


def seed(ctx: DemoContext) -> None:
    for slug, name, address, postcode, _accessible in PLACES:
        if slug not in ctx.orgs:
            ctx.orgs[slug] = accounts.find_org(slug) or accounts.create_organisation(
                slug, name, OrgKind.TRAINING_PLACE, commit=False, commune="Metz",
                postcode=postcode, address=address, phone="03 87 00 00 10",
            )  # fmt: skip
    db.session.flush()
    accessible = {slug: flag for slug, _n, _a, _p, flag in PLACES}
    accessible.update({"mjc-4-bornes": True, "mediatheque-verlaine": True})
    start = to_local(utcnow()).date() + timedelta(days=1)
    hours: dict[str, list[str]] = {}
    for slug, title, days, at, minutes, fmt, capacity, themes, price, byod, levels in SLOTS:
        org = ctx.orgs[slug]
        end = (
            to_local(utcnow()).replace(hour=at.hour, minute=at.minute) + timedelta(minutes=minutes)
        ).time()
        hours.setdefault(slug, []).append(opening_hours(set(days), at, end))
        if db.session.scalar(
            select(TrainingSession.id).where(
                TrainingSession.organisation_id == org.id, TrainingSession.title == title
            )
        ):
            continue  # already seeded
        for day in days:
            data = sessions.SessionData(
                title=title, themes=themes, levels=levels, format=fmt, capacity=capacity,
                duration_minutes=minutes, price_kind=price, bring_own_device=byod,
                accessible=accessible[slug], publics=["seniors"] if slug == "famille-lorraine" else [],
            )  # fmt: skip
            sessions.create_sessions(org, data, next_weekday(start, day), at, WEEKS, commit=False)
    for slug, parts in hours.items():
        place = catalogue.place_for(ctx.orgs[slug])
        place.accessible = accessible[slug]
        # "," adds to a day ("; " would replace: "Tu 9-10; Tu 10-11" is Tuesday 10-11 only).
        place.opening_hours = place.opening_hours or ", ".join(dict.fromkeys(parts))
    verlaine = ctx.orgs["mediatheque-verlaine"]
    if not db.session.scalar(
        select(TrainingSession.id).where(
            TrainingSession.organisation_id == verlaine.id, TrainingSession.course_id.is_not(None)
        )
    ):
        course = sessions.create_course(
            verlaine, "Parcours premiers pas (10 séances)",
            "Dix mercredis pour apprendre pas à pas, avec le même formateur.",
        )  # fmt: skip
        data = sessions.SessionData(
            title="Parcours premiers pas", themes=["decouvrir", "communiquer"],
            levels=["grand_debutant", "debutant"], capacity=8, duration_minutes=120,
            accessible=True, course_id=course.id,
        )  # fmt: skip
        sessions.create_sessions(verlaine, data, next_weekday(start, WED), time(10), 10)

    _demo_booking(verlaine)


def _demo_booking(verlaine: object) -> None:
    """One household already diagnosed and booked, so the trainer's page is not empty."""
    from app.households.models import Household

    household = db.session.scalar(
        select(Household).where(Household.reference_name == "Jean-Claude P.")
    )
    if household is None or db.session.scalar(
        select(Booking.id).where(Booking.household_id == household.id)
    ):
        return
    answers = dict.fromkeys(
        ("device", "search", "use_mailbox", "create_email", "attach_file"), 1
    ) | dict.fromkeys(("appointment", "accounts", "form", "taxes", "job"), 0)
    suggestions.record_diagnostic(household, answers, has_device=False)
    session_id = db.session.scalar(
        select(TrainingSession.id)
        .where(
            TrainingSession.organisation_id == getattr(verlaine, "id", None),
            TrainingSession.title == "Docteur numérique",
        )
        .order_by(TrainingSession.starts_at)
        .limit(1)
    )
    if session_id is not None:
        bookings.book(session_id, household, notify=False)
