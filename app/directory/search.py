"""The directory's search: a need, a starting point, filters -> places, nearest first.

How it stays fast at national scale (20,000 places; ``bench/bench_directory.py``):
1. a latitude/longitude box around the starting point, on the ``ix_place_lat_lon``
   index, reading only the few columns the filters need; the box grows (10, 30, 100,
   200 km) until enough places pass the filters or the last box is reached;
2. the need, "open now" and "open on Saturday" in Python on those rows (hours parsed
   once per distinct string, see ``hours.py``), then the exact distance;
3. full rows loaded for the page's places only.
Places with no point come last, and only those of the starting point's département.

Other domains (referrals, the household page) call ``search(Query(...))``; the public
page and the staff view render its ``Found`` list. Its words (distances, hours, badges)
are in the ``speaker``'s language: by default the reader's (``display.speaker()``: the
request's, French outside one); pass ``FRENCH`` for words sent to a household.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, select

from app.core.clock import utcnow
from app.core.marking import N_
from app.directory import geocoding, hours
from app.directory.geo import Point, box_around, distance_m, format_distance, osm_link, valid_point
from app.directory.models import Place
from app.directory.needs import Need
from app.eligibility import display
from app.eligibility.wording import Speaker
from app.extensions import db

RADII_M = (10_000, 30_000, 100_000, 200_000)
MAX_UNPLACED = 5


@dataclass(frozen=True)
class Query:
    needs: tuple[Need, ...] = ()  # any of them; empty: every need
    where: str = ""  # a commune, a postcode, an INSEE code, or "Metz 57070"
    latitude: float | None = None  # "Autour de moi": the browser's position
    longitude: float | None = None
    free: bool = False
    accessible: bool = False
    open_now: bool = False
    saturday: bool = False
    pass_numerique: bool = False
    limit: int = 20


@dataclass(frozen=True)
class Origin:
    point: Point
    label: str  # "Metz (57070)", "votre position"
    departement: str = ""


@dataclass(frozen=True)
class Found:
    """One place of the results, with everything a card shows."""

    place: Place
    distance_m: float | None
    distance_text: str  # "à 800 m"; "" when either end has no point
    open_now: bool | None
    today: str | None  # "Aujourd'hui : 9 h – 12 h"
    week: list[hours.DayHours]
    badges: list[str]  # "Ouvert le samedi matin"
    hours_unreadable: bool
    map_url: str  # openstreetmap.org link; "" when the place has no point
    link_out: str  # the place's booking page, else its website
    week_lines: list[str] = field(default_factory=list)  # "Lundi : 9 h – 12 h", as ``week``


@dataclass
class Results:
    origin: Origin | None
    found: list[Found] = field(default_factory=list)
    problem: str = ""  # for the person: the starting point was not understood
    searched: bool = False  # a starting point was given


def origin_of(query: Query, speaker: Speaker | None = None) -> Origin | None:
    point = valid_point(query.latitude, query.longitude)
    if point is not None:
        commune = _nearest_departement(point)
        return Origin(point, (speaker or display.speaker()).gettext(N_("votre position")), commune)
    commune = geocoding.gazetteer().resolve(query.where) if query.where.strip() else None
    if commune is None:
        return None
    typed = query.where.strip()
    label = commune.label
    if typed.isdigit() and len(typed) == 5 and typed != commune.code_insee:
        label = f"{commune.name} ({typed})"
    return Origin(commune.point, label, commune.departement)


def _nearest_departement(point: Point) -> str:
    """The département of the nearest commune point: where "my position" is."""
    best, best_d = "", float("inf")
    box = box_around(point, 15_000)
    for commune in geocoding.gazetteer().by_code.values():
        p = commune.point
        if box.south <= p.latitude <= box.north and box.west <= p.longitude <= box.east:
            d = distance_m(point, p)
            if d < best_d:
                best, best_d = commune.departement, d
    return best


def search(query: Query, now: datetime | None = None, speaker: Speaker | None = None) -> Results:
    """Places answering the query, nearest first; those with no point last."""
    moment = _aware(now or utcnow())
    if not query.where.strip() and valid_point(query.latitude, query.longitude) is None:
        return Results(origin=None)
    s = speaker or display.speaker()
    origin = origin_of(query, s)
    if origin is None:
        problem = N_(
            "Nous ne trouvons pas « %(where)s » : essayez le code postal ou le nom de la commune."
        )
        return Results(
            origin=None,
            problem=s.gettext(problem) % {"where": query.where.strip()[:80]},
            searched=True,
        )
    limit = max(1, min(query.limit, 100))
    ranked: list[tuple[float, int]] = []
    for radius in RADII_M:
        ranked = _within(query, origin.point, radius, moment)
        if len(ranked) >= limit:
            break
    ranked.sort()
    ids = [place_id for _d, place_id in ranked[:limit]]
    distances = {place_id: d for d, place_id in ranked[:limit]}
    unplaced = _unplaced(query, origin.departement, moment) if len(ids) < limit else []
    ids += unplaced[: min(MAX_UNPLACED, limit - len(ids))]
    places = {p.id: p for p in db_places(ids)}
    found = [_found(places[i], distances.get(i), moment, s) for i in ids if i in places]
    return Results(origin=origin, found=found, searched=True)


def db_places(ids: list[int]) -> list[Place]:
    if not ids:
        return []
    return list(db.session.scalars(select(Place).where(Place.id.in_(ids))))


def _aware(moment: datetime) -> datetime:
    """In Paris time; the project keeps naive UTC datetimes (app.core.clock)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(hours.PARIS)


def _filters(query: Query) -> list[object]:
    conditions: list[object] = [Place.published.is_(True)]
    if query.free:
        conditions.append(Place.free.is_(True))
    if query.accessible:
        conditions.append(Place.accessible.is_(True))
    if query.pass_numerique:
        conditions.append(Place.pass_numerique.is_(True))
    return conditions


def _keep(query: Query, needs: list[str] | None, opening: str, moment: datetime) -> bool:
    if query.needs and not any(need.value in (needs or ()) for need in query.needs):
        return False
    if query.open_now and hours.is_open(opening, moment) is not True:
        return False
    return not (query.saturday and not hours.open_on_saturday(opening, moment.date()))


def _within(
    query: Query, centre: Point, radius: float, moment: datetime
) -> list[tuple[float, int]]:
    box = box_around(centre, radius)
    rows = db.session.execute(
        select(Place.id, Place.latitude, Place.longitude, Place.needs, Place.opening_hours).where(
            and_(
                Place.latitude.between(box.south, box.north),
                Place.longitude.between(box.west, box.east),
                *_filters(query),  # type: ignore[arg-type]
            )
        )
    )
    ranked = []
    for place_id, lat, lon, needs, opening in rows:
        if not _keep(query, needs, opening, moment):
            continue
        d = distance_m(centre, Point(lat, lon))
        if d <= radius:
            ranked.append((d, place_id))
    return ranked


def _unplaced(query: Query, departement: str, moment: datetime) -> list[int]:
    if not departement:
        return []
    rows = db.session.execute(
        select(Place.id, Place.needs, Place.opening_hours)
        .where(
            Place.departement == departement,
            Place.latitude.is_(None),
            *_filters(query),  # type: ignore[arg-type]
        )
        .order_by(Place.name)
    )
    return [pid for pid, needs, opening in rows if _keep(query, needs, opening, moment)]


def _found(place: Place, distance: float | None, moment: datetime, s: Speaker) -> Found:
    point = valid_point(place.latitude, place.longitude)
    unreadable = hours.problem(place.opening_hours) is not None
    week = hours.week(place.opening_hours, moment.date())
    return Found(
        place=place,
        distance_m=distance,
        distance_text=format_distance(distance, s) if distance is not None else "",
        open_now=hours.is_open(place.opening_hours, moment),
        today=hours.today_text(place.opening_hours, moment, s),
        week=week,
        badges=hours.summary(place.opening_hours, moment.date(), s),
        hours_unreadable=unreadable,
        map_url=osm_link(point) if point is not None else "",
        link_out=place.booking_url or place.website,
        week_lines=[day.line_in(s) for day in week],
    )
