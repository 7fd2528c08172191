"""The device list in Snipe-IT's asset import format: leaving Ordilien is as easy as
arriving. Headers are the names Snipe-IT's importer maps by itself; categories are
written as Snipe-IT's usual plural English words, states as its default status labels.

Read back by Ordilien's own import (column_headers.py knows these headers), so a file can go
round; Ordilien's tag is the "Asset Tag", so the labels already stuck keep working.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from app.core.spreadsheet import safe_row
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import Device

HEADERS = [
    "Asset Tag",
    "Item Name",
    "Category",
    "Manufacturer",
    "Model name",
    "Serial",
    "IMEI",
    "Status",
    "Location",
    "Purchase Date",
    "Purchase Cost",
    "Supplier",
    "Notes",
]

CATEGORIES: dict[DeviceType, str] = {
    DeviceType.LAPTOP: "Laptops",
    DeviceType.DESKTOP: "Desktops",
    DeviceType.TABLET: "Tablets",
    DeviceType.SMARTPHONE: "Mobile Phones",
    DeviceType.SCREEN: "Monitors",
    DeviceType.PRINTER: "Printers",
    DeviceType.OTHER: "Misc",
}

# Snipe-IT's default status labels: deployable, pending, archived (and "Deployed" is
# what it shows for a checked-out asset).
STATUSES: dict[State, str] = {
    State.RECEIVED: "Pending",
    State.TRIAGE: "Pending",
    State.RECONDITIONING: "Pending",
    State.RETURNED: "Pending",
    State.READY: "Ready to Deploy",
    State.RESERVED: "Ready to Deploy",
    State.ON_LOAN: "Deployed",
    State.SOLD: "Archived",
    State.GIVEN: "Archived",
    State.E_WASTE: "Archived",
    State.PARTS: "Archived",
}


def to_csv(devices: Iterable[Device]) -> bytes:
    """UTF-8 (no BOM), ``,`` and ISO dates, as Snipe-IT's importer reads them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    for device in devices:
        notes = " · ".join(
            part for part in (device.notes, device.condition_notes, _former(device)) if part
        )
        writer.writerow(
            safe_row(  # no cell can be a formula
                [
                    device.asset_tag,
                    device.title,
                    CATEGORIES.get(device.device_type, "Misc"),
                    device.brand,
                    device.model,
                    device.serial,
                    device.imei,
                    STATUSES.get(device.state, "Pending"),
                    device.location.name if device.location else "",
                    device.purchase_date.isoformat() if device.purchase_date else "",
                    f"{device.purchase_cost:.2f}" if device.purchase_cost is not None else "",
                    device.supplier,
                    notes,
                ]
            )
        )
    return out.getvalue().encode("utf-8")


def _former(device: Device) -> str:
    return f"Ancienne étiquette : {device.external_ref}" if device.external_ref else ""
