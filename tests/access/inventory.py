"""Access table of the inventory's routes (issue 3)."""

from __future__ import annotations

from datetime import datetime

from flask import url_for

from app.authz.policy import Role
from tests.access.table import PUBLIC, Ctx, Route, roles

READ = roles(Role.ADMIN, Role.MANAGER, Role.TECHNICIAN, Role.FRONT_DESK)
WRITE = roles(Role.ADMIN, Role.MANAGER, Role.TECHNICIAN)
MANAGE = roles(Role.ADMIN, Role.MANAGER)


def setup(ctx: Ctx) -> None:
    from app.extensions import db
    from app.inventory import device_records, donations
    from app.inventory.grading import StorageType
    from app.inventory.lifecycle import DeviceType
    from app.inventory.models import (
        DonorKind,
        ErasureLevel,
        ErasureMethod,
        ErasureRecord,
        ErasureResult,
    )

    org_id = ctx.org(Role.MANAGER).id
    donor = donations.create_donor(org_id, DonorKind.COMPANY, "Donateur Accès", commit=False)
    batch = donations.create_batch(org_id, donor, commit=False)
    device = device_records.create_device(
        org_id,
        device_records.DeviceInput(
            device_type=DeviceType.LAPTOP,
            brand="Lenovo",
            model="ThinkPad T470",
            serial="ACCES-0001",
            cpu_score=4500,
            ram_gb=8,
            storage_type=StorageType.SSD,
            storage_gb=256,
            location="Étagère A",
        ),
        batch=batch,
        commit=False,
    )
    db.session.flush()
    erasure = ErasureRecord(
        device_id=device.id,
        organisation_id=org_id,
        level=ErasureLevel.PURGE,
        method=ErasureMethod.OVERWRITE,
        passes=1,
        tool="nwipe",
        started_at=datetime(2026, 11, 2, 9, 0),
        ended_at=datetime(2026, 11, 2, 10, 0),
        result=ErasureResult.ERASED,
        technician_name="Tech",
        signature="Tech",
    )
    db.session.add(erasure)
    db.session.flush()
    ctx.records.update(
        inventory_device=device.id,
        inventory_tag=device.asset_tag,
        inventory_batch=batch.id,
        inventory_erasure=erasure.id,
        inventory_location=device.location_id,
    )


def _device(endpoint: str):  # type: ignore[no-untyped-def]
    return lambda ctx: url_for(endpoint, device_id=ctx.records["inventory_device"])


def _batch(endpoint: str):  # type: ignore[no-untyped-def]
    return lambda ctx: url_for(endpoint, batch_id=ctx.records["inventory_batch"])


ROUTES = [
    Route("inventory.device_list", allow=READ),
    Route(
        "inventory.device_list",
        allow=READ,
        path=lambda ctx: url_for("inventory.device_list", state="received", q="lenovo"),
    ),
    Route("inventory.export", allow=READ, path=lambda ctx: url_for("inventory.export", fmt="csv")),
    Route("inventory.intake", allow=WRITE),
    Route("inventory.intake", "POST", allow=WRITE),
    Route("inventory.batch_list", allow=READ),
    Route("inventory.batch_new", allow=WRITE),
    Route("inventory.batch_new", "POST", allow=WRITE, data={"new_donor_kind": "company"}),
    Route("inventory.batch_detail", allow=READ, path=_batch("inventory.batch_detail")),
    Route("inventory.batch_certificates", allow=READ, path=_batch("inventory.batch_certificates")),
    Route("inventory.donor_list", allow=READ),
    Route("inventory.donor_new", allow=WRITE),
    Route("inventory.donor_new", "POST", allow=WRITE),
    Route("inventory.device_detail", allow=READ, path=_device("inventory.device_detail")),
    Route("inventory.device_qr", allow=READ, path=_device("inventory.device_qr")),
    Route("inventory.device_edit", allow=WRITE, path=_device("inventory.device_edit")),
    Route("inventory.device_edit", "POST", allow=WRITE, path=_device("inventory.device_edit")),
    Route("inventory.device_transition", allow=WRITE, path=_device("inventory.device_transition")),
    Route(
        "inventory.device_transition",
        "POST",
        allow=WRITE,
        path=_device("inventory.device_transition"),
        data={"to_state": "triage"},
        fresh_per_role=True,
    ),
    Route("inventory.erasure_new", allow=WRITE, path=_device("inventory.erasure_new")),
    Route("inventory.erasure_new", "POST", allow=WRITE, path=_device("inventory.erasure_new")),
    Route(
        "inventory.erasure_certificate",
        allow=READ,
        path=lambda ctx: url_for(
            "inventory.erasure_certificate", erasure_id=ctx.records["inventory_erasure"]
        ),
    ),
    Route("inventory.checklist", allow=WRITE, path=_device("inventory.checklist")),
    Route("inventory.checklist", "POST", allow=WRITE, path=_device("inventory.checklist")),
    Route("inventory.device_grade", allow=WRITE, path=_device("inventory.device_grade")),
    Route("inventory.device_grade", "POST", allow=WRITE, path=_device("inventory.device_grade")),
    Route("inventory.labels", allow=READ),
    Route(
        "inventory.labels",
        allow=READ,
        path=lambda ctx: url_for(
            "inventory.labels", batch_id=ctx.records["inventory_batch"], sheet="L7160"
        ),
    ),
    Route("inventory.import_upload", allow=MANAGE),
    Route("inventory.import_upload", "POST", allow=MANAGE),
    Route("inventory.import_confirm", "POST", allow=MANAGE, data={"token": "absent"}),
    # The mapping step of a stored file (an unknown token sends back to the upload).
    Route(
        "inventory.import_mapping.review",
        allow=MANAGE,
        path=lambda ctx: url_for("inventory.import_mapping.review", token="absent"),
    ),
    Route(
        "inventory.import_mapping.review",
        "POST",
        allow=MANAGE,
        path=lambda ctx: url_for("inventory.import_mapping.review", token="absent"),
        data={"action": "check"},
    ),
    Route(
        "inventory.export",
        allow=READ,
        path=lambda ctx: url_for("inventory.export", fmt="snipe-it.csv"),
    ),
    Route("inventory.stock_count", allow=READ),
    Route(
        "inventory.stock_count",
        "POST",
        allow=READ,
        data=lambda ctx: {
            "location_id": ctx.records["inventory_location"],
            "tags": ctx.records["inventory_tag"],
        },
    ),
    Route("inventory.stock_move", "POST", allow=WRITE),
    Route("inventory.checklist_templates", allow=MANAGE),
    Route("inventory.checklist_templates", "POST", allow=MANAGE),
    # The label's QR code: anyone may open it; staff are sent on to the device page.
    Route(
        "inventory.scan",
        allow=PUBLIC,
        path=lambda ctx: url_for("inventory.scan", tag=ctx.records["inventory_tag"]),
    ),
    Route("inventory_api.list_devices", allow=READ),
    Route(
        "inventory_api.read_device",
        allow=READ,
        path=lambda ctx: url_for(
            "inventory_api.read_device", device_id=ctx.records["inventory_device"]
        ),
    ),
    Route(
        "inventory_api.create_device",
        "POST",
        allow=WRITE,
        data={"device_type": "laptop", "brand": "Dell", "model": "Latitude E7470"},
        ok=(201,),
    ),
    Route(
        "inventory_api.transition",
        "POST",
        allow=WRITE,
        path=lambda ctx: url_for(
            "inventory_api.transition", device_id=ctx.records["inventory_device"]
        ),
        data={"to_state": "triage", "reason": "essai"},
        fresh_per_role=True,
    ),
]
