"""From records to the printed documents' dataclasses (documents.py draws them)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import lazy_gettext as _l

from app.accounts.models import Organisation
from app.extensions import db
from app.households.models import Household
from app.inventory.models import Device
from app.loans import documents as doc
from app.loans import neighbours, services
from app.loans.i18n import _
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


def org_party(org: Organisation) -> doc.Party:
    address = ", ".join(x for x in (org.address, f"{org.postcode} {org.commune}".strip()) if x)
    return doc.Party(org.name, address, org.phone, org.email, org.siret)


def household_party(household: Household) -> doc.Party:
    address = ", ".join(
        x
        for x in (household.postal_address, f"{household.postcode} {household.commune}".strip())
        if x
    )
    return doc.Party(household.reference_name, address, household.phone, household.email)


def device_info(device: Device, condition: str = "") -> doc.DeviceInfo:
    return doc.DeviceInfo(
        kind=services.device_kind(device),
        brand=device.brand,
        model=device.model,
        serial=device.serial,
        asset_tag=device.asset_tag,
        grade=_("Note %(g)s", g=device.grade.value.upper()) if device.grade else "",
        condition=condition,
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
        if booked.waiting:
            line += " " + _("(liste d'attente)")
        lines.append(line)
    return lines


def _org(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    assert org is not None
    return org


def loan_sheet(loan: Loan, actor: Any) -> bytes:
    org = _org(loan.organisation_id)
    raw = services.ensure_family_token(loan.household, loan.organisation_id, actor)
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
        family_url=services.family_url(raw),
        support=support_lines(org),
        training=training_lines(loan.household),
        signature_png=loan.signature_png,
        signed_on=loan.signed_at.date(),
        signer_name=loan.signer_name,
    )
    return doc.loan_sheet_pdf(data)


def receipt(sale: Sale, actor: Any) -> bytes:
    org = _org(sale.organisation_id)
    raw = services.ensure_family_token(sale.household, sale.organisation_id, actor)
    data = doc.ReceiptData(
        number=sale.receipt_number,
        sold_on=sale.sold_at.date(),
        seller=org_party(org),
        buyer=household_party(sale.household),
        device=device_info(sale.device),
        accessories=accessory_labels(sale.accessories),
        price_cents=sale.price_cents,
        programme=sale.programme_name or sale.programme_code,
        payment_method=payment_label(sale.payment_method),
        warranty_months=sale.warranty_months,
        warranty_until=sale.warranty_until,
        family_url=services.family_url(raw),
        support=support_lines(org),
    )
    return doc.receipt_pdf(data)


def cession_certificate(cession: Cession, actor: Any) -> bytes:
    loan = cession.loan
    org = _org(cession.organisation_id)
    raw = services.ensure_family_token(loan.household, loan.organisation_id, actor)
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
        family_url=services.family_url(raw),
    )
    return doc.cession_pdf(data)
