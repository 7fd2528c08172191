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
from app.inventory import erasure_rules
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
    "degauss": "Démagnétisation",
    "destruction": "Destruction physique",
}
RESULTS = {"erased": "Effacé", "failed": "Échec"}


def certified_level(device: Device, erasure: ErasureRecord) -> str:
    """The level the method reaches on the medium the record erased (Appendix A), never more."""
    level = erasure_rules.certified_level(erasure.medium, erasure.method, erasure.level)
    return LEVELS[level.value]


def _medium_label(device: Device, erasure: ErasureRecord | None) -> str:
    """The medium an erasure was on (the record's); a device never erased: its own."""
    if erasure is not None:
        return erasure.medium_label
    storage = device.storage_type.value if device.storage_type else None
    medium = erasure_rules.medium_of(device.device_type.value, storage)
    return erasure_rules.MEDIUM_LABELS[medium] if medium else ""


def _certificate_page(
    canvas: Canvas,
    device: Device,
    erasure: ErasureRecord,
    org: Any,
    batch_label: str,
    warning: str = "",
) -> None:
    regular, bold = fonts()
    height = 297 * mm
    left = 20 * mm
    y = height - 25 * mm
    canvas.setFont(bold, 16)
    canvas.drawString(left, y, "Certificat d'effacement des données")
    y -= 8 * mm
    canvas.setFont(regular, 9)
    canvas.drawString(
        left, y, "Selon NIST SP 800-88 Rév. 1 : champs de l'annexe G, niveau selon l'annexe A"
    )
    y -= 10 * mm
    for line in warning.splitlines():
        canvas.setFont(bold, 10)
        canvas.drawString(left, y, ellipsize(line, bold, 10, 170 * mm))
        y -= 5.5 * mm
    y -= 3 * mm if warning else 0

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
            ("Type de support", erasure.medium_label),
            ("Fabricant", erasure.disk_make),
            ("Modèle", erasure.disk_model),
            ("Numéro de série", erasure.disk_serial),
            ("Capacité", f"{erasure.disk_size_gb} Go" if erasure.disk_size_gb else ""),
        ],
    )
    section(
        "Effacement",
        [
            ("Niveau atteint", certified_level(device, erasure)),
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


def _summary_page(
    canvas: Canvas,
    media: Sequence[tuple[Device, ErasureRecord | None]],
    org: Any,
    batch_label: str,
) -> None:
    """The batch at a glance for the donor: every medium with the level it reached."""
    regular, bold = fonts()
    left, y = 20 * mm, 272 * mm
    canvas.setFont(bold, 16)
    canvas.drawString(left, y, "Effacement des données : récapitulatif du lot")
    y -= 7 * mm
    canvas.setFont(regular, 9.5)
    canvas.drawString(
        left, y, ellipsize(f"{getattr(org, 'name', '')} · {batch_label}", regular, 9.5, 170 * mm)
    )
    y -= 6 * mm
    canvas.drawString(
        left,
        y,
        "Niveau atteint selon NIST SP 800-88 Rév. 1, annexe A ; le dernier effacement de chaque"
        " support fait foi.",
    )
    y -= 9 * mm
    columns = [(0, "Étiquette"), (20, "Appareil"), (60, "Support"), (98, "N° de série du support"), (132, "Niveau")]  # fmt: skip
    canvas.setFont(bold, 9)
    for x, title in columns:
        canvas.drawString(left + x * mm, y, title)
    y -= 6 * mm
    for device, erasure in media:
        if y < 25 * mm:
            canvas.showPage()
            y = 272 * mm
        if erasure is None:
            level = "Non effacé"
        elif erasure.result.value != "erased":
            level = "Non effacé (échec)"
        else:
            level = certified_level(device, erasure)
        cells = [
            device.asset_tag,
            f"{device.brand} {device.model}".strip() or DEVICE_TYPE_LABELS[device.device_type],
            _medium_label(device, erasure) or "—",
            (erasure.disk_serial if erasure else "") or "—",
            level,
        ]
        canvas.setFont(regular, 9)
        widths = [19, 39, 37, 33, 38]
        for (x, _title), width, text in zip(columns, widths, cells, strict=True):
            canvas.drawString(left + x * mm, y, ellipsize(text, regular, 9, width * mm))
        y -= 5.5 * mm
    canvas.showPage()


def certificates_pdf(
    items: Sequence[tuple[Device, ErasureRecord]],
    org: Any,
    batch_label: str = "",
    *,
    media: Sequence[tuple[Device, ErasureRecord | None]] | None = None,
    warning: str = "",
) -> bytes:
    """One page per (device, erasure): the certificate kept for the donor.

    ``media`` (a batch's media, each with its latest erasure: donations.batch_media) adds
    a first page that lists every medium with its level; ``warning`` is printed on top of each certificate.
    """

    def build(canvas: Canvas) -> None:
        if media:
            _summary_page(canvas, media, org, batch_label)
        if not items:
            regular, _bold = fonts()
            canvas.setFont(regular, 12)
            canvas.drawString(
                20 * mm, 270 * mm, "Aucun effacement réussi dans ce lot pour l'instant."
            )
            canvas.showPage()
        for device, erasure in items:
            label = batch_label or (f"n° {device.batch_id}" if device.batch_id else "")
            _certificate_page(canvas, device, erasure, org, label, warning)

    return render(build, (210, 297), "Certificats d'effacement")
