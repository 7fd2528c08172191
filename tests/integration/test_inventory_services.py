"""Inventory services on a real database: intake, the lifecycle, erasure, tests, grading."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select, update

from app.audit.models import AuditEntry
from app.authz.policy import Role
from app.core.errors import Conflict, DomainError
from app.extensions import db
from app.inventory import device_records, donations, erasure_records, stock, workshop
from app.inventory.grading import Grade, StorageType
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import (
    Device,
    DeviceEvent,
    DonorKind,
    ErasureLevel,
    ErasureMethod,
    ErasureResult,
)
from tests import factories


@pytest.fixture
def tech():  # type: ignore[no-untyped-def]
    return factories.create_user(Role.TECHNICIAN, full_name="Lucie Marchal")


def laptop(org_id: int, serial: str = "PF0ABC12", **extra) -> Device:  # type: ignore[no-untyped-def]
    data = device_records.DeviceInput(
        device_type=DeviceType.LAPTOP,
        brand="Lenovo",
        model="ThinkPad T470",
        serial=serial,
        cpu_score=3700,
        ram_gb=8,
        storage_type=StorageType.SSD,
        storage_gb=256,
        **extra,
    )
    return device_records.create_device(org_id, data)


def erasure(result: ErasureResult = ErasureResult.ERASED, **extra) -> erasure_records.ErasureInput:  # type: ignore[no-untyped-def]
    values = {
        "level": ErasureLevel.CLEAR,  # an overwrite of the SSD reaches Clear only
        "method": ErasureMethod.OVERWRITE,
        "passes": 1,
        "tool": "nwipe",
        "tool_version": "0.37",
        "verification": "Lecture de vérification complète",
        "started_at": datetime(2026, 11, 20, 9, 0),
        "ended_at": datetime(2026, 11, 20, 11, 0),
        "result": result,
        "technician_name": "Lucie Marchal",
        "signature": "lucie marchal",
    }
    values.update(extra)
    return erasure_records.ErasureInput(**values)


def make_ready(device: Device, actor) -> None:  # type: ignore[no-untyped-def]
    workshop.apply_transition(device, State.TRIAGE, actor)
    workshop.apply_transition(device, State.RECONDITIONING, actor)
    erasure_records.record_erasure(device, erasure(), actor=actor)
    items = workshop.checklist_items(device.organisation_id, device.device_type)
    workshop.save_checklist(device, [{"label": i, "result": "ok"} for i in items], actor=actor)
    workshop.set_grade(device, actor=actor)
    workshop.apply_transition(device, State.READY, actor, "Prêt")


def test_intake_gives_a_tag_an_event_and_a_journal_entry(tech) -> None:  # type: ignore[no-untyped-def]
    donor = donations.create_donor(tech.organisation_id, DonorKind.COMPANY, "Lorraine Logistique")
    batch = donations.create_batch(tech.organisation_id, donor, actor=tech)
    device = device_records.create_device(
        tech.organisation_id,
        device_records.DeviceInput(
            device_type=DeviceType.LAPTOP, serial=" pf0 abc12 ", location="Étagère A"
        ),
        actor=tech,
        batch=batch,
    )
    assert len(device.asset_tag) == 6 and device.state is State.RECEIVED
    assert device.serial == "PF0 ABC12" and device.donor_id == donor.id
    assert device.location.name == "Étagère A"
    events = device_records.history(device)
    assert [(e.from_state, e.to_state, e.actor_label) for e in events] == [
        (None, State.RECEIVED, tech.email)
    ]
    assert db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "device.create")
    )
    # Same serial twice in one association: refused, in French.
    with pytest.raises(DomainError) as info:
        device_records.create_device(
            tech.organisation_id,
            device_records.DeviceInput(device_type=DeviceType.LAPTOP, serial="PF0 ABC12"),
        )
    assert "déjà en stock" in info.value.message and info.value.field == "serial"
    # Another association may hold the same serial.
    other = factories.create_org()
    device_records.create_device(
        other.id, device_records.DeviceInput(DeviceType.LAPTOP, serial="PF0 ABC12")
    )


def test_the_way_to_ready_and_its_guard(tech) -> None:  # type: ignore[no-untyped-def]
    device = laptop(tech.organisation_id)
    workshop.apply_transition(device, State.TRIAGE, tech, "Tri")
    workshop.apply_transition(device, State.RECONDITIONING, tech)
    with pytest.raises(DomainError) as info:
        workshop.apply_transition(device, State.READY, tech)
    assert info.value.message == (
        "L'appareil ne peut pas passer à « Prêt à distribuer » : il manque un effacement des "
        "données réussi, la liste de tests complète et une note (grade)."
    )
    erasure_records.record_erasure(device, erasure(ErasureResult.FAILED), actor=tech)
    assert not workshop.readiness(device).erasure_passed  # a failed erasure does not count
    erasure_records.record_erasure(device, erasure(), actor=tech)
    items = workshop.checklist_items(tech.organisation_id, DeviceType.LAPTOP)
    results = [{"label": i, "result": "ok"} for i in items]
    results[0]["result"] = "ko"
    with pytest.raises(DomainError):  # a failed test needs a note
        workshop.save_checklist(device, results, actor=tech)
    results[0]["note"] = "Ne démarre qu'une fois sur deux"
    assert not workshop.save_checklist(device, results, actor=tech).completed
    results[0] = {"label": items[0], "result": "ok"}
    assert workshop.save_checklist(device, results, actor=tech).completed
    assert workshop.set_grade(device, actor=tech) is Grade.B
    workshop.apply_transition(device, State.READY, tech, "Prêt à distribuer")
    db.session.expire_all()
    assert db.session.get(Device, device.id).state is State.READY
    assert [e.to_state for e in device_records.history(device)] == [
        State.RECEIVED,
        State.TRIAGE,
        State.RECONDITIONING,
        State.READY,
    ]


def test_apply_transition_is_race_safe(tech) -> None:  # type: ignore[no-untyped-def]
    device = laptop(tech.organisation_id)
    make_ready(device, tech)
    # Someone else reserves the device behind our back: our copy still says "ready".
    db.session.execute(update(Device).where(Device.id == device.id).values(state=State.RESERVED))
    db.session.commit()
    with pytest.raises(Conflict) as info:
        workshop.apply_transition(
            device, State.RESERVED, tech, expected_state=State.READY, loan_id=12
        )
    assert "a changé d'état entre-temps" in info.value.message
    db.session.expire_all()
    fresh = db.session.get(Device, device.id)
    events = device_records.history(fresh)
    assert events[-1].to_state is State.READY  # no event for the lost race
    # The loans desk's path, with its context kept on the event.
    workshop.apply_transition(fresh, State.ON_LOAN, tech, "Remise", loan_id=12)
    workshop.apply_transition(fresh, State.RETURNED, tech, "Retour")
    workshop.apply_transition(fresh, State.TRIAGE, tech, "Contrôle au retour")
    last = device_records.history(fresh)
    assert last[-3].context == {"loan_id": 12}
    assert fresh.version == 7  # one bump per move made through the service


def test_final_states_and_append_only_history(tech) -> None:  # type: ignore[no-untyped-def]
    device = laptop(tech.organisation_id)
    workshop.apply_transition(device, State.E_WASTE, tech, "Carte mère HS")
    first = device_records.history(device)[0]
    first.reason = "réécrit"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(device_records.history(device)[0])
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(DomainError) as info:
        workshop.apply_transition(device, State.TRIAGE, tech)
    assert "état final" in info.value.message
    assert (
        db.session.scalar(
            select(func.count()).select_from(DeviceEvent).where(DeviceEvent.device_id == device.id)
        )
        == 2
    )


def test_erasure_needs_a_signature_matching_the_technician(tech) -> None:  # type: ignore[no-untyped-def]
    device = laptop(tech.organisation_id)
    with pytest.raises(DomainError) as info:
        erasure_records.record_erasure(device, erasure(signature="LM"), actor=tech)
    assert info.value.field == "signature"
    with pytest.raises(DomainError) as info:
        erasure_records.record_erasure(
            device, erasure(ended_at=datetime(2026, 11, 20, 8, 0)), actor=tech
        )
    assert info.value.field == "ended_at"


def test_grade_override_needs_a_reason(tech) -> None:  # type: ignore[no-untyped-def]
    device = laptop(tech.organisation_id)
    with pytest.raises(DomainError):
        workshop.set_grade(device, override=Grade.A, reason=" ", actor=tech)
    db.session.rollback()
    assert (
        workshop.set_grade(device, override=Grade.C, reason="Capot fissuré", actor=tech) is Grade.C
    )
    assert device.grade_computed is Grade.B and device.grade_override_reason == "Capot fissuré"
    screen = device_records.create_device(
        tech.organisation_id,
        device_records.DeviceInput(DeviceType.SCREEN, brand="Dell", model="P2219H"),
    )
    with pytest.raises(DomainError) as info:  # no grid for screens: a person decides
        workshop.set_grade(screen, actor=tech)
    assert info.value.field == "override"


def test_checklist_templates_are_per_association(tech) -> None:  # type: ignore[no-untyped-def]
    org_id = tech.organisation_id
    assert "Wi-Fi se connecte" in workshop.checklist_items(org_id, DeviceType.LAPTOP)
    workshop.save_checklist_template(org_id, DeviceType.LAPTOP, ["Démarre", "", "  Clavier  "])
    assert workshop.checklist_items(org_id, DeviceType.LAPTOP) == ["Démarre", "Clavier"]
    other = factories.create_org()
    assert "Wi-Fi se connecte" in workshop.checklist_items(other.id, DeviceType.LAPTOP)


def test_keyset_pages_filters_and_capped_count(tech) -> None:  # type: ignore[no-untyped-def]
    org_id = tech.organisation_id
    for n in range(7):
        laptop(org_id, serial=f"S{n:03d}", location="Réserve" if n % 2 else "")
    flt = stock.DeviceFilter()
    seen = []
    cursor = None
    while True:
        page = stock.list_devices(org_id, flt, cursor=cursor, per_page=3)
        seen += [d.serial for d in page.devices]
        assert page.count == 7
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == [f"S{n:03d}" for n in reversed(range(7))]
    by_tag = stock.list_devices(org_id, stock.DeviceFilter(sort="tag"), per_page=4)
    rest = stock.list_devices(
        org_id, stock.DeviceFilter(sort="tag"), cursor=by_tag.next_cursor, per_page=4
    )
    tags = [d.asset_tag for d in by_tag.devices + rest.devices]
    assert tags == sorted(tags) and len(tags) == 7
    assert stock.list_devices(org_id, stock.DeviceFilter(q="s003")).count == 1
    place = donations.location_named(org_id, "réserve")
    assert stock.list_devices(org_id, stock.DeviceFilter(location_id=place.id)).count == 3
    assert stock.list_devices(org_id, stock.DeviceFilter(state="ready")).count == 0
    assert stock.list_devices(org_id, stock.DeviceFilter(state="in_stock")).count == 7


def test_search_finds_a_scanned_tag_serial_or_imei_of_this_association_only(tech) -> None:  # type: ignore[no-untyped-def]
    org_id = tech.organisation_id
    mine = laptop(org_id, "PF0SCAN1")
    phone = device_records.create_device(
        org_id,
        device_records.DeviceInput(
            device_type=DeviceType.SMARTPHONE, brand="Samsung", model="Galaxy A52",
            serial="R58N123", imei="356938035643809",
        ),
    )  # fmt: skip
    other = factories.create_org(slug="autre-atelier", name="Autre atelier")
    laptop(other.id, "PF0SCAN2")

    def found(text: str) -> list[int]:
        page = stock.list_devices(org_id, stock.DeviceFilter(q=text))
        return [d.id for d in page.devices]

    assert found(mine.asset_tag.lower()) == [mine.id]  # a tag typed in lower case
    assert found("pf0scan1") == [mine.id]  # a serial typed in lower case
    assert found("356 938 035 643 809") == [phone.id]  # an IMEI copied with spaces
    assert found("PF0SCAN2") == []  # another association's serial
    assert found("PF0SCAN") == [mine.id]  # part of a serial: the word search
    assert sorted(found("galaxy")) == [phone.id]


def test_stock_count(tech) -> None:  # type: ignore[no-untyped-def]
    org_id = tech.organisation_id
    a = laptop(org_id, "A1", location="Étagère A")
    b = laptop(org_id, "A2", location="Étagère A")
    c = laptop(org_id, "B1", location="Étagère B")
    gone = laptop(org_id, "A3", location="Étagère A")
    workshop.apply_transition(gone, State.PARTS, tech)
    shelf = donations.location_named(org_id, "Étagère A")
    result = stock.stock_count(
        org_id, shelf, [a.asset_tag, f"https://x.org/d/{c.asset_tag}", gone.asset_tag, "ZZZZZZ", ""]
    )
    assert [d.id for d in result.present] == [a.id]
    assert [d.id for d in result.missing] == [b.id]
    assert [d.id for d in result.misplaced] == [c.id]
    assert [d.id for d in result.not_in_stock] == [gone.id]
    assert result.unknown == ["ZZZZZZ"]
    stock.move_to_location(org_id, shelf, result.misplaced, actor=tech)
    assert c.location_id == shelf.id
