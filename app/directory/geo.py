"""Distances and map links (pure: no Flask, no SQLAlchemy).

Great-circle distance on a sphere of the Earth's mean radius: at the scale of a commune
or a département the error against the ellipsoid is well under one per cent, far below
the error of an address placed on its commune's town hall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.marking import N_
from app.eligibility.wording import FRENCH, Speaker

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Box:
    """A latitude/longitude rectangle, for the indexed first pass of a search."""

    south: float
    west: float
    north: float
    east: float


def distance_m(a: Point, b: Point) -> float:
    """Haversine distance between two points, in metres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def box_around(centre: Point, radius_m: float) -> Box:
    """The smallest latitude/longitude box that holds every point within ``radius_m``."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    cos_lat = max(0.01, math.cos(math.radians(centre.latitude)))
    dlon = min(180.0, dlat / cos_lat)
    return Box(
        south=max(-90.0, centre.latitude - dlat),
        west=centre.longitude - dlon,
        north=min(90.0, centre.latitude + dlat),
        east=centre.longitude + dlon,
    )


def format_distance(metres: float, speaker: Speaker = FRENCH) -> str:
    """In the speaker's words: "à 150 m", "à 1,5 km", "à 12 km" in French; "150 m away",
    "1.5 km away" in English (the decimal comma is the French template's).

    Below 1 km, rounded to 50 m (10 m under 100 m); from 1 km to 10 km, to 100 m;
    beyond, to the kilometre. Nobody walks to a more precise figure.
    """
    if metres < 950:
        n = max(10, round(metres / 10) * 10) if metres < 100 else round(metres / 50) * 50
        return speaker.gettext(N_("à %(m)s m")) % {"m": n}
    if metres < 9950:
        whole, tenth = divmod(round(metres / 100), 10)
        if tenth:
            template = speaker.gettext(N_("à %(whole)s,%(tenth)s km"))
            return template % {"whole": whole, "tenth": tenth}
        return speaker.gettext(N_("à %(km)s km")) % {"km": whole}
    return speaker.gettext(N_("à %(km)s km")) % {"km": round(metres / 1000)}


def osm_link(point: Point, zoom: int = 17) -> str:
    """A plain link to openstreetmap.org with a marker on the point (no tiles, no script
    served by us: the person's browser goes there only if they follow the link)."""
    lat = f"{point.latitude:.5f}"
    lon = f"{point.longitude:.5f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={zoom}/{lat}/{lon}"


def valid_point(latitude: float | None, longitude: float | None) -> Point | None:
    """A point when both coordinates are real numbers in range, else None."""
    if latitude is None or longitude is None:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Point(latitude, longitude)
