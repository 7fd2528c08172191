"""From records to the printed documents' dataclasses (documents.py draws them)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Organisation
from app.authz.policy import OrgKind
from app.core.i18n import translate as _
from app.directory.models import Place
from app.eligibility.vocabulary import COMMITMENT_LABELS, Commitment
from app.extensions import db
from app.family.links import ensure_family_token, family_url
from app.households.models import Household, Prescription
from app.inventory.grading import Grade
from app.inventory.models import Device
from app.loans import documents as doc
from app.loans import neighbours
from app.loans.counter import device_kind
from app.loans.models import Cession, Loan, Sale
from app.loans.terms import Accessory, PaymentMethod

PARIS = ZoneInfo("Europe/Paris")

ACCESSORY_LABELS = {
    Accessory.CHARGER: _l("Chargeur"),
    Accessory.MOUSE: _l("Souris"),
    Accessory.BAG: _l("Sacoche"),
    Accessory.KEYBOARD: _l("Clavier"),
    Accessory.HEADSET: _l("Casque ou écouteurs"),
    Accessory.CABLE: _l("Câble"),
}

PAYMENT_LABELS = {
    PaymentMethod.CASH: _l("Espèces"),
    PaymentMethod.CARD: _l("Carte bancaire"),
    PaymentMethod.CHEQUE: _l("Chèque"),
    PaymentMethod.VOUCHER: _l("Bon ou chèque solidaire"),
}


def accessory_labels(values: list[str]) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(str(ACCESSORY_LABELS[Accessory(value)]))
        except ValueError:
            out.append(value)
    return out


def payment_label(method: PaymentMethod | None) -> str:
    return str(PAYMENT_LABELS[method]) if method else _("aucun (remise gratuite)")


# The VAT statement of a non-profit association's sales to households that are not its
# members (CGI art. 261, 7, 1°, b; BOI-TVA-CHAMP-30-10-30-10 § 20: operations of social
# non-profit bodies, managed disinterestedly, without asking the users to join). The a
# of the same 1° covers sales to members only; 293 B is the franchise of VAT-liable ones.
VAT_STATEMENT_ASSOCIATION = "TVA non applicable, article 261-7-1°-b du CGI"


def org_rna(org: Organisation) -> str:
    """The association's RNA number, kept on its own directory place (the directory form)."""
    if rna := getattr(org, "rna", ""):  # if Organisation ever carries it itself
        return str(rna)
    return (
        db.session.scalar(
            select(Place.rna).where(
                Place.organisation_id == org.id, Place.source == "", Place.rna != ""
            )
        )
        or ""
    )


def org_party(org: Organisation) -> doc.Party:
    address = ", ".join(x for x in (org.address, f"{org.postcode} {org.commune}".strip()) if x)
    return doc.Party(org.name, address, org.phone, org.email, org.siret, org_rna(org))


def vat_statement(org: Organisation) -> str:
    return _(VAT_STATEMENT_ASSOCIATION) if org.kind is OrgKind.ASSOCIATION else ""


def commitment_lines(prescription: Prescription | None) -> list[str]:
    """What the household promised for the programme (the prescription's decision)."""
    if prescription is None:
        return []
    out = []
    for code in (prescription.decision or {}).get("commitments", []):
        label = COMMITMENT_LABELS.get(Commitment(code)) if code in set(Commitment) else None
        out.append(_(label) if label else str(code))
    return out


def household_party(household: Household) -> doc.Party:
    address = ", ".join(
        x
        for x in (household.postal_address, f"{household.postcode} {household.commune}".strip())
        if x
    )
    return doc.Party(household.reference_name, address, household.phone, household.email)


def _grade_label(code: str) -> str:
    return _("Note %(g)s", g=code.upper())


def device_info(device: Device, condition: str = "") -> doc.DeviceInfo:
    """``condition`` as stored at handover: a loan's starts with the grade it had then
    ("B · Légère rayure"), which is printed once, as the grade."""
    grade = device.grade.value if device.grade else ""
    head, _sep, rest = condition.partition(" · ")
    if head.strip().lower() in set(Grade):
        grade, condition = head.strip().lower(), rest
    return doc.DeviceInfo(
        kind=device_kind(device),
        brand=device.brand,
        model=device.model,
        serial=device.serial,
        asset_tag=device.asset_tag,
        grade=_grade_label(grade) if grade else "",
        condition=condition.strip(),
        imei=device.imei or "",
    )


def support_lines(org: Organisation) -> list[str]:
    lines = [org.name]
    if org.phone:
        lines.append(_("Téléphone : %(p)s", p=org.phone))
    if org.email:
        lines.append(_("E-mail : %(e)s", e=org.email))
    address = ", ".join(x for x in (org.address, f"{org.postcode} {org.commune}".strip()) if x)
    if address:
        lines.append(_("Adresse : %(a)s", a=address))
    return [" · ".join(lines)]


def training_lines(household: Household) -> list[str]:
    """The household's booked training sessions, for the loan sheet."""
    lines = []
    for booked in neighbours.training_bookings(household):
        when = format_datetime(
            booked.starts_at, "EEEE d MMMM y 'à' H'h'mm", tzinfo=PARIS, locale="fr"
        )
        line = f"{when} : {booked.title}, {booked.place} {booked.address}".strip()
        if booked.cancelled:
            line += " " + _("(séance annulée)")
        elif booked.waiting:
            line += " " + _("(liste d'attente)")
        lines.append(line)
    return lines


def _org(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    assert org is not None
    return org


def loan_sheet(loan: Loan, actor: Any) -> bytes:
    org = _org(loan.organisation_id)
    raw = ensure_family_token(loan.household, loan.organisation_id, actor)
    data = doc.LoanSheetData(
        number=loan.number,
        lender=org_party(org),
        borrower=household_party(loan.household),
        device=device_info(loan.device, loan.condition_out),
        accessories=accessory_labels(loan.accessories),
        start=loan.start_on,
        due=loan.due_on,
        deposit_cents=loan.deposit_cents,
        programme=loan.programme_name or loan.programme_code,
        family_url=family_url(raw),
        support=support_lines(org),
        training=training_lines(loan.household),
        signature_png=loan.signature_png,
        signed_on=loan.signed_at.date(),
        signer_name=loan.signer_name,
    )
    return doc.loan_sheet_pdf(data)


def receipt(sale: Sale, actor: Any) -> bytes:
    org = _org(sale.organisation_id)
    raw = ensure_family_token(sale.household, sale.organisation_id, actor)
    data = doc.ReceiptData(
        number=sale.receipt_number,
        sold_on=sale.sold_at.date(),
        seller=org_party(org),
        buyer=household_party(sale.household),
        device=device_info(sale.device, sale.condition_out),
        accessories=accessory_labels(sale.accessories),
        price_cents=sale.price_cents,
        programme=sale.programme_name or sale.programme_code,
        payment_method=payment_label(sale.payment_method),
        warranty_months=sale.warranty_months,
        warranty_until=sale.warranty_until,
        family_url=family_url(raw),
        support=support_lines(org),
        vat_statement=vat_statement(org),
        commitments=commitment_lines(sale.prescription),
    )
    return doc.receipt_pdf(data)


def cession_certificate(cession: Cession, actor: Any) -> bytes:
    loan = cession.loan
    org = _org(cession.organisation_id)
    raw = ensure_family_token(loan.household, loan.organisation_id, actor)
    data = doc.CessionData(
        number=cession.number,
        ceded_on=cession.ceded_on,
        association=org_party(org),
        beneficiary=household_party(loan.household),
        device=device_info(loan.device),
        loan_number=loan.number,
        loan_start=loan.start_on,
        programme=loan.programme_name or loan.programme_code,
        price_cents=cession.price_cents,
        family_url=family_url(raw),
        accessories=accessory_labels(loan.accessories),
    )
    return doc.cession_pdf(data)
