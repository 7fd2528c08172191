"""Erasure that is what it says (issue 18): the level a method reaches on the medium
(NIST SP 800-88 Rev. 1, Appendix A), the verification, no future date, the latest result
counts on the device and on the certificates."""

from __future__ import annotations

import datetime
import html
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.authz.policy import Role
from app.core.clock import utcnow
from app.extensions import db
from app.inventory import device_records, donations, erasure_records, workshop
from app.inventory.grading import StorageType
from app.inventory.lifecycle import DeviceType
from app.inventory.models import Device, ErasureLevel, ErasureMethod, ErasureRecord, ErasureResult
from tests import factories

NVME_SENTENCE = (
    "Purge sur un SSD NVMe demande un effacement cryptographique, un « sanitize » ou un"
    " effacement par blocs ; un écrasement en une passe n'atteint que Clear."
)


@pytest.fixture
def tech():  # type: ignore[no-untyped-def]
    org = factories.create_org(slug="atelier-eff", name="Atelier Effacement")
    return factories.create_user(Role.TECHNICIAN, org, full_name="Lucie Marchal")


def laptop(tech, serial: str, storage: StorageType | None, batch=None) -> Device:  # type: ignore[no-untyped-def]
    return device_records.create_device(
        tech.organisation_id,
        device_records.DeviceInput(DeviceType.LAPTOP, serial=serial, storage_type=storage),
        batch=batch,
    )


def form(**extra: str) -> dict[str, str]:
    values = {
        "level": "purge",
        "method": "overwrite",
        "passes": "1",
        "tool": "nwipe",
        "tool_version": "0.37",
        "verification": "Lecture de vérification complète",
        "started_at": "2026-11-20T09:00",
        "ended_at": "2026-11-20T11:30",
        "result": "erased",
        "technician_name": "Lucie Marchal",
        "signature": "Lucie Marchal",
    }
    values.update(extra)
    return values


def post(client, device: Device, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(f"/inventaire/appareils/{device.id}/effacement", data=data)


def count(device: Device) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ErasureRecord).where(ErasureRecord.device_id == device.id)
    )


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_purge_by_one_pass_overwrite_on_nvme_is_refused_with_what_purge_needs(
    client, login, tech
) -> None:  # type: ignore[no-untyped-def]
    d = laptop(tech, "NVME1", StorageType.NVME)
    login(tech)
    page = client.get(f"/inventaire/appareils/{d.id}/effacement").get_data(as_text=True)
    # Only the medium's methods, each with its level; the default pair is consistent.
    assert 'selected value="nvme_sanitize"' in page and 'selected value="purge"' in page
    assert 'value="ata_sanitize"' not in page and 'value="factory_reset"' not in page
    assert "Écrasement (passes) : Clear" in html.unescape(page)
    refused = post(client, d, form(medium="nvme"))
    assert refused.status_code == 200
    assert NVME_SENTENCE in html.unescape(refused.get_data(as_text=True))
    assert count(d) == 0
    done = post(client, d, form(medium="nvme", method="nvme_sanitize", tool="nvme-cli"))
    assert done.status_code == 302 and count(d) == 1


def test_destroy_needs_a_physical_method_verification_and_no_future_date(
    client, login, tech
) -> None:  # type: ignore[no-untyped-def]
    d = laptop(tech, "HDD1", StorageType.HDD)
    login(tech)
    text = html.unescape(
        post(client, d, form(medium="hdd", level="destroy")).get_data(as_text=True)
    )
    assert "Destroy sur un disque dur (HDD) demande une destruction physique" in text
    assert "Purge sur un disque dur (HDD) demande" in html.unescape(
        post(client, d, form(medium="hdd")).get_data(as_text=True)
    )
    text = html.unescape(
        post(client, d, form(medium="hdd", level="clear", verification="")).get_data(as_text=True)
    )
    assert "Indiquez comment l'effacement a été vérifié." in text
    future = (utcnow() + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    text = html.unescape(
        post(client, d, form(medium="hdd", level="clear", ended_at=future)).get_data(as_text=True)
    )
    assert "ne peut pas être daté dans le futur" in text
    assert count(d) == 0
    assert post(client, d, form(medium="hdd", level="clear")).status_code == 302


def test_a_medium_typed_on_the_form_is_kept_on_the_device(client, login, tech) -> None:  # type: ignore[no-untyped-def]
    d = laptop(tech, "NONE1", None)
    login(tech)
    text = html.unescape(post(client, d, form(level="clear")).get_data(as_text=True))
    assert "Indiquez le support effacé" in text
    assert post(client, d, form(medium="emmc", level="clear")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Device, d.id).storage_type is StorageType.EMMC


def test_a_failed_erasure_after_a_successful_one_leaves_the_device_not_erased(
    client, login, tech
) -> None:  # type: ignore[no-untyped-def]
    d = laptop(tech, "FAIL1", StorageType.SSD)
    login(tech)
    ok = form(medium="ssd", method="ata_sanitize", tool="hdparm")
    assert post(client, d, ok).status_code == 302
    assert workshop.readiness(d).erasure_passed
    failed = {**ok, "started_at": "2026-11-21T09:00", "ended_at": "2026-11-21T10:00"}
    assert post(client, d, {**failed, "result": "failed"}).status_code == 302
    assert not workshop.readiness(d).erasure_passed
    assert not workshop.readiness(d, erasure_list=erasure_records.erasures(d)).erasure_passed
    page = client.get(f"/inventaire/appareils/{d.id}").get_data(as_text=True)
    assert "effacement des données à faire" in page and "effacement des données réussi" not in page
    # The earlier certificate says it was superseded; the batch lists it as not erased.
    first = erasure_records.erasures(d)[0]
    text = pdf_text(client.get(f"/inventaire/effacements/{first.id}/certificat.pdf").data)
    assert "en échec :\nl'appareil n'est pas effacé." in text


def test_the_certificate_states_the_level_the_method_reaches(client, login, tech) -> None:  # type: ignore[no-untyped-def]
    batch = donations.create_batch(tech.organisation_id, None)
    old = laptop(tech, "OLD1", StorageType.NVME, batch)
    good = laptop(tech, "GOOD1", StorageType.NVME, batch)
    failed = laptop(tech, "BAD1", StorageType.HDD, batch)
    laptop(tech, "TODO1", StorageType.SSD, batch)
    when = datetime.datetime(2026, 11, 20, 9, 0)
    common = {
        "organisation_id": tech.organisation_id,
        "tool": "nwipe",
        "verification": "Lecture complète",
        "started_at": when,
        "ended_at": when,
        "technician_name": "Lucie Marchal",
        "signature": "Lucie Marchal",
    }
    # Recorded before the rules: "Purge" by a one-pass overwrite of an NVMe SSD.
    legacy = ErasureRecord(
        device_id=old.id,
        level=ErasureLevel.PURGE,
        method=ErasureMethod.OVERWRITE,
        passes=1,
        result=ErasureResult.ERASED,
        disk_serial="S-OLD",
        **common,
    )
    db.session.add(legacy)
    db.session.commit()
    login(tech)
    text = pdf_text(client.get(f"/inventaire/effacements/{legacy.id}/certificat.pdf").data)
    assert "Niveau atteint\nClear (effacement)" in text and "Purge" not in text
    assert "SSD NVMe" in text
    assert (
        post(
            client, good, form(medium="nvme", method="crypto_erase", disk_serial="S-GOOD")
        ).status_code
        == 302
    )
    assert (
        post(client, failed, form(medium="hdd", level="clear", result="failed")).status_code == 302
    )
    text = pdf_text(
        client.get(
            f"/inventaire/effacements/{erasure_records.erasures(good)[0].id}/certificat.pdf"
        ).data
    )
    assert "Niveau atteint\nPurge (purge)" in text
    batch_pdf = PdfReader(
        io.BytesIO(client.get(f"/inventaire/lots/{batch.id}/certificats.pdf").data)
    )
    summary = batch_pdf.pages[0].extract_text()
    assert "récapitulatif du lot" in summary
    cells = summary.splitlines()

    def row(tag: str) -> list[str]:  # tag, device, medium, disk serial, level
        at = cells.index(tag)
        return cells[at : at + 5]

    assert row(old.asset_tag)[2:] == ["SSD NVMe", "S-OLD", "Clear (effacement)"]
    assert row(good.asset_tag)[2:] == ["SSD NVMe", "S-GOOD", "Purge (purge)"]
    assert row(failed.asset_tag)[2:] == ["Disque dur (HDD)", "—", "Non effacé (échec)"]
    todo = db.session.scalar(select(Device).where(Device.serial == "TODO1"))
    assert row(todo.asset_tag)[2:] == ["SSD SATA", "—", "Non effacé"]
    assert len(batch_pdf.pages) == 3  # the list, then the two erased devices' certificates


def test_a_replaced_disk_leaves_the_first_erasure_as_it_was(client, login, tech) -> None:  # type: ignore[no-untyped-def]
    """The medium is kept on each record: an HDD erased, then replaced by an NVMe SSD erased
    in turn, the first record and its certificate still say HDD and its level."""
    batch = donations.create_batch(tech.organisation_id, None)
    d = laptop(tech, "SWAP1", StorageType.HDD, batch)
    login(tech)
    hdd = form(medium="hdd", level="clear", disk_serial="WD-OLD", disk_make="WD")
    assert post(client, d, hdd).status_code == 302
    nvme = form(
        medium="nvme", method="nvme_sanitize", tool="nvme-cli", disk_serial="SN-NEW",
        started_at="2026-11-21T09:00", ended_at="2026-11-21T09:20",
    )  # fmt: skip
    assert post(client, d, nvme).status_code == 302
    db.session.expire_all()
    first, second = erasure_records.erasures(d)
    assert (first.medium.value, second.medium.value) == ("hdd", "nvme")
    assert db.session.get(Device, d.id).storage_type is StorageType.NVME  # the device's disk now

    text = pdf_text(client.get(f"/inventaire/effacements/{first.id}/certificat.pdf").data)
    assert (
        "Type de support\nDisque dur (HDD)" in text
        and "SSD NVMe" not in text.split("Support effacé")[1]
    )
    assert "Niveau atteint\nClear (effacement)" in text and "WD-OLD" in text
    # Not "replaced": the later erasure is of another disk, this one stands for the HDD.
    assert "Remplacé par" not in text
    assert f"Support remplacé depuis (SSD NVMe, effacement EFF-{second.id:06d}" in text
    text = pdf_text(client.get(f"/inventaire/effacements/{second.id}/certificat.pdf").data)
    assert "Type de support\nSSD NVMe" in text and "Niveau atteint\nPurge (purge)" in text
    assert "remplacé" not in text.lower()

    page = html.unescape(client.get(f"/inventaire/appareils/{d.id}").get_data(as_text=True))
    section = page.split('id="effacement-titre"')[1].split("</section>")[0]
    erasure_lines = " ".join(re.sub(r"<[^>]+>", "", section).split())
    assert "Disque dur (HDD) · Écrasement" in erasure_lines and "SSD NVMe · " in erasure_lines
    assert workshop.readiness(d).erasure_passed  # the device's latest erasure: the NVMe's

    # The donor's batch certificate lists both media, each with its level; a certificate
    # page for each (the HDD held the donor's data).
    batch_pdf = PdfReader(
        io.BytesIO(client.get(f"/inventaire/lots/{batch.id}/certificats.pdf").data)
    )
    cells = batch_pdf.pages[0].extract_text().splitlines()
    rows = [cells[i : i + 5] for i, cell in enumerate(cells) if cell == d.asset_tag]
    assert [r[2:] for r in rows] == [
        ["Disque dur (HDD)", "WD-OLD", "Clear (effacement)"],
        ["SSD NVMe", "SN-NEW", "Purge (purge)"],
    ]
    assert len(batch_pdf.pages) == 3


def test_a_later_failure_on_the_same_disk_still_undoes_the_success(client, login, tech) -> None:  # type: ignore[no-untyped-def]
    batch = donations.create_batch(tech.organisation_id, None)
    d = laptop(tech, "SAME1", StorageType.HDD, batch)
    login(tech)
    assert post(client, d, form(medium="hdd", level="clear")).status_code == 302
    failed = form(medium="hdd", level="clear", disk_serial="WD-1", result="failed",
                  started_at="2026-11-21T09:00", ended_at="2026-11-21T10:00")  # fmt: skip
    assert post(client, d, failed).status_code == 302
    cells = (
        PdfReader(io.BytesIO(client.get(f"/inventaire/lots/{batch.id}/certificats.pdf").data))
        .pages[0]
        .extract_text()
        .splitlines()
    )
    rows = [cells[i : i + 5] for i, cell in enumerate(cells) if cell == d.asset_tag]
    assert [r[2:] for r in rows] == [["Disque dur (HDD)", "WD-1", "Non effacé (échec)"]]
