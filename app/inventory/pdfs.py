"""PDFs of the inventory: label sheets and erasure certificates.

Geometry comes from labels.py; QR codes and fonts from app/documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.documents.pdf import ellipsize, fit_text, fonts, render
from app.documents.qr import draw_qr
from app.inventory.grading import GRADE_LABELS
from app.inventory.labels import SHEETS, Sheet, slots
from app.inventory.lifecycle import DEVICE_TYPE_LABELS
from app.inventory.models import Device, ErasureRecord


def device_url(base_url: str, asset_tag: str) -> str:
    """The absolute URL a label's QR code encodes: the device's page, /d/<tag>."""
    return f"{base_url.rstrip('/')}/d/{asset_tag}"


def labels_pdf(
    devices: Sequence[Device],
    sheet_code: str,
    base_url: str,
    *,
    start: int = 1,
    org_name: str = "",
    outlines: bool = False,
) -> bytes:
    """Labels for ``devices`` on ``sheet_code``, from position ``start`` of the first page.

    Each label: the QR code of the device's URL, the tag in large type, the type, brand and
    model, and the association's name. ``outlines`` draws the label edges (test prints).
    """
    sheet = SHEETS[sheet_code]
    places = slots(sheet, len(devices), start)
    regular, bold = fonts()

    def build(canvas: Canvas) -> None:
        page = 0
        for device, slot in zip(devices, places, strict=True):
            while slot.page > page:
                canvas.showPage()
                page += 1
            _label(canvas, sheet, slot.x * mm, slot.y * mm, device, base_url, org_name,
                   regular, bold, outlines)  # fmt: skip

    return render(build, (sheet.page_width, sheet.page_height), "Étiquettes Ordilien")


def _label(
    canvas: Canvas,
    sheet: Sheet,
    x: float,
    y: float,
    device: Device,
    base_url: str,
    org_name: str,
    regular: str,
    bold: str,
    outlines: bool,
) -> None:
    width, height = sheet.label_width * mm, sheet.label_height * mm
    if outlines:
        canvas.setLineWidth(0.2)
        canvas.roundRect(x, y, width, height, 1.5 * mm, stroke=1, fill=0)
    # Avery labels have rounded corners and printers drift ~1 mm: keep clear of the edge.
    pad = 1.5 * mm
    qr_size = height - 2 * pad + 2 * mm  # the quiet zone may run into the padding
    qr_size = min(qr_size, width * 0.55)
    draw_qr(
        canvas,
        device_url(base_url, device.asset_tag),
        x + pad - 1 * mm,
        y + (height - qr_size) / 2,
        qr_size,
    )
    text_x = x + pad - 1 * mm + qr_size + 0.5 * mm
    text_w = x + width - pad - text_x
    tag_size = fit_text(device.asset_tag, bold, 16 if height > 25 * mm else 10, text_w)
    lines: list[tuple[str, str, float]] = [(device.asset_tag, bold, tag_size)]
    small = 7 if height > 25 * mm else 5.5
    kind = DEVICE_TYPE_LABELS[device.device_type]
    lines.append((kind, regular, small))
    if device.brand or device.model:
        lines.append((f"{device.brand} {device.model}".strip(), regular, small))
    if height > 25 * mm:
        if device.grade is not None:
            lines.append((f"Note : {GRADE_LABELS[device.grade]}", regular, small))
        if org_name:
            lines.append((org_name, regular, small - 1))
    total = sum(size * 1.2 for _, _, size in lines)
    cursor = y + height / 2 + total / 2
    for text, font, size in lines:
        cursor -= size * 1.2
        canvas.setFont(font, size)
        canvas.drawString(text_x, cursor + size * 0.2, ellipsize(text, font, size, text_w))


# ---------------------------------------------------------------- erasure certificates

LEVELS = {
    "clear": "Clear (effacement)",
    "purge": "Purge (purge)",
    "destroy": "Destroy (destruction)",
}
METHODS = {
    "overwrite": "Écrasement",
    "ata_sanitize": "ATA Sanitize / Secure Erase",
    "nvme_sanitize": "NVMe Sanitize / Format",
    "crypto_erase": "Effacement cryptographique",
    "factory_reset": "Réinitialisation usine (stockage chiffré)",
    "destruction": "Destruction physique",
}
RESULTS = {"erased": "Effacé", "failed": "Échec"}


def _certificate_page(
    canvas: Canvas, device: Device, erasure: ErasureRecord, org: Any, batch_label: str
) -> None:
    regular, bold = fonts()
    height = 297 * mm
    left = 20 * mm
    y = height - 25 * mm
    canvas.setFont(bold, 16)
    canvas.drawString(left, y, "Certificat d'effacement des données")
    y -= 8 * mm
    canvas.setFont(regular, 9)
    canvas.drawString(left, y, "Selon NIST SP 800-88 Rév. 1, annexe G")
    y -= 10 * mm

    def section(title: str, rows: list[tuple[str, str]]) -> None:
        nonlocal y
        canvas.setFont(bold, 11)
        canvas.drawString(left, y, title)
        y -= 6 * mm
        for label, value in rows:
            canvas.setFont(regular, 9.5)
            canvas.drawString(left, y, label)
            canvas.drawString(left + 55 * mm, y, ellipsize(value or "—", regular, 9.5, 115 * mm))
            y -= 5.5 * mm
        y -= 3 * mm

    section(
        "Organisation",
        [
            ("Nom", getattr(org, "name", "")),
            ("Adresse", " ".join(filter(None, [getattr(org, "address", ""), getattr(org, "postcode", ""), getattr(org, "commune", "")]))),
            ("Lot de don", batch_label),
        ],
    )  # fmt: skip
    section(
        "Appareil",
        [
            ("Étiquette", device.asset_tag),
            ("Type", DEVICE_TYPE_LABELS[device.device_type]),
            ("Marque et modèle", f"{device.brand} {device.model}".strip()),
            ("Numéro de série", device.serial or device.imei),
        ],
    )
    section(
        "Support effacé",
        [
            ("Fabricant", erasure.disk_make),
            ("Modèle", erasure.disk_model),
            ("Numéro de série", erasure.disk_serial),
            ("Capacité", f"{erasure.disk_size_gb} Go" if erasure.disk_size_gb else ""),
        ],
    )
    section(
        "Effacement",
        [
            ("Niveau", LEVELS[erasure.level.value]),
            (
                "Méthode",
                METHODS[erasure.method.value]
                + (f", {erasure.passes} passe(s)" if erasure.passes else ""),
            ),
            ("Outil et version", f"{erasure.tool} {erasure.tool_version}".strip()),
            ("Vérification", erasure.verification),
            ("Début (UTC)", f"{erasure.started_at:%d/%m/%Y %H:%M}"),
            ("Fin (UTC)", f"{erasure.ended_at:%d/%m/%Y %H:%M}"),
            ("Résultat", RESULTS[erasure.result.value]),
        ],
    )
    section(
        "Validation",
        [
            ("Technicien·ne", erasure.technician_name),
            ("Signature", erasure.signature),
            ("Enregistré le (UTC)", f"{erasure.created_at:%d/%m/%Y %H:%M}"),
            ("Référence du certificat", f"EFF-{erasure.id:06d}"),
        ],
    )
    if erasure.notes:
        canvas.setFont(regular, 9)
        canvas.drawString(left, y, ellipsize(f"Remarques : {erasure.notes}", regular, 9, 170 * mm))
    canvas.setFont(regular, 8)
    canvas.drawString(
        left, 15 * mm, "Document établi par Ordilien à partir de l'enregistrement du technicien."
    )
    canvas.showPage()


def certificates_pdf(
    items: Sequence[tuple[Device, ErasureRecord]], org: Any, batch_label: str = ""
) -> bytes:
    """One page per (device, erasure): the certificate kept for the donor."""

    def build(canvas: Canvas) -> None:
        if not items:
            regular, _bold = fonts()
            canvas.setFont(regular, 12)
            canvas.drawString(
                20 * mm, 270 * mm, "Aucun effacement réussi dans ce lot pour l'instant."
            )
            canvas.showPage()
        for device, erasure in items:
            label = batch_label or (f"n° {device.batch_id}" if device.batch_id else "")
            _certificate_page(canvas, device, erasure, org, label)

    return render(build, (210, 297), "Certificats d'effacement")
