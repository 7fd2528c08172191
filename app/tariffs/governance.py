"""Who owns the tariff catalogue and how it stays true (issue 17).

The catalogue of a territory belongs to its coordinator (the coordinator organisation's
managers) or the administrator (``policy.may_own_tariffs``): they edit, verify and
withdraw. Association managers and prescribers propose a change or report "cette offre
n'existe plus" (``TariffProposal``); the owner accepts (the change is applied) or refuses
(with a reason). Every step keeps a TariffRevision and goes to the journal.

"To verify" is computed from the date: an offer not verified for TARIFF_VERIFIED_MONTHS
months is "to verify" the day after, with no cron job; ``flask tariffs review`` prints the
owner's list (the page ``/tarifs/a-verifier`` shows the same list, oldest first).
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import User
from app.audit.services import record
from app.authz.policy import Role, may_own_tariffs
from app.core.clock import today, utcnow
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.tariffs import editing, household_matches, transfer
from app.tariffs.freshness import verified_within
from app.tariffs.models import SocialTariff, TariffProposal
from app.tariffs.offers import country_code

CURRENT = "current"
TO_VERIFY = "to_verify"
WITHDRAWN = "withdrawn"
STATES = (CURRENT, TO_VERIFY, WITHDRAWN)
STATE_LABELS = {CURRENT: "À jour", TO_VERIFY: "À vérifier", WITHDRAWN: "Retirée"}

GONE = "gone"
CHANGE = "change"
# The fields a proposal may change (text and dates a non-owner can read on the page).
PROPOSABLE = ("monthly_price", "content", "other_conditions", "source_url", "valid_to")


instance_country = household_matches.instance_country


def effective_state(tariff: SocialTariff, on: date | None = None, months: int | None = None) -> str:
    """Withdrawn stays withdrawn; otherwise "to verify" when the owner said so or when the
    last verification is older than ``months`` months; else current."""
    if tariff.state == WITHDRAWN:
        return WITHDRAWN
    on = on or today()
    months = household_matches.verified_months() if months is None else months
    if tariff.state == TO_VERIFY or not verified_within(tariff.checked_on, on, months):
        return TO_VERIFY
    return CURRENT


def may_own(user: Any, tariff: SocialTariff | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    organisation = getattr(user, "organisation", None)
    return may_own_tariffs(
        Role(user.role),
        getattr(organisation, "kind", None),
        user.organisation_id,
        tariff.owner_org_id if tariff is not None else None,
    )


def _require_owner(user: Any, tariff: SocialTariff) -> None:
    if not may_own(user, tariff):
        raise DomainError(_("Seul le coordinateur du territoire modifie ce catalogue."))


def review_queue(on: date | None = None) -> list[SocialTariff]:
    """What the owner checks next: offers "to verify" (not withdrawn), oldest first
    (never verified before all)."""
    on = on or today()
    months = household_matches.verified_months()
    rows = db.session.scalars(
        select(SocialTariff).where(
            SocialTariff.state != WITHDRAWN, SocialTariff.country == instance_country()
        )
    )
    stale = [t for t in rows if effective_state(t, on, months) == TO_VERIFY]
    return sorted(stale, key=lambda t: (t.checked_on or date.min, t.id))


def _set(tariff: SocialTariff, actor: Any, action: str, **values: Any) -> None:
    """Write ``values`` with a version bump (the catalogue cache sees it), a revision and
    a journal entry. Does not commit."""
    before = {name: editing._jsonable(getattr(tariff, name)) for name in values}
    db.session.execute(
        update(SocialTariff)
        .where(SocialTariff.id == tariff.id)
        .values(version=SocialTariff.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    after = {name: editing._jsonable(value) for name, value in values.items()}
    editing._revision(tariff.id, action, tariff.version + 1, before, after, actor)
    record(
        f"tariff.{action}",
        "social_tariff",
        tariff.id,
        detail={"provider": tariff.provider, "name": tariff.name, **after},
        actor=actor,
    )


def verify(tariff_id: int, actor: Any) -> SocialTariff:
    """The owner checked the offer with the provider today: current again, by them."""
    tariff = editing.get_tariff(tariff_id)
    _require_owner(actor, tariff)
    _set(
        tariff,
        actor,
        "checked",
        checked_on=today(),
        verified_by_id=getattr(actor, "id", None),
        state=CURRENT,
    )
    db.session.commit()
    db.session.refresh(tariff)
    return tariff


def set_owner_fields(
    tariff_id: int,
    actor: Any,
    *,
    territory: str | None = None,
    state: str | None = None,
    verified: bool = False,
) -> SocialTariff:
    """What the offer form writes besides the offer's facts: its territory, its state,
    and who verified it (``verified``: the form recorded a verification date, so the
    person saving it answers for it). Only the changed values are written, journalled.
    Commits, with the facts the form wrote before it (editing's ``commit=False``)."""
    tariff = editing.get_tariff(tariff_id)
    db.session.refresh(tariff)  # the version the facts' write may just have bumped
    _require_owner(actor, tariff)
    values: dict[str, Any] = {}
    territory = territory.strip()[:120] if territory is not None else None
    if territory is not None and territory != tariff.territory:
        values["territory"] = territory
    if state is not None and state not in STATES:
        raise DomainError(_("État inconnu."), field="state")
    if verified and state == TO_VERIFY and tariff.state == TO_VERIFY:
        # A new verification date lifts a "to verify" left as it was, as "Vérifiée
        # aujourd'hui" does (editing.mark_checked); a withdrawn offer stays withdrawn.
        state = CURRENT
    if state is not None and state != tariff.state:
        values["state"] = state
    actor_id = getattr(actor, "id", None)
    if verified and actor_id is not None and tariff.verified_by_id != actor_id:
        values["verified_by_id"] = actor_id
    if values:
        _set(tariff, actor, "withdrawn" if values.get("state") == WITHDRAWN else "update", **values)
    db.session.commit()
    db.session.refresh(tariff)
    return tariff


def verifier_name(tariff: SocialTariff | None) -> str:
    """The name of who verified the offer last ("" when nobody has)."""
    if tariff is None or tariff.verified_by_id is None:
        return ""
    user = db.session.get(User, tariff.verified_by_id)
    return user.display_name if user is not None else ""


def withdraw(tariff_id: int, actor: Any, reason: str = "") -> SocialTariff:
    """The offer is no longer sold: no household is told about it any more."""
    tariff = editing.get_tariff(tariff_id)
    _require_owner(actor, tariff)
    _set(tariff, actor, "withdrawn", state=WITHDRAWN)
    if reason:
        record("tariff.withdrawn_reason", "social_tariff", tariff.id, detail={"reason": reason})
    db.session.commit()
    db.session.refresh(tariff)
    return tariff


def propose(
    tariff_id: int, actor: Any, kind: str, message: str, changes: dict[str, Any] | None = None
) -> TariffProposal:
    tariff = editing.get_tariff(tariff_id)
    message = (message or "").strip()
    if kind not in (GONE, CHANGE):
        raise DomainError(_("Proposition inconnue."), field="kind")
    changes = {k: v for k, v in (changes or {}).items() if k in PROPOSABLE and v not in ("", None)}
    if kind == CHANGE and not changes and not message:
        raise DomainError(_("Dites ce qui a changé."), field="message")
    proposal = TariffProposal(
        tariff_id=tariff.id,
        kind=kind,
        changes=changes,
        message=message[:2000],
        proposer_id=getattr(actor, "id", None),
        proposer_label=editing._actor_label(actor),
    )
    db.session.add(proposal)
    db.session.flush()
    record(
        f"tariff.proposal.{kind}",
        "tariff_proposal",
        proposal.id,
        detail={"tariff": tariff.id, "message": proposal.message, "changes": changes},
        actor=actor,
    )
    db.session.commit()
    return proposal


def get_proposal(proposal_id: int) -> TariffProposal:
    proposal = db.session.get(TariffProposal, proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None:
        raise NotFound(_("Cette proposition n'existe pas."))
    return proposal


def open_proposals() -> list[TariffProposal]:
    return list(
        db.session.scalars(
            select(TariffProposal)
            .where(TariffProposal.status == "open")
            .order_by(TariffProposal.created_at, TariffProposal.id)
        )
    )


def _decide(proposal: TariffProposal, actor: Any, status: str, reason: str) -> None:
    proposal.status = status
    proposal.reason = reason
    proposal.decided_at = utcnow()
    proposal.decided_by_id = getattr(actor, "id", None)
    proposal.decided_by_label = editing._actor_label(actor)
    record(
        f"tariff.proposal.{status}",
        "tariff_proposal",
        proposal.id,
        detail={"tariff": proposal.tariff_id, "reason": reason, "by": proposal.proposer_label},
        actor=actor,
    )


def accept(proposal_id: int, actor: Any) -> TariffProposal:
    """Apply the proposal: an offer reported gone is withdrawn, a change is written."""
    proposal = get_proposal(proposal_id)
    if proposal.status != "open":
        raise DomainError(_("Cette proposition a déjà reçu une réponse."))
    tariff = editing.get_tariff(proposal.tariff_id)
    _require_owner(actor, tariff)
    if proposal.kind == GONE:
        _set(tariff, actor, "withdrawn", state=WITHDRAWN)
    else:
        values: dict[str, Any] = {}
        for name, raw in proposal.changes.items():
            if name == "monthly_price":
                values[name] = transfer._decimal(str(raw))
            elif name == "valid_to":
                values[name] = transfer._date(str(raw))
            else:
                values[name] = str(raw)
        data = editing.clean(replace(editing.data_of(tariff), **values))
        db.session.commit()
        editing._change(tariff, data, tariff.version, actor, "update")
    _decide(proposal, actor, "accepted", "")
    db.session.commit()
    return proposal


def refuse(proposal_id: int, actor: Any, reason: str) -> TariffProposal:
    proposal = get_proposal(proposal_id)
    if proposal.status != "open":
        raise DomainError(_("Cette proposition a déjà reçu une réponse."))
    _require_owner(actor, editing.get_tariff(proposal.tariff_id))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Un refus dit toujours pourquoi."), field="reason")
    _decide(proposal, actor, "refused", reason[:2000])
    db.session.commit()
    return proposal


# ---- CSV import with the governance columns (etat, territoire) --------------------------

_KEY_COLUMNS = (("pays", "country"), ("fournisseur", "provider"), ("offre", "name"))


def _governance_rows(
    raw: bytes,
) -> tuple[list[tuple[int, tuple[str, str, str], dict[str, str]]], list[tuple[int, str]]]:
    """The etat / territoire cells of each line, keyed by (country, provider, name)."""
    text = ""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    lines = text.splitlines()
    if not lines:
        return [], []
    sep = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=sep)
    fields_ = {(f or "").strip().lower(): f for f in (reader.fieldnames or [])}
    if "etat" not in fields_ and "territoire" not in fields_:
        return [], []
    rows, errors = [], []
    for index, row in enumerate(reader):
        line = index + 2

        def cell(name: str, row: dict[str, Any] = row) -> str:
            return str(row.get(fields_.get(name, ""), "") or "").strip()

        key = (country_code(cell("pays")), cell("fournisseur"), cell("offre"))
        values: dict[str, str] = {}
        state = cell("etat")
        if state:
            if state not in STATES:
                errors.append(
                    (
                        line,
                        _(
                            "etat : « %(value)s » n'est pas current, to_verify ou withdrawn.",
                            value=state,
                        ),
                    )
                )
                continue
            values["state"] = state
        if "territoire" in fields_:
            values["territory"] = cell("territoire")[:120]
        rows.append((line, key, values))
    return rows, errors


def import_csv(
    raw: bytes, actor: Any = None, *, create_only: bool = False
) -> transfer.ImportReport:
    """transfer.import_csv plus the state and territory columns: all or nothing (the
    governance columns are checked before anything is written), each change journalled."""
    rows, errors = _governance_rows(raw)
    if errors:
        return transfer.ImportReport(errors=errors)
    before = {(t.country, t.provider, t.name) for t in db.session.scalars(select(SocialTariff))}
    report = transfer.import_csv(raw, actor, create_only=create_only)
    if report.errors or not rows:
        return report
    by_key = {(t.country, t.provider, t.name): t for t in db.session.scalars(select(SocialTariff))}
    for _line, key, values in rows:
        tariff = by_key.get(key)
        if tariff is None or (create_only and key in before):
            continue
        changed = {k: v for k, v in values.items() if getattr(tariff, k) != v}
        if changed:
            _set(tariff, actor, "import", **changed)
    db.session.commit()
    return report


def load_starting_catalogue(actor: Any = None, country: str | None = None) -> transfer.ImportReport:
    """The catalogue shipped for ``country`` (the instance's, TARIFF_COUNTRY, by default)
    with its states: app/tariffs/data/catalogue.csv for France, catalogue_uk.csv for the
    United Kingdom. Adds the missing offers; a row of another country is refused (a
    French instance never receives a British offer)."""
    code = country_code(instance_country() if country is None else country)
    path = transfer.CATALOGUE_FILES.get(code)
    if path is None:
        return transfer.ImportReport(
            errors=[(0, _("Aucun catalogue de départ pour le pays %(country)s.", country=code))]
        )
    raw = path.read_bytes()
    rows, errors = transfer.read_csv(raw)
    errors += [
        (line, _("Offre d'un autre pays (%(country)s) dans ce catalogue.", country=data.country))
        for line, data in rows
        if data.country != code
    ]
    if errors:
        return transfer.ImportReport(errors=errors)
    return import_csv(raw, actor, create_only=True)
