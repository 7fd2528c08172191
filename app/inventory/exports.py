"""Exports of the device list: CSV as French Excel reads it, and XLSX (pandas).

The headers are the import's own, so an exported file can be corrected and imported back.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

from app.core.spreadsheet import safe_frame
from app.inventory.grading import GRADE_LABELS
from app.inventory.lifecycle import DEVICE_TYPE_LABELS, STATE_LABELS
from app.inventory.models import Device

COLUMNS = [
    "Étiquette",
    "Type",
    "Marque",
    "Modèle",
    "N° de série",
    "IMEI",
    "Processeur",
    "Indice processeur",
    "RAM (Go)",
    "Type de stockage",
    "Stockage (Go)",
    "Écran (pouces)",
    "Système",
    "Batterie (%)",
    "État à l'arrivée",
    "Emplacement",
    "Lot",
    "État",
    "Note",
    "Reçu le",
]


def frame(devices: Sequence[Device]) -> pd.DataFrame:
    rows = [
        [
            d.asset_tag,
            DEVICE_TYPE_LABELS[d.device_type],
            d.brand,
            d.model,
            d.serial,
            d.imei,
            d.cpu,
            d.cpu_score,
            d.ram_gb,
            d.storage_type.value.upper() if d.storage_type else "",
            d.storage_gb,
            d.screen_inches,
            d.os,
            d.battery_health_pct,
            d.condition.value if d.condition else "",
            d.location.name if d.location else "",
            d.batch_id,
            STATE_LABELS[d.state],
            GRADE_LABELS[d.grade] if d.grade else "",
            d.created_at.date().isoformat() if d.created_at else "",
        ]
        for d in devices
    ]
    result = pd.DataFrame(rows, columns=COLUMNS)
    for name in ("Indice processeur", "Stockage (Go)", "Batterie (%)", "Lot"):
        result[name] = result[name].astype("Int64")
    return safe_frame(result)  # no cell can be a formula


def to_csv(devices: Sequence[Device]) -> bytes:
    """``;`` separators, decimal commas and a BOM: French Excel opens it as it is."""
    text = frame(devices).to_csv(sep=";", decimal=",", index=False)
    return text.encode("utf-8-sig")


def to_xlsx(devices: Sequence[Device]) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame(devices).to_excel(writer, index=False, sheet_name="Appareils")
        sheet = writer.sheets["Appareils"]
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) for cell in column[:200])
            sheet.column_dimensions[column[0].column_letter].width = min(40, max(10, width + 2))
    return out.getvalue()
