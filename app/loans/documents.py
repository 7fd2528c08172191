"""The counter's printed documents: loan sheet, sale receipt, cession certificate (PDF).

Functions take plain dataclasses and return PDF bytes; services fill the dataclasses from
the records. A4, true to size, in the font labels and certificates embed
(``app.documents.pdf.fonts``: DejaVu Sans, which prints "Ayşe", "Łukasz", "Nguyễn", Greek
and Cyrillic names as typed; a core font would garble them).
The QR code is drawn as vector squares from ``qrcode``'s matrix, so it stays sharp at any
print resolution (pdf_layout.py; app/documents/qr.py did not exist when this was written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)

from app.core.i18n import translate as _
from app.loans.pdf_layout import (
    build_pdf,
    esc,
    fr_date,
    grid,
    header,
    qr_block,
    signature_image,
    styles,
    table_style,
)
from app.loans.terms import format_eur


@dataclass(frozen=True)
class Party:
    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    siret: str = ""
    rna: str = ""  # the association's RNA number (W + 9 digits), from its directory place


@dataclass(frozen=True)
class DeviceInfo:
    kind: str  # already in French: "Ordinateur portable"
    brand: str
    model: str
    serial: str
    asset_tag: str
    grade: str = ""
    condition: str = ""
    imei: str = ""  # phones


@dataclass(frozen=True)
class LoanSheetData:
    number: str
    lender: Party
    borrower: Party
    device: DeviceInfo
    accessories: list[str]
    start: date
    due: date
    deposit_cents: int
    programme: str
    family_url: str
    support: list[str] = field(default_factory=list)
    training: list[str] = field(default_factory=list)
    signature_png: bytes | None = None  # None: signed on paper
    signed_on: date | None = None
    signer_name: str = ""


@dataclass(frozen=True)
class ReceiptData:
    number: str
    sold_on: date
    seller: Party
    buyer: Party
    device: DeviceInfo
    accessories: list[str]
    price_cents: int
    programme: str
    payment_method: str  # already in French
    warranty_months: int
    warranty_until: date
    family_url: str
    support: list[str] = field(default_factory=list)
    # "TVA non applicable, article 261-7-1°-b du CGI" for an association; "" prints none.
    vat_statement: str = ""
    commitments: list[str] = field(default_factory=list)  # "passer le test Pix"


@dataclass(frozen=True)
class CessionData:
    number: str
    ceded_on: date
    association: Party
    beneficiary: Party
    device: DeviceInfo
    loan_number: str
    loan_start: date
    programme: str
    price_cents: int
    family_url: str
    accessories: list[str] = field(default_factory=list)  # lent with the device


def _party_block(title: str, party: Party, st: dict[str, ParagraphStyle]) -> list[Paragraph]:
    lines = [f"<b>{esc(title)}</b>", esc(party.name)]
    for extra in (party.address, party.phone, party.email):
        if extra:
            lines.append(esc(extra))
    if party.siret:
        lines.append(esc(_("SIRET : %(s)s", s=party.siret)))
    if party.rna:
        lines.append(esc(_("RNA : %(r)s", r=party.rna)))
    return [Paragraph("<br/>".join(lines), st["n"])]


def _device_rows(device: DeviceInfo, accessories: list[str]) -> list[list[object]]:
    rows: list[list[object]] = [
        [_("Appareil"), f"{device.kind} {device.brand} {device.model}".strip()]
    ]
    if device.imei:  # a phone is known by its IMEI (what an operator or the police ask)
        rows.append([_("IMEI"), device.imei])
    if device.serial or not device.imei:
        rows.append([_("Numéro de série"), device.serial or "-"])
    rows.append([_("Numéro d'inventaire"), device.asset_tag])
    if device.grade or device.condition:
        rows.append([_("État"), " · ".join(x for x in (device.grade, device.condition) if x)])
    rows.append([_("Accessoires"), ", ".join(accessories) if accessories else _("aucun")])
    return rows


def _parties(
    left_title: str, left: Party, right_title: str, right: Party, st: dict[str, ParagraphStyle]
) -> Table:
    table = Table(
        [[_party_block(left_title, left, st), _party_block(right_title, right, st)]],
        colWidths=[85 * mm, 85 * mm],
    )
    table.setStyle(
        table_style(
            [("BOX", (0, 0), (0, 0), 0.5, colors.grey), ("BOX", (1, 0), (1, 0), 0.5, colors.grey)]
        )
    )
    return table


def loan_sheet_pdf(data: LoanSheetData) -> bytes:
    """The loan agreement (convention de prêt), DOMAIN.md section 5."""
    st = styles()
    story: list[Flowable] = [
        header(_("Convention de prêt de matériel"), _("N° %(n)s", n=data.number), st),
        Spacer(1, 4 * mm),
        _parties(_("Le prêteur"), data.lender, _("L'emprunteur (le foyer)"), data.borrower, st),
        Paragraph(_("Le matériel prêté"), st["h2"]),
        grid(_device_rows(data.device, data.accessories), [45 * mm, 125 * mm]),
        Paragraph(_("Durée et caution"), st["h2"]),
        grid(
            [
                [_("Programme"), data.programme or "-"],
                [_("Début du prêt"), fr_date(data.start)],
                [_("À rendre au plus tard le"), fr_date(data.due)],
                [
                    _("Caution"),
                    format_eur(data.deposit_cents) if data.deposit_cents else _("aucune"),
                ],
            ],
            [45 * mm, 125 * mm],
        ),
        Paragraph(_("Conditions"), st["h2"]),
    ]
    conditions = [
        _("Le matériel est prêté pour un usage personnel et familial."),
        _("Il ne peut être ni vendu, ni donné, ni prêté à une autre personne."),
        _(
            "En cas de panne : ne pas ouvrir l'appareil, appeler ou venir voir l'association, "
            "qui répare ou remplace si c'est possible."
        ),
        _(
            "En cas de perte ou de vol : prévenir l'association dans les 48 heures ; en cas "
            "de vol, porter plainte et donner une copie du récépissé."
        ),
        _(
            "Au retour : rapporter l'appareil et ses accessoires aux heures d'ouverture, à la "
            "date prévue. L'état est vérifié devant vous ; la caution est rendue, moins les "
            "dégâts éventuels."
        ),
        _("Vos données personnelles sur l'appareil sont effacées au retour."),
    ]
    story += [Paragraph("• " + esc(c), st["n"]) for c in conditions]
    if data.support:
        story.append(Paragraph(_("Contacts en cas de besoin"), st["h2"]))
        story += [Paragraph(esc(s), st["n"]) for s in data.support]
    story.append(Paragraph(_("Formation"), st["h2"]))
    if data.training:
        story += [Paragraph(esc(s), st["n"]) for s in data.training]
    else:
        story.append(Paragraph(_("Aucune séance réservée pour l'instant."), st["n"]))
    story += [
        Spacer(1, 2 * mm),
        qr_block(
            data.family_url,
            _(
                "<b>Votre page :</b> scannez ce code avec votre téléphone pour revoir "
                "votre appareil, la date de retour et quoi faire en cas de problème."
            ),
            st,
        ),
    ]
    story.append(_signature_block(data, st))
    return build_pdf(story, _("Convention de prêt %(n)s", n=data.number))


def _signature_block(data: LoanSheetData, st: dict[str, ParagraphStyle]) -> KeepTogether:
    signed_on = fr_date(data.signed_on or data.start)
    left: list[Flowable] = [
        Paragraph(_("<b>Pour l'emprunteur</b> : %(name)s", name=esc(data.signer_name)), st["n"]),
        Paragraph(_("Le %(d)s", d=signed_on), st["n"]),
    ]
    if data.signature_png:
        left.append(signature_image(data.signature_png, 60 * mm, 18 * mm))
        left.append(Paragraph(_("Signé sur écran au comptoir."), st["small"]))
    else:
        left.append(Paragraph(_("Signé sur papier."), st["small"]))
        left.append(Spacer(1, 15 * mm))
    right: list[Flowable] = [
        Paragraph(_("<b>Pour l'association</b> : %(name)s", name=esc(data.lender.name)), st["n"]),
        Paragraph(_("Le %(d)s", d=signed_on), st["n"]),
        Spacer(1, 15 * mm),
    ]
    table = Table([[left, right]], colWidths=[85 * mm, 85 * mm])
    table.setStyle(
        table_style(
            [("BOX", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    return KeepTogether([Paragraph(_("Signatures"), st["h2"]), table])


def receipt_pdf(data: ReceiptData) -> bytes:
    """The sale receipt: sequential number, parties, device, price, payment, warranty."""
    st = styles()
    story: list[Flowable] = [
        header(_("Reçu de vente"), _("N° %(n)s", n=data.number), st),
        Paragraph(_("Date de la vente : %(d)s", d=fr_date(data.sold_on)), st["n"]),
        Spacer(1, 4 * mm),
        _parties(_("Le vendeur"), data.seller, _("L'acheteur"), data.buyer, st),
        Paragraph(_("Le matériel vendu"), st["h2"]),
        grid(_device_rows(data.device, data.accessories), [45 * mm, 125 * mm]),
        Paragraph(_("Paiement"), st["h2"]),
        grid(
            [
                [_("Programme"), data.programme or "-"],
                [_("Prix payé TTC"), format_eur(data.price_cents)],
                [_("Moyen de paiement"), data.payment_method],
            ],
            [45 * mm, 125 * mm],
        ),
    ]
    if data.vat_statement:
        story.append(Paragraph(esc(data.vat_statement), st["small"]))
    if data.commitments:
        story.append(Paragraph(_("Engagements pris avec ce programme"), st["h2"]))
        story += [Paragraph("• " + esc(c), st["n"]) for c in data.commitments]
    story += [
        Paragraph(_("Garantie"), st["h2"]),
        Paragraph(
            esc(
                _(
                    "Matériel d'occasion reconditionné : garantie légale de conformité de "
                    "%(m)s mois, jusqu'au %(d)s (articles L217-3 et suivants du code de la "
                    "consommation). En cas de panne, rapportez l'appareil avec ce reçu.",
                    m=data.warranty_months,
                    d=fr_date(data.warranty_until),
                )
            ),
            st["n"],
        ),
    ]
    if data.support:
        story.append(Paragraph(_("Contacts"), st["h2"]))
        story += [Paragraph(esc(s), st["n"]) for s in data.support]
    story += [
        Spacer(1, 4 * mm),
        qr_block(
            data.family_url,
            _(
                "<b>Votre page :</b> scannez ce code avec votre téléphone pour revoir votre "
                "appareil, la garantie et quoi faire en cas de panne."
            ),
            st,
        ),
    ]
    return build_pdf(story, _("Reçu %(n)s", n=data.number))


def cession_pdf(data: CessionData) -> bytes:
    """The certificate that turns a loan into ownership (attestation de cession)."""
    st = styles()
    price = format_eur(data.price_cents) if data.price_cents else _("à titre gratuit")
    story: list[Flowable] = [
        header(_("Attestation de cession"), _("N° %(n)s", n=data.number), st),
        Paragraph(_("Date de la cession : %(d)s", d=fr_date(data.ceded_on)), st["n"]),
        Spacer(1, 4 * mm),
        _parties(_("L'association"), data.association, _("Le bénéficiaire"), data.beneficiary, st),
        Paragraph(_("Le matériel cédé"), st["h2"]),
        grid(_device_rows(data.device, data.accessories), [45 * mm, 125 * mm]),
        Spacer(1, 3 * mm),
        Paragraph(
            esc(
                _(
                    "Le matériel prêté le %(start)s (convention n° %(loan)s, programme "
                    "%(prog)s) devient la propriété du bénéficiaire à compter du %(d)s, "
                    "%(price)s. Le prêt prend fin : il n'y a plus de date de retour.",
                    start=fr_date(data.loan_start),
                    loan=data.loan_number,
                    prog=data.programme or "-",
                    d=fr_date(data.ceded_on),
                    price=price,
                )
            ),
            st["n"],
        ),
        Spacer(1, 4 * mm),
        qr_block(data.family_url, _("<b>Votre page</b> reste accessible avec ce code."), st),
        Spacer(1, 6 * mm),
        Table(
            [[_("Pour l'association"), _("Le bénéficiaire")], ["", ""]],
            colWidths=[85 * mm, 85 * mm],
            rowHeights=[8 * mm, 22 * mm],
            style=table_style([("BOX", (0, 0), (-1, -1), 0.5, colors.grey)]),
        ),
    ]
    return build_pdf(story, _("Attestation de cession %(n)s", n=data.number))
