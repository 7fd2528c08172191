"""Programmes kept in the database, with versions: first start, drafts, publishing, a
version from a day to come, the end of a programme, import and export, the journal, and
a programme envelope that holds when submissions arrive together."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role, may_write_programme
from app.core.clock import today
from app.core.errors import DomainError
from app.eligibility import catalogue, envelopes, exchange, publishing, services, shipping
from app.eligibility.engine import Eligibility
from app.eligibility.loader import PROGRAMMES_DIR, definition_from_yaml, load_directory
from app.eligibility.models import (
    EnvelopeClaim,
    EnvelopeCounter,
    ProgrammeRecord,
    ProgrammeVersion,
)
from app.extensions import db
from app.households import services as households
from app.households import state_mail
from app.households.lifecycle import PrescriptionState
from app.households.models import Household, Prescription
from tests.access.households import make_household, make_prescription

CODE = "aide-test"
YAML = """\
code: aide-test
name: Aide de test
summary: Un ordinateur à petit prix pour les allocataires du RSA.
device_types: [laptop]
valid_from: 2020-01-01
valid_to: null
source: {citation: "test:1"}
parameters:
  price_eur:
    description: Prix de vente
    values: {2020-01-01: 20}
conditions:
  - statuses: {any_of: [rsa], proof: declared}
  - quota: {max: 1, per: ever}
outcome: {kind: sale, price_eur: {param: price_eur}}
"""


def _definition(price: int = 20, code: str = CODE) -> dict[str, Any]:
    text = YAML.replace("{2020-01-01: 20}", f"{{2020-01-01: {price}}}").replace(CODE, code)
    return definition_from_yaml(text, "test.yaml")


def _journal(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


@pytest.fixture
def people(make_org: Any, make_user: Any) -> dict[str, Any]:
    ccas = make_org(OrgKind.PRESCRIBER, slug="ccas-prog", name="CCAS")
    other = make_org(OrgKind.PRESCRIBER, slug="ccas-autre", name="Autre CCAS")
    asso = make_org(OrgKind.ASSOCIATION, slug="asso-prog", name="Atelier")
    coord = make_org(OrgKind.COORDINATOR, slug="coord-prog", name="Coordination")
    return {
        "admin": make_user(Role.ADMIN, coord, email="admin@prog.test"),
        "manager": make_user(Role.MANAGER, ccas, email="resp@ccas.test"),
        "outsider": make_user(Role.MANAGER, other, email="resp@autre.test"),
        "prescriber": make_user(Role.PRESCRIBER, ccas, email="p@ccas.test"),
        "ccas": ccas,
        "asso": asso,
    }


def _published(people: dict[str, Any], price: int = 20) -> ProgrammeRecord:
    """The test programme, owned by the CCAS, version 1 in force since 2020-01-01."""
    services.create_programme(CODE, people["ccas"].id, _definition(price), people["manager"])
    record = services.get_programme(CODE)
    publishing.publish(record, _day("2020-01-01"), people["manager"])
    return record


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


def _decision(household: Any, on: Any) -> Any:
    return next(d for d in households.check_household(household, on=on) if d.programme.code == CODE)


# ------------------------------------------------------------------------- first start


def test_first_start_makes_the_shipped_files_programmes() -> None:
    shipped = load_directory(PROGRAMMES_DIR)
    assert db.session.scalar(select(func.count()).select_from(ProgrammeRecord)) == 0
    found = catalogue.programmes()
    drafts = {
        p.code
        for p in shipped
        if Path(p.path).read_text(encoding="utf-8").startswith(shipping.SHIPPED_DRAFT)
    }
    assert drafts == {"ccas-metz-aide"}  # 002:1559: an aid the CCAS "envisage"
    assert {p.code for p in found} == {p.code for p in shipped} - drafts
    assert all(p.version == 1 and p.owner_org_id is None for p in found)
    versions = list(db.session.scalars(select(ProgrammeVersion)))
    assert len(versions) == len(list(PROGRAMMES_DIR.glob("*.yaml")))
    by_code = {p.code: p for p in shipped}
    for version in versions:
        code = version.programme.code
        if code in drafts:
            assert version.state == "draft" and version.number is None
            continue
        assert version.number == 1 and version.state == "published"
        assert version.effective_from == by_code[code].valid_from
    assert len(_journal("programme.ship")) == len(shipped)
    # Once only: a second look adds nothing.
    catalogue.invalidate()
    assert shipping.ensure_shipped() == 0
    assert len(catalogue.programmes()) == len(shipped) - len(drafts)


def test_two_workers_starting_together_ship_the_files_once(app: Any) -> None:
    barrier = threading.Barrier(4)
    seen: list[Any] = []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                seen.append(len(catalogue.programmes()))
            except Exception as exc:  # any failure is a bug: report it
                seen.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    shipped = len(list(PROGRAMMES_DIR.glob("*.yaml")))
    assert seen == [shipped - 1] * 4  # all but the draft (ccas-metz-aide)
    assert db.session.scalar(select(func.count()).select_from(ProgrammeRecord)) == shipped
    assert db.session.scalar(select(func.count()).select_from(ProgrammeVersion)) == shipped


# ------------------------------------------------------------------------- drafts


def test_a_draft_is_edited_published_then_never_edited(people: dict[str, Any]) -> None:
    manager = people["manager"]
    draft = services.create_programme(CODE, people["ccas"].id, _definition(), manager)
    assert draft.number is None and catalogue.find(CODE) is None  # a draft serves no one
    record = services.get_programme(CODE)
    services.update_draft(record, _definition(price=25), manager, note="Prix revu")
    publishing.publish(record, _day("2020-01-01"), manager)
    programme = catalogue.find(CODE)
    assert programme is not None
    assert programme.version == 1 and programme.owner_org_id == people["ccas"].id
    assert programme.parameters["price_eur"].values[0][1] == 25
    with pytest.raises(DomainError):
        services.update_draft(record, _definition(price=30), manager)
    stored = db.session.scalar(
        select(ProgrammeVersion).where(
            ProgrammeVersion.programme_id == record.id, ProgrammeVersion.number == 1
        )
    )
    assert stored is not None and stored.definition["parameters"]["price_eur"]["values"] == {
        "2020-01-01": 25
    }
    # The journal: who, which programme and version, and what changed.
    (created,) = _journal("programme.create")
    assert created.actor_id == manager.id and created.detail["code"] == CODE
    (edited,) = _journal("programme.update_draft")
    assert edited.detail["changed"] == ["parameters.price_eur"]
    (published,) = _journal("programme.publish")
    assert published.detail["version"] == 1
    assert published.detail["effective_from"] == "2020-01-01"


def test_only_the_owner_managers_and_the_administrator_write(people: dict[str, Any]) -> None:
    with pytest.raises(DomainError):
        services.create_programme(CODE, people["ccas"].id, _definition(), people["outsider"])
    with pytest.raises(DomainError):
        services.create_programme(CODE, None, _definition(), people["manager"])
    record = _published(people)
    for user in ("outsider", "prescriber"):
        with pytest.raises(DomainError):
            services.new_draft_from_latest(record, people[user])
    services.new_draft_from_latest(record, people["admin"])
    assert may_write_programme(Role.MANAGER, 7, 7)
    assert not may_write_programme(Role.MANAGER, 7, None)
    assert not may_write_programme(Role.PRESCRIBER, 7, 7)
    assert may_write_programme(Role.ADMIN, 1, None)


# ------------------------------------------------------------------------- versions


def test_a_version_from_a_day_to_come_applies_from_that_day(people: dict[str, Any]) -> None:
    record = _published(people)
    household = make_household(people["prescriber"])
    services.new_draft_from_latest(record, people["manager"])
    services.update_draft(record, _definition(price=30), people["manager"])
    with pytest.raises(DomainError):  # never in the past
        publishing.publish(record, today() - timedelta(days=1), people["manager"])
    later = today() + timedelta(days=10)
    publishing.publish(record, later, people["manager"], note="Nouveau prix")
    now_decision = _decision(household, today())
    later_decision = _decision(household, later)
    assert now_decision.programme.version == 1
    assert now_decision.outcome_dict()["price_eur"] == 20
    assert later_decision.programme.version == 2
    assert later_decision.outcome_dict()["price_eur"] == 30
    assert catalogue.version(CODE, 1).parameters["price_eur"].values[0][1] == 20
    # A third version must start after the second.
    services.new_draft_from_latest(record, people["manager"])
    with pytest.raises(DomainError):
        publishing.publish(record, later, people["manager"])


def test_a_prescription_keeps_its_version(people: dict[str, Any]) -> None:
    record = _published(people)
    household = make_household(people["prescriber"])
    prescription = make_prescription(
        household, people["prescriber"], people["asso"], programme=CODE
    )
    assert prescription.state is PrescriptionState.SUBMITTED
    assert prescription.programme_version == 1
    services.new_draft_from_latest(record, people["manager"])
    services.update_draft(
        record, {**_definition(price=30), "name": "Aide de test, 2e version"}, people["manager"]
    )
    publishing.publish(record, today(), people["manager"])
    db.session.expire_all()
    kept = db.session.get(Prescription, prescription.id)
    assert (kept.programme_code, kept.programme_version) == (CODE, 1)
    shown = catalogue.for_prescription(kept.programme_code, kept.programme_version)
    assert shown is not None and shown.name == "Aide de test" and shown.version == 1
    assert catalogue.find(CODE).name == "Aide de test, 2e version"
    subject, body = state_mail._state_email(kept)
    assert "Aide de test)" in body


def test_ending_a_programme_stops_grants_after_its_last_day(people: dict[str, Any]) -> None:
    record = _published(people)
    household = make_household(people["prescriber"])
    ended = publishing.end_programme(record, today(), people["manager"])
    assert ended.number == 2 and ended.effective_from == today()
    assert ended.definition["valid_to"] == today().isoformat()
    assert _decision(household, today()).eligibility is Eligibility.ELIGIBLE
    after = _decision(household, today() + timedelta(days=1))
    assert after.eligibility is Eligibility.NOT_ELIGIBLE
    (entry,) = _journal("programme.end")
    assert entry.detail["changed"] == ["valid_to"]
    # A version scheduled for a day to come forbids ending it (withdraw that one first).
    services.new_draft_from_latest(record, people["manager"])
    services.update_draft(record, {**_definition(price=30), "valid_to": None}, people["manager"])
    publishing.publish(record, today() + timedelta(days=5), people["manager"])
    with pytest.raises(DomainError):
        publishing.end_programme(record, today() + timedelta(days=2), people["manager"])


# ------------------------------------------------------------------------- files


def test_a_bad_file_is_refused_with_its_line_and_nothing_is_written(
    people: dict[str, Any],
) -> None:
    bad = YAML.replace("  - statuses: {any_of: [rsa], proof: declared}", "  - qpv: oui")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(services.ProgrammeInvalid) as info:
        exchange.import_programme(bad, "aide.yaml", people["ccas"].id, people["manager"])
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if text == "  - qpv: oui")
    assert str(info.value) == f"aide.yaml, ligne {line} : qpv s'écrit « qpv: true »"
    assert (info.value.path, info.value.line) == ("aide.yaml", line)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ProgrammeRecord)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_export_then_import_round_trips(people: dict[str, Any]) -> None:
    record = _published(people)
    text = exchange.export_programme(CODE)
    assert definition_from_yaml(text, "export.yaml") == record.versions[0].definition
    # Into another territory: a new code, a new programme as a draft.
    dry = exchange.import_programme(
        text.replace(CODE, "aide-importee"), "aide.yaml", None, people["admin"], dry_run=True
    )
    assert dry.created and dry.version_id is None
    assert (
        db.session.scalar(select(ProgrammeRecord.id).where(ProgrammeRecord.code == "aide-importee"))
        is None
    )
    done = exchange.import_programme(
        text.replace(CODE, "aide-importee"), "aide.yaml", None, people["admin"]
    )
    imported = services.get_programme("aide-importee")
    assert done.created and imported.versions[0].state == "draft"
    assert imported.versions[0].definition == _definition(code="aide-importee")
    # The same code again: a new draft of that programme, nothing changed.
    again = exchange.import_programme(text, "aide.yaml", None, people["manager"])
    assert not again.created and again.changed == []
    assert services.draft_of(services.get_programme(CODE)) is not None
    assert [e.detail["code"] for e in _journal("programme.update_draft")] == [CODE]


# ------------------------------------------------------------------------- envelope


def _submit_together(app: Any, pairs: list[tuple[int, int]]) -> list[str]:
    barrier = threading.Barrier(len(pairs))
    outcomes: list[str] = [""] * len(pairs)

    def run(index: int, prescription_id: int, user_id: int) -> None:
        with app.app_context():
            prescription = db.session.get(Prescription, prescription_id)
            user = db.session.get(User, user_id)
            assert prescription is not None and user is not None
            prescription.household  # noqa: B018 (loaded before the race)
            barrier.wait(timeout=10)
            try:
                households.submit_prescription(prescription, user)
            except DomainError as exc:
                outcomes[index] = "refused: " + exc.message
            except Exception as exc:  # any other failure is a bug: report it
                outcomes[index] = f"error: {exc!r}"
            else:
                outcomes[index] = "submitted"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(i, pid, uid)) for i, (pid, uid) in enumerate(pairs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_an_envelope_of_three_gives_exactly_three(app: Any, people: dict[str, Any]) -> None:
    envelope = {"max_grants": 3, "max_eur": 100, "grant_eur": 20, "per": "ever"}
    services.create_programme(
        CODE, people["ccas"].id, {**_definition(), "envelope": envelope}, people["manager"]
    )
    publishing.publish(services.get_programme(CODE), _day("2020-01-01"), people["manager"])
    drafts = []
    for n in range(5):
        household = make_household(people["prescriber"], reference_name=f"Foyer {n}")
        drafts.append(
            make_prescription(
                household, people["prescriber"], people["asso"], programme=CODE, submit=False
            )
        )
    db.session.commit()
    outcomes = _submit_together(app, [(d.id, people["prescriber"].id) for d in drafts])
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused"] * 2 + ["submitted"] * 3, (
        outcomes
    )
    assert all("enveloppe" in o for o in outcomes if o.startswith("refused")), outcomes
    db.session.expire_all()
    counter = db.session.scalar(select(EnvelopeCounter))
    assert counter is not None and (counter.grants, counter.eur) == (3, 60)
    assert db.session.scalar(select(func.count()).select_from(EnvelopeClaim)) == 3
    assert envelopes.envelope_usage()[CODE] == (3, 60)
    # Cancelling gives the grant back.
    submitted = next(
        p
        for p in (db.session.get(Prescription, d.id) for d in drafts)
        if p.state is PrescriptionState.SUBMITTED
    )
    households.cancel_prescription(submitted, people["prescriber"])
    db.session.expire_all()
    assert (db.session.scalar(select(EnvelopeCounter.grants))) == 2
    assert db.session.scalar(select(func.count()).select_from(EnvelopeClaim)) == 2


def test_a_first_version_to_come_grants_nothing_before_its_day(people: dict[str, Any]) -> None:
    services.create_programme(CODE, people["ccas"].id, _definition(), people["manager"])
    start = today() + timedelta(days=5)
    publishing.publish(services.get_programme(CODE), start, people["manager"])
    household = make_household(people["prescriber"])
    before = _decision(household, today())
    assert before.eligibility is Eligibility.NOT_ELIGIBLE
    assert f"{start:%d/%m/%Y}" in before.reason
    assert _decision(household, start).eligibility is Eligibility.ELIGIBLE


def test_an_aid_the_source_only_plans_ships_as_a_draft() -> None:
    """002:1559: the CCAS de Metz "envisage" its aid; it is not in force until the CCAS
    publishes it, and the other shipped programmes are."""
    assert catalogue.find("ccas-metz-aide") is None
    record = services.get_programme("ccas-metz-aide")
    assert services.draft_of(record) is not None and services.latest_published(record) is None
    assert catalogue.find("rsa-ordinateur-15") is not None


def test_sent_at_once_on_the_last_grant_leaves_nothing_behind(
    app: Any, people: dict[str, Any]
) -> None:
    """Five prescribers send a prescription at once for the last grant of an envelope:
    one is sent; the others are refused and no draft stays behind."""
    services.create_programme(
        CODE,
        people["ccas"].id,
        {**_definition(), "envelope": {"max_grants": 1, "per": "ever"}},
        people["manager"],
    )
    publishing.publish(services.get_programme(CODE), _day("2020-01-01"), people["manager"])
    homes = [make_household(people["prescriber"], reference_name=f"Foyer {n}") for n in range(5)]
    db.session.commit()
    barrier = threading.Barrier(len(homes))
    outcomes: list[str] = []

    def run(household_id: int) -> None:
        with app.app_context():
            household = db.session.get(Household, household_id)
            user = db.session.get(User, people["prescriber"].id)
            household.members  # noqa: B018 (loaded before the race)
            barrier.wait(timeout=10)
            try:
                make_prescription(household, user, people["asso"], programme=CODE, submit=True)
            except DomainError as exc:
                outcomes.append("refused: " + exc.message)
            except Exception as exc:  # any other failure is a bug: report it
                outcomes.append(f"error: {exc!r}")
            else:
                outcomes.append("sent")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(h.id,)) for h in homes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused"] * 4 + ["sent"], outcomes
    db.session.expire_all()
    left = db.session.scalars(select(Prescription).where(Prescription.programme_code == CODE))
    assert [p.state for p in left] == [PrescriptionState.SUBMITTED]
