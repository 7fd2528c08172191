"""The stock: the filtered device list and its pages, the export's rows, the physical
count of a storage place and moving devices there."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import and_, func, or_, select, union
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.core.errors import DomainError
from app.extensions import db
from app.inventory import device_records, tags
from app.inventory.grading import Grade
from app.inventory.identifiers import former_tag
from app.inventory.lifecycle import (
    OUT_OF_STOCK,
    DeviceType,
    State,
)
from app.inventory.models import (
    Device,
    Location,
)

# ---------------------------------------------------------------- the list

PER_PAGE = 50
COUNT_CAP = 1000

SORTS: dict[str, tuple[Any, bool]] = {
    # name: (column, descending); the id breaks ties in the same direction
    "recent": (None, True),
    "oldest": (None, False),
    "tag": (Device.asset_tag, False),
    "model": (Device.model, False),
    "brand": (Device.brand, False),
    "state": (Device.state, False),
}


@dataclass(frozen=True)
class DeviceFilter:
    state: str = ""
    device_type: str = ""
    grade: str = ""
    batch_id: int | None = None
    location_id: int | None = None
    q: str = ""
    sort: str = "recent"

    def query_args(self) -> dict[str, Any]:
        return {
            k: v for k, v in {f.name: getattr(self, f.name) for f in fields(self)}.items() if v
        } | ({} if self.sort != "recent" else {"sort": None})


@dataclass
class DevicePage:
    devices: list[Device]
    next_cursor: str | None
    count: int
    count_capped: bool
    state_counts: dict[str, int] = field(default_factory=dict)


def _filtered(organisation_id: int, flt: DeviceFilter) -> Any:
    conditions = [Device.organisation_id == organisation_id]
    if flt.state == "in_stock":
        conditions.append(Device.state.not_in(list(OUT_OF_STOCK)))
    elif flt.state in State.__members__.values() or flt.state in [s.value for s in State]:
        conditions.append(Device.state == State(flt.state))
    if flt.device_type in [t.value for t in DeviceType]:
        conditions.append(Device.device_type == DeviceType(flt.device_type))
    if flt.grade == "none":
        conditions.append(Device.grade.is_(None))
    elif flt.grade in [g.value for g in Grade]:
        conditions.append(Device.grade == Grade(flt.grade))
    if flt.batch_id:
        conditions.append(Device.batch_id == flt.batch_id)
    if flt.location_id:
        conditions.append(Device.location_id == flt.location_id)
    text = flt.q.strip()
    if text:
        # A scanned or typed tag, serial or IMEI is found by index; only other words
        # search inside serials, brands and models (a scan of the association's stock).
        # One indexed lookup per column, united: with the three tests in one OR, SQLite
        # walked every device of the association (25 ms at 100,000 instead of 0.4 ms).
        mine = Device.organisation_id == organisation_id
        probe = union(
            select(Device.id).where(mine, Device.asset_tag == tags.normalise(text)),
            select(Device.id).where(mine, Device.serial == " ".join(text.split()).upper()),
            select(Device.id).where(mine, Device.imei == text.replace(" ", "")),
            select(Device.id).where(mine, Device.external_ref == former_tag(text)),
        )
        found = db.session.scalars(select(probe.subquery().c.id).limit(COUNT_CAP)).all()
        if found:
            conditions.append(Device.id.in_(found))
        else:
            like = f"%{text.lower()}%"
            conditions.append(
                or_(
                    func.lower(Device.serial).like(like),
                    func.lower(Device.model).like(like),
                    func.lower(Device.brand).like(like),
                )
            )
    return and_(*conditions)


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


BAD_CURSOR = "Ce lien de page n'est pas valide : revenez à la première page de la liste."


def _decode_cursor(cursor: str, column: Any = None) -> list[Any]:
    """[sort value, last id] as _encode_cursor wrote it; anything else (a crafted or cut
    link, deep JSON, a value the sort column cannot hold) is refused in French, never
    sent to the database."""
    try:
        if len(cursor) > 1000:
            raise ValueError(cursor[:20])
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, RecursionError, json.JSONDecodeError) as exc:
        raise DomainError(BAD_CURSOR) from exc
    if not (isinstance(values, list) and len(values) == 2):
        raise DomainError(BAD_CURSOR)
    value, last_id = values
    if type(last_id) is not int or not 0 < last_id < 2**63:
        raise DomainError(BAD_CURSOR)
    if column is None:
        ok = value is None
    elif column is Device.state:
        ok = value in {s.value for s in State}
    else:
        ok = isinstance(value, str) and len(value) <= 500
    if not ok:
        raise DomainError(BAD_CURSOR)
    if column is Device.state:
        values[0] = State(value)
    return values


def list_devices(
    organisation_id: int,
    flt: DeviceFilter,
    cursor: str | None = None,
    per_page: int = PER_PAGE,
    with_count: bool = True,
) -> DevicePage:
    """One page of the filtered list, by keyset (cost does not grow with the stock).

    The count stops at COUNT_CAP: past it the page says "more than 1,000".
    """
    where = _filtered(organisation_id, flt)
    column, desc = SORTS.get(flt.sort, SORTS["recent"])
    query = select(Device).where(where).options(selectinload(Device.location))
    after = _decode_cursor(cursor, column) if cursor else None
    if after is not None:
        value, last_id = after
        if column is None:
            query = query.where(Device.id < last_id if desc else Device.id > last_id)
        else:
            query = query.where(or_(column > value, and_(column == value, Device.id > last_id)))
    if column is None:
        query = query.order_by(Device.id.desc() if desc else Device.id.asc())
    else:
        query = query.order_by(column.asc(), Device.id.asc())
    rows = list(db.session.scalars(query.limit(per_page + 1)))
    next_cursor = None
    if len(rows) > per_page:
        rows = rows[:per_page]
        last = rows[-1]
        key = None if column is None else device_records.jsonable(getattr(last, column.key))
        next_cursor = _encode_cursor([key, last.id])
    count, capped = 0, False
    if with_count and after is None and next_cursor is None:
        count = len(rows)  # the whole result is on this first page: no second walk
    elif with_count:
        sub = select(Device.id).where(where).limit(COUNT_CAP + 1).subquery()
        count = db.session.scalar(select(func.count()).select_from(sub)) or 0
        capped = count > COUNT_CAP
        count = min(count, COUNT_CAP)
    return DevicePage(rows, next_cursor, count, capped)


def iter_filtered(organisation_id: int, flt: DeviceFilter) -> Sequence[Device]:
    """Every device of the filter, for exports and labels (in tag order of intake)."""
    return db.session.scalars(
        select(Device).where(_filtered(organisation_id, flt)).order_by(Device.id)
    ).all()


# ---------------------------------------------------------------- stock count


@dataclass
class StockCount:
    location: Location
    present: list[Device]
    missing: list[Device]
    misplaced: list[Device]  # ours, in stock, recorded at another place (or none)
    not_in_stock: list[Device]  # ours but lent, sold, given or scrapped
    unknown: list[str]  # tags no device of ours carries


def stock_count(organisation_id: int, location: Location, scanned: Iterable[str]) -> StockCount:
    wanted = []
    written: dict[str, str] = {}  # tag -> what was scanned (a former label is looked up as such)
    for text in scanned:
        tag = tags.normalise(text)
        if tag and tag not in written:
            written[tag] = text.strip()
            wanted.append(tag)
    found: dict[str, Device] = {}
    for chunk in device_records.chunks(wanted, 500):
        for device in db.session.scalars(
            select(Device).where(
                Device.organisation_id == organisation_id, Device.asset_tag.in_(chunk)
            )
        ):
            found[device.asset_tag] = device
    # A former label (Snipe-IT's tag or its ``/ht/<tag>`` URL) counts as its device.
    formers: dict[str, list[str]] = {}
    for tag in wanted:
        if tag not in found:
            former = former_tag(written[tag])
            for key in {former, former.upper()}:
                formers.setdefault(key, []).append(tag)
    for chunk in device_records.chunks(sorted(formers), 500):
        for device in db.session.scalars(
            select(Device)
            .where(Device.organisation_id == organisation_id, Device.external_ref.in_(chunk))
            .order_by(Device.id.desc())  # the oldest wins, as in find_by_tag
        ):
            for tag in formers[device.external_ref]:
                found[tag] = device
    expected = db.session.scalars(
        select(Device)
        .where(
            Device.organisation_id == organisation_id,
            Device.location_id == location.id,
            Device.state.not_in(list(OUT_OF_STOCK)),
        )
        .order_by(Device.asset_tag)
    ).all()
    present, misplaced, not_in_stock = [], [], []
    counted: set[int] = set()
    for tag in wanted:
        device = found.get(tag)
        if device is None or device.id in counted:  # scanned by its tag and its former label
            continue
        counted.add(device.id)
        if device.state in OUT_OF_STOCK:
            not_in_stock.append(device)
        elif device.location_id == location.id:
            present.append(device)
        else:
            misplaced.append(device)
    result = StockCount(
        location=location,
        present=present,
        missing=[d for d in expected if d.id not in counted],
        misplaced=misplaced,
        not_in_stock=not_in_stock,
        unknown=[t for t in wanted if t not in found],
    )
    record(
        "stock.count",
        "stock_location",
        location.id,
        detail={
            "scanned": len(wanted),
            "present": len(present),
            "missing": len(result.missing),
            "misplaced": len(misplaced),
            "unknown": len(result.unknown),
        },
        organisation_id=organisation_id,
    )
    db.session.commit()
    return result


def move_to_location(
    organisation_id: int, location: Location, devices: Iterable[Device], *, actor: Any = None
) -> int:
    moved = 0
    for device in devices:
        if device.organisation_id != organisation_id:
            continue
        device.location_id = location.id
        moved += 1
    record(
        "stock.move",
        "stock_location",
        location.id,
        detail={"moved": moved},
        organisation_id=organisation_id,
        actor=actor,
    )
    db.session.commit()
    return moved
