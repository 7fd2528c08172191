"""Addresses to points: the national address base (BAN) online, commune points offline.

Online (``GEOCODER_URL`` set, e.g. https://data.geopf.fr/geocodage/search, the IGN
Géoplateforme geocoder that now serves the BAN): one request ``q=<address>&postcode=
<postcode>&limit=1``; the answer is GeoJSON, its first feature's ``properties.score``
(0..1) is kept, and a match under ``GEOCODER_MIN_SCORE`` (0.5) is refused. Offline, on a
refused match or when the geocoder cannot be reached, the place sits on its commune's
point (``communes.py``, status "commune"). With no commune either, it is not placed
("failed"): its owner is told "adresse introuvable". Results are kept on the place
(``Place.geocoded_address``): an address is geocoded again only when it changes.

For an import of thousands of rows use the geocoder's bulk CSV endpoint (``/search/csv``)
and set the place's columns from its answer; this module is for one place at a time.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from flask import current_app

from app.directory import communes
from app.directory.geo import Point, valid_point
from app.directory.models import GEOCODE_BAN, GEOCODE_COMMUNE, GEOCODE_FAILED

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Geocoded:
    point: Point | None
    status: str  # models.GEOCODE_*
    score: float | None = None  # the BAN's score, also when the match was refused
    code_insee: str = ""
    departement: str = ""


def gazetteer() -> communes.Gazetteer:
    return communes.load(str(current_app.config["COMMUNES_FILE"]))


def address_key(address: str, postcode: str, commune: str) -> str:
    """What is geocoded, normalised: the same key means the same answer."""
    return " ".join(f"{address} {postcode} {commune}".split()).lower()[:450]


def geocode(address: str, postcode: str, commune: str) -> Geocoded:
    """The point of an address; never raises (a geocoder that fails means offline)."""
    url = str(current_app.config.get("GEOCODER_URL") or "")
    refused_score: float | None = None
    if url and address.strip():
        online = _ban(url, address, postcode, commune)
        if online is not None:
            minimum = float(current_app.config.get("GEOCODER_MIN_SCORE", 0.5))
            if online.score is not None and online.score >= minimum:
                return online
            refused_score = online.score
    place = gazetteer().in_postcode(postcode, commune) if (postcode or commune) else None
    if place is None:
        return Geocoded(None, GEOCODE_FAILED, refused_score)
    return Geocoded(
        place.point, GEOCODE_COMMUNE, refused_score, place.code_insee, place.departement
    )


def _ban(url: str, address: str, postcode: str, commune: str) -> Geocoded | None:
    query = {"q": " ".join(f"{address} {commune}".split()), "limit": "1"}
    if len(postcode.strip()) == 5:
        query["postcode"] = postcode.strip()
    target = f"{url}?{urllib.parse.urlencode(query)}"
    timeout = float(current_app.config.get("GEOCODER_TIMEOUT", 5))
    try:
        request = urllib.request.Request(target, headers={"Accept": "application/json"})  # noqa: S310 (our configuration)
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = json.loads(response.read(1_000_000).decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("geocoder unreachable or unreadable (%s): offline fallback", exc)
        return None
    features = body.get("features") if isinstance(body, dict) else None
    if not features:
        return Geocoded(None, GEOCODE_FAILED, 0.0)
    feature = features[0]
    try:
        lon, lat = feature["geometry"]["coordinates"][:2]
        properties = feature.get("properties") or {}
        score = float(properties.get("score", 0.0))
        point = valid_point(float(lat), float(lon))
    except (KeyError, TypeError, ValueError):
        return None
    if point is None:
        return None
    code = str(properties.get("citycode") or "")
    return Geocoded(point, GEOCODE_BAN, score, code, communes.departement_of(code, postcode))
