"""The rules of the counter: loan or sale terms, due dates, extensions, receipts. Pure module.

No Flask and no SQLAlchemy: services load the records, call these functions with plain
values and store what they return. Money is kept in euro cents (int) everywhere.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class TermsError(Exception):
    """A rule refused the action; ``message`` is French, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Mode(StrEnum):
    """What the programme gives: a loan (the device comes back), a sale, or a gift."""

    LOAN = "loan"
    SALE = "sale"
    GIFT = "gift"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CARD = "card"
    CHEQUE = "cheque"
    VOUCHER = "voucher"  # a paper or digital voucher paid by the prescriber or a funder


class Accessory(StrEnum):
    CHARGER = "charger"
    MOUSE = "mouse"
    BAG = "bag"
    KEYBOARD = "keyboard"
    HEADSET = "headset"
    CABLE = "cable"


class ReturnCheck(StrEnum):
    """The condition checklist filled in when a lent device comes back."""

    POWERS_ON = "powers_on"
    SCREEN_OK = "screen_ok"
    KEYBOARD_OK = "keyboard_ok"
    CHARGER_BACK = "charger_back"
    ACCESSORIES_BACK = "accessories_back"
    NO_VISIBLE_DAMAGE = "no_visible_damage"


# Defaults when a programme says nothing (each one can be overridden by the programme).
DEFAULT_LOAN_MONTHS = 6
DEFAULT_EXTENSION_DAYS = 90
DEFAULT_MAX_EXTENSIONS = 1
DEFAULT_WARRANTY_MONTHS = 12  # used goods: legal conformity guarantee, 12 months
DEFAULT_RESERVATION_DAYS = 7
# Reminders: this many days before the due date (and on the day itself for the last one).
REMINDER_DAYS_BEFORE = 3
MAX_SIGNATURE_BYTES = 300_000


@dataclass(frozen=True)
class Terms:
    """What a programme's decision gives the household at the counter."""

    mode: Mode
    price_cents: int = 0
    loan_months: int = DEFAULT_LOAN_MONTHS
    deposit_cents: int = 0
    max_extensions: int = DEFAULT_MAX_EXTENSIONS
    extension_days: int = DEFAULT_EXTENSION_DAYS
    warranty_months: int = DEFAULT_WARRANTY_MONTHS
    # A loan may be turned into ownership after this many months (None: never).
    cession_after_months: int | None = None
    programme_code: str = ""
    programme_name: str = ""
    # The price comes from a grid by device type and grade: known once a device is scanned.
    price_by_grade: bool = False


def _int(value: object, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise TermsError("Valeur de conditions du programme invalide.")
    if isinstance(value, int):
        return value
    if isinstance(value, float | str):
        try:
            return int(round(float(value)))
        except ValueError:
            pass
    raise TermsError("Valeur de conditions du programme invalide.")


def euros_to_cents(value: object) -> int:
    """'15', 15, 15.0, '15,50' -> cents. Raises TermsError on anything else or a negative."""
    if isinstance(value, bool):
        raise TermsError("Montant invalide.")
    if isinstance(value, int):
        cents = value * 100
    elif isinstance(value, float):
        cents = int(round(value * 100))
    elif isinstance(value, str) and re.fullmatch(r"\s*\d+([.,]\d{1,2})?\s*(€|EUR)?\s*", value):
        number = value.strip().removesuffix("EUR").removesuffix("€").strip().replace(",", ".")
        cents = int(round(float(number) * 100))
    else:
        raise TermsError("Montant invalide.")
    if cents < 0:
        raise TermsError("Un montant ne peut pas être négatif.")
    return cents


def price_from_grid(grid: object, device_type: str | None, grade: str | None) -> int:
    """A price in cents from a programme's grid {device type: {grade: euros}}."""
    if not isinstance(grid, dict):
        raise TermsError("Grille de prix du programme illisible.")
    if not device_type or device_type not in grid:
        raise TermsError("Le programme ne donne pas de prix pour ce type d'appareil.")
    row = grid[device_type]
    if not isinstance(row, dict):
        raise TermsError("Grille de prix du programme illisible.")
    # Grades are compared without case: the inventory stores "b", programme files say "B".
    by_grade = {str(key).upper(): value for key, value in row.items()}
    if not grade or grade.upper() not in by_grade:
        raise TermsError(
            "Le programme fixe le prix selon la note de l'appareil : "
            "cet appareil n'a pas de note prévue par la grille."
        )
    return euros_to_cents(by_grade[grade.upper()])


def terms_from_decision(
    decision: dict[str, object], device_type: str | None = None, grade: str | None = None
) -> Terms:
    """Read a programme decision (what the eligibility engine gives for a prescription).

    Understood keys: ``mode`` ("loan" | "sale" | "gift"; ``kind`` "aid" is a free
    handover paid by the prescriber), ``price_eur`` or ``price_cents`` or ``price_grid``
    (device type -> grade -> euros, needs ``device_type`` and ``grade``), ``loan_months``,
    ``deposit_eur`` or ``deposit_cents``, ``max_extensions``, ``extension_days``,
    ``warranty_months``, ``cession_after_months``, ``programme_code``,
    ``programme_name``. A decision with a price and no mode is a sale; with neither, a
    loan.
    """
    raw_mode = decision.get("mode")
    if not raw_mode and decision.get("kind") == "aid":
        raw_mode = Mode.GIFT.value
    price_cents: int
    if decision.get("price_cents") is not None:
        price_cents = _int(decision["price_cents"], 0)
    elif decision.get("price_eur") is not None:
        price_cents = euros_to_cents(decision["price_eur"])
    elif decision.get("price_grid") is not None and raw_mode in (None, Mode.SALE.value):
        if device_type is None:
            price_cents = 0  # known once the device is scanned (see Terms.price_by_grade)
        else:
            price_cents = price_from_grid(decision["price_grid"], device_type, grade)
    else:
        price_cents = 0
    if raw_mode:
        try:
            mode = Mode(str(raw_mode))
        except ValueError:
            raise TermsError(f"Mode de remise inconnu : {raw_mode}.") from None
    else:
        mode = Mode.SALE if price_cents > 0 or decision.get("price_grid") else Mode.LOAN
    if decision.get("deposit_cents") is not None:
        deposit = _int(decision["deposit_cents"], 0)
    elif decision.get("deposit_eur") is not None:
        deposit = euros_to_cents(decision["deposit_eur"])
    else:
        deposit = 0
    cession = decision.get("cession_after_months")
    terms = Terms(
        mode=mode,
        price_cents=price_cents if mode is Mode.SALE else 0,
        loan_months=_int(decision.get("loan_months"), DEFAULT_LOAN_MONTHS),
        deposit_cents=deposit if mode is Mode.LOAN else 0,
        max_extensions=_int(decision.get("max_extensions"), DEFAULT_MAX_EXTENSIONS),
        extension_days=_int(decision.get("extension_days"), DEFAULT_EXTENSION_DAYS),
        warranty_months=_int(decision.get("warranty_months"), DEFAULT_WARRANTY_MONTHS),
        cession_after_months=None if cession is None else _int(cession, 0),
        programme_code=str(decision.get("programme_code") or ""),
        programme_name=str(decision.get("programme_name") or ""),
        price_by_grade=mode is Mode.SALE and price_cents == 0 and "price_grid" in decision,
    )
    validate_terms(terms)
    return terms


def validate_terms(terms: Terms) -> None:
    if terms.mode is Mode.SALE and terms.price_cents <= 0 and not terms.price_by_grade:
        raise TermsError("Une vente doit avoir un prix (sinon c'est un don).")
    if terms.mode is Mode.LOAN and not 1 <= terms.loan_months <= 60:
        raise TermsError("La durée d'un prêt doit être entre 1 et 60 mois.")
    if terms.max_extensions < 0 or terms.extension_days < 0:
        raise TermsError("Les prolongations ne peuvent pas être négatives.")
    if not 0 <= terms.warranty_months <= 60:
        raise TermsError("La garantie doit être entre 0 et 60 mois.")


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, or the month's last day (31 Jan + 1 month -> 28/29 Feb)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def due_date(start: date, terms: Terms) -> date:
    """The return date of a loan that starts on ``start``."""
    if terms.mode is not Mode.LOAN:
        raise TermsError("Seul un prêt a une date de retour.")
    return add_months(start, terms.loan_months)


def warranty_end(sold_on: date, warranty_months: int) -> date:
    return add_months(sold_on, warranty_months)


def extend(due: date, extensions_done: int, terms: Terms, today: date) -> date:
    """The new due date after one more extension, or TermsError saying why not."""
    if extensions_done >= terms.max_extensions:
        if terms.max_extensions == 0:
            raise TermsError("Ce programme ne permet pas de prolonger le prêt.")
        raise TermsError(
            f"Le prêt a déjà été prolongé {extensions_done} fois : "
            f"c'est le maximum pour ce programme ({terms.max_extensions})."
        )
    if terms.extension_days <= 0:
        raise TermsError("Ce programme ne permet pas de prolonger le prêt.")
    # An overdue loan is extended from today, so the family gets the full extension.
    return max(due, today) + timedelta(days=terms.extension_days)


def days_overdue(due: date, today: date) -> int:
    """0 when not overdue; otherwise the number of days past the due date."""
    return max(0, (today - due).days)


def is_overdue(due: date, today: date) -> bool:
    return today > due


def reminder_due(due: date, today: date, days_before: int = REMINDER_DAYS_BEFORE) -> bool:
    """True from ``days_before`` days before the due date until the due date itself."""
    return due - timedelta(days=days_before) <= today <= due


def reminder_key(loan_id: int, due: date, channel: str) -> str:
    """The outbox key: one reminder per loan, due date and channel, ever."""
    return f"loan:{loan_id}:due:{due.isoformat()}:{channel}"


def reservation_expiry(created: datetime, days: int = DEFAULT_RESERVATION_DAYS) -> datetime:
    if days < 1:
        raise TermsError("Une réservation dure au moins un jour.")
    return created + timedelta(days=days)


def may_cede(start: date, terms: Terms, today: date) -> None:
    """Raise TermsError unless the loan may now be turned into ownership."""
    if terms.cession_after_months is None:
        raise TermsError("Ce programme ne prévoit pas de céder l'appareil prêté.")
    earliest = add_months(start, terms.cession_after_months)
    if today < earliest:
        raise TermsError(
            f"L'appareil pourra être cédé à partir du {earliest.strftime('%d/%m/%Y')}."
        )


def deposit_refund(deposit_cents: int, retained_cents: int) -> int:
    """What is given back of the deposit when ``retained_cents`` is kept for damage."""
    if retained_cents < 0:
        raise TermsError("La retenue ne peut pas être négative.")
    if retained_cents > deposit_cents:
        raise TermsError("La retenue ne peut pas dépasser la caution.")
    return deposit_cents - retained_cents


def receipt_number(year: int, sequence: int) -> str:
    """'2026-00042': the year and the number of the sale in that organisation's year."""
    if sequence < 1:
        raise TermsError("Numéro de reçu invalide.")
    return f"{year}-{sequence:05d}"


def format_eur(cents: int) -> str:
    """1500 -> '15,00 €' (French format, narrow no-break space before the sign)."""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", "\u202f")
    sign = "-" if cents < 0 else ""
    return f"{sign}{grouped},{rest:02d}\u00a0€"
