"""Addresses to points: the national address base (BAN) online, commune points offline.

Online (``GEOCODER_URL`` set, e.g. https://data.geopf.fr/geocodage/search, the IGN
Géoplateforme geocoder that now serves the BAN): one request ``q=<address>&postcode=
<postcode>&limit=1``; the answer is GeoJSON, its first feature's ``properties.score``
(0..1) is kept, and a match under ``GEOCODER_MIN_SCORE`` (0.5) is refused. Offline, on a
refused match or when the geocoder cannot be reached, the place sits on its commune's
point (``communes.py``, status "commune"). With no commune either, it is not placed
("failed"): its owner is told "adresse introuvable". Results are kept on the place
(``Place.geocoded_address``): an address is geocoded again only when it changes.

Many places at once (``geocode_many``: ``flask directory geocode``, imports): from
``BULK_FROM`` addresses on, one POST to the geocoder's bulk CSV endpoint
(``<GEOCODER_URL>/csv``, e.g. https://data.geopf.fr/geocodage/search/csv): a multipart
form with ``data`` (a CSV ``id,adresse,code_postal``), ``columns=adresse``,
``postcode=code_postal`` (that column filters each row) and ``result_columns`` (latitude,
longitude, result_score, result_citycode, result_status); the answer is the same CSV with
those columns added, one row per row sent. Each row's score is kept and judged by the same
rule as one address; a bulk request that fails falls back on the commune points, like an
unreachable geocoder.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
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
    online = _ban(url, address, postcode, commune) if url and address.strip() else None
    return _judged(online, postcode, commune)


BULK_FROM = 6  # from this many addresses on, one bulk CSV request rather than one each
BULK_ROWS = 5_000  # rows per bulk request


@dataclass(frozen=True)
class Address:
    address: str
    postcode: str
    commune: str


def geocode_many(addresses: Sequence[Address]) -> list[Geocoded]:
    """The points of many addresses, in their order; never raises. Online and from
    ``BULK_FROM`` addresses with a street on: the bulk CSV endpoint; else one by one."""
    url = str(current_app.config.get("GEOCODER_URL") or "")
    asked = [i for i, a in enumerate(addresses) if a.address.strip()]
    if not url or len(asked) < BULK_FROM:
        return [geocode(a.address, a.postcode, a.commune) for a in addresses]
    online: dict[int, Geocoded | None] = {}
    for start in range(0, len(asked), BULK_ROWS):
        chunk = asked[start : start + BULK_ROWS]
        online.update(_ban_csv(f"{url.rstrip('/')}/csv", {i: addresses[i] for i in chunk}))
    return [_judged(online.get(i), a.postcode, a.commune) for i, a in enumerate(addresses)]


def _judged(online: Geocoded | None, postcode: str, commune: str) -> Geocoded:
    """The geocoder's answer if strong enough (GEOCODER_MIN_SCORE), else the commune's
    point (the refused score kept), else not placed."""
    refused_score: float | None = None
    if online is not None:
        minimum = float(current_app.config.get("GEOCODER_MIN_SCORE", 0.5))
        if online.score is not None and online.score >= minimum and online.point is not None:
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


RESULT_COLUMNS = ("latitude", "longitude", "result_score", "result_citycode", "result_status")


def bulk_csv(rows: dict[int, Address]) -> str:
    """The CSV sent to the bulk endpoint: ``id,adresse,code_postal`` (the address with its
    commune, as for one address; the postcode only when it has five digits)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "adresse", "code_postal"])
    for i, a in rows.items():
        postcode = a.postcode.strip() if len(a.postcode.strip()) == 5 else ""
        writer.writerow([i, " ".join(f"{a.address} {a.commune}".split()), postcode])
    return out.getvalue()


def _multipart(fields: list[tuple[str, str]], data: str) -> tuple[bytes, str]:
    boundary = f"ordilien-{secrets.token_hex(12)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="lieux.csv"'
        f"\r\nContent-Type: text/csv; charset=utf-8\r\n\r\n{data}\r\n--{boundary}--\r\n"
    )
    return "".join(parts).encode("utf-8"), f"multipart/form-data; boundary={boundary}"


def _ban_csv(url: str, rows: dict[int, Address]) -> dict[int, Geocoded | None]:
    """One bulk request; each row's answer (None: no usable answer, as offline)."""
    fields = [("columns", "adresse"), ("postcode", "code_postal")]
    fields += [("result_columns", name) for name in RESULT_COLUMNS]
    body, content_type = _multipart(fields, bulk_csv(rows))
    timeout = float(current_app.config.get("GEOCODER_TIMEOUT", 5)) + len(rows) / 50
    request = urllib.request.Request(  # noqa: S310 (our configuration)
        url, data=body, method="POST",
        headers={"Content-Type": content_type, "Accept": "text/csv"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            text = response.read(50_000_000).decode("utf-8-sig")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("bulk geocoder unreachable or unreadable (%s): offline fallback", exc)
        return {}
    answers: dict[int, Geocoded | None] = {}
    for row in csv.DictReader(io.StringIO(text)):
        try:
            i = int(row.get("id") or "")
        except ValueError:
            continue
        if i in rows:
            answers[i] = _csv_answer(row, rows[i].postcode)
    return answers


def _csv_answer(row: dict[str, str], postcode: str) -> Geocoded | None:
    status = (row.get("result_status") or "").strip()
    if status == "not-found":
        return Geocoded(None, GEOCODE_FAILED, 0.0)
    if status not in ("", "ok"):  # "error", "skipped": not an answer about the address
        return None
    try:
        score = float(row.get("result_score") or "")
        point = valid_point(float(row.get("latitude") or ""), float(row.get("longitude") or ""))
    except ValueError:
        return None if status == "ok" else Geocoded(None, GEOCODE_FAILED, 0.0)
    if point is None:
        return None
    code = (row.get("result_citycode") or "").strip()
    return Geocoded(point, GEOCODE_BAN, score, code, communes.departement_of(code, postcode))
