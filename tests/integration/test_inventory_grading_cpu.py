"""An imported or typed device can be graded: the processor index comes from the processor's
name (app/inventory/processors.py), and a technician whose device has no computable grade
is told which field to fill, with a link to a form they may use."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.authz.policy import Role
from app.extensions import db
from app.inventory import device_records, import_service, importing
from app.inventory.grading import Grade, StorageType
from app.inventory.lifecycle import DeviceType
from app.inventory.models import Device
from tests import factories

HEADER = "Type;Marque;Modèle;N° de série;Processeur;RAM (Go);Type de stockage;Stockage (Go)\r\n"


@pytest.fixture
def staff() -> dict[Role, Any]:
    org = factories.create_org(slug="atelier-notes", name="Atelier Notes")
    return {
        Role.TECHNICIAN: factories.create_user(Role.TECHNICIAN, org),
        Role.MANAGER: factories.create_user(Role.MANAGER, org),
    }


def _laptop(org_id: int, serial: str, cpu: str = "") -> Device:
    return device_records.create_device(
        org_id,
        device_records.DeviceInput(
            DeviceType.LAPTOP,
            brand="HP",
            model="EliteBook 840 G5",
            serial=serial,
            cpu=cpu,
            ram_gb=8,
            storage_type=StorageType.SSD,
            storage_gb=256,
        ),
    )


def test_an_imported_i5_8250u_without_an_index_gets_its_index_and_a_grade(
    staff: dict[Role, Any],
) -> None:
    manager = staff[Role.MANAGER]
    data = HEADER + (
        "Portable;HP;EliteBook 840 G5;5CG8250U;Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz;8;SSD;256\r\n"
        "Portable;Dell;Latitude 3190;CN3190;Intel Celeron N4000;4;eMMC;64\r\n"
        "Portable;Acer;Inconnu;ACERX1;Processeur maison X;8;SSD;256\r\n"
    )
    result = import_service.import_devices(
        manager.organisation_id, importing.parse(data.encode(), "don.csv"), actor=manager
    )
    assert result.ok, result.problems
    hp, dell, acer = (
        db.session.scalar(db.select(Device).where(Device.serial == serial))
        for serial in ("5CG8250U", "CN3190", "ACERX1")
    )
    assert hp is not None and dell is not None and acer is not None
    assert hp.cpu_score == 5885  # PassMark CPU Mark of the table
    assert hp.grade_computed is Grade.B
    assert device_records.computed_grade(hp).grade is Grade.B
    assert dell.cpu_score == 1420 and dell.grade_computed is not None
    # A name the table does not know leaves the index empty: no grade, nothing invented.
    assert acer.cpu_score is None and acer.grade_computed is None


def test_a_typed_processor_fills_an_empty_index_but_never_replaces_one(
    staff: dict[Role, Any],
) -> None:
    org_id = staff[Role.TECHNICIAN].organisation_id
    typed = _laptop(org_id, "TYPED1", cpu="Intel Core i5-8250U")
    assert typed.cpu_score == 5885 and typed.grade_computed is Grade.B
    given = device_records.create_device(
        org_id,
        device_records.DeviceInput(
            DeviceType.LAPTOP, serial="GIVEN1", cpu="Intel Core i5-8250U", cpu_score=7000
        ),
    )
    assert given.cpu_score == 7000


def test_a_device_stored_with_a_name_but_no_index_is_graded_from_the_name(
    staff: dict[Role, Any],
) -> None:
    device = _laptop(staff[Role.TECHNICIAN].organisation_id, "OLD1")
    device.cpu = "Intel Core i5-8250U"  # as an import before the table left it
    db.session.commit()
    assert device.cpu_score is None
    assert device_records.computed_grade(device).grade is Grade.B


def test_a_technician_is_told_to_fill_the_processor_and_can_fill_it(
    client: Any, login: Any, staff: dict[Role, Any]
) -> None:
    tech = staff[Role.TECHNICIAN]
    device = _laptop(tech.organisation_id, "NOCPU1")
    assert device.cpu_score is None and device.grade_computed is None
    login(tech)
    page = client.get(f"/inventaire/appareils/{device.id}").get_data(as_text=True)
    edit_url = f"/inventaire/appareils/{device.id}/modifier#cpu"
    assert "Indiquez le processeur ou son indice" in page
    assert f'href="{edit_url}"' in page
    # No button that could only fail: nothing is computed yet, and the override is a manager's.
    assert "Valider la note calculée" not in page
    assert "Ajuster ou changer la note" not in page

    # The grade page says the same, with the same link, and no dead-end form.
    grade_page = client.get(f"/inventaire/appareils/{device.id}/note").get_data(as_text=True)
    assert "Indiquez le processeur ou son indice" in grade_page
    assert f'href="{edit_url}"' in grade_page
    assert 'name="override"' not in grade_page

    # The link opens a form the technician may use, with the processor field it points at.
    form = client.get(edit_url.split("#")[0])
    assert form.status_code == 200
    assert re.search(r'<input[^>]*id="cpu"', form.get_data(as_text=True))
    saved = client.post(
        edit_url.split("#")[0],
        data={
            "device_type": "laptop",
            "brand": "HP",
            "model": "EliteBook 840 G5",
            "serial": "NOCPU1",
            "cpu": "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz",
            "cpu_score": "",
            "ram_gb": "8",
            "storage_type": "ssd",
            "storage_gb": "256",
            "condition": "untested",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    db.session.refresh(device)
    assert device.cpu_score == 5885 and device.grade_computed is Grade.B

    page = client.get(f"/inventaire/appareils/{device.id}").get_data(as_text=True)
    assert "Indiquez le processeur" not in page
    assert "Valider la note calculée" in page
    validated = client.post(f"/inventaire/appareils/{device.id}/note", data={"adjustment": "0"})
    assert validated.status_code == 302
    db.session.refresh(device)
    assert device.grade is Grade.B


def test_an_unknown_processor_asks_for_its_index(
    client: Any, login: Any, staff: dict[Role, Any]
) -> None:
    tech = staff[Role.TECHNICIAN]
    device = _laptop(tech.organisation_id, "UNK1", cpu="Processeur maison X")
    login(tech)
    page = client.get(f"/inventaire/appareils/{device.id}").get_data(as_text=True)
    assert "indiquez son indice" in page
    assert f'href="/inventaire/appareils/{device.id}/modifier#cpu_score"' in page


def test_a_manager_still_may_give_a_grade_by_hand(
    client: Any, login: Any, staff: dict[Role, Any]
) -> None:
    manager = staff[Role.MANAGER]
    device = _laptop(manager.organisation_id, "MGR1")
    login(manager)
    page = client.get(f"/inventaire/appareils/{device.id}").get_data(as_text=True)
    assert "Indiquez le processeur ou son indice" in page
    assert "Valider la note calculée" not in page
    assert "Ajuster ou changer la note" in page
    grade_page = client.get(f"/inventaire/appareils/{device.id}/note").get_data(as_text=True)
    assert 'name="override"' in grade_page
