"""Demo inventory for the two demo associations: donated laptops, desktops and phones in
every workshop state, with several "ready" laptops (erasure, tests and grade done) that
the loans journey can hand over. Idempotent: a batch's reference marks what was seeded.

CPU indexes are PassMark CPU Mark figures, rounded.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.accounts.demo import DemoContext
from app.core.clock import told_at, utcnow
from app.extensions import db
from app.inventory import device_records, donations, erasure_records, erasure_rules, workshop
from app.inventory.grading import StorageType
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import (
    Condition,
    DonationBatch,
    DonorKind,
    ErasureLevel,
    ErasureMethod,
    ErasureResult,
)

L, D, P, T = DeviceType.LAPTOP, DeviceType.DESKTOP, DeviceType.SMARTPHONE, DeviceType.TABLET
SSD, HDD, NVME, EMMC = StorageType.SSD, StorageType.HDD, StorageType.NVME, StorageType.EMMC

# (type, brand, model, cpu, cpu score, RAM, storage type, size, screen, OS, battery %)
MODELS: dict[str, tuple[Any, ...]] = {
    "t470": (L, "Lenovo", "ThinkPad T470", "Intel Core i5-7300U", 3700, 8, SSD, 256, 14, "Linux Mint 22", 82),
    "t480": (L, "Lenovo", "ThinkPad T480", "Intel Core i5-8350U", 6200, 8, NVME, 256, 14, "Linux Mint 22", 88),
    "e7470": (L, "Dell", "Latitude E7470", "Intel Core i5-6300U", 3200, 8, SSD, 240, 14, "Linux Mint 22", 75),
    "840g5": (L, "HP", "EliteBook 840 G5", "Intel Core i5-8250U", 6000, 16, NVME, 512, 14, "Windows 11 Pro", 91),
    "450g3": (L, "HP", "ProBook 450 G3", "Intel Core i3-6100U", 2300, 4, HDD, 500, 15.6, "", 60),
    "e548": (L, "Fujitsu", "Lifebook E548", "Intel Core i5-8250U", 6000, 8, SSD, 256, 14, "Linux Mint 22", 85),
    "7050": (D, "Dell", "OptiPlex 7050", "Intel Core i5-7500", 6000, 8, SSD, 256, None, "Linux Mint 22", None),
    "a52": (P, "Samsung", "Galaxy A52", "Snapdragon 720G", None, 6, None, 128, 6.5, "Android 14", 87),
    "rn10": (P, "Xiaomi", "Redmi Note 10", "Snapdragon 678", None, 4, None, 64, 6.43, "Android 13", 79),
    "iph8": (P, "Apple", "iPhone 8", "A11 Bionic", None, 2, None, 64, 4.7, "iOS 16", 74),
    "taba": (T, "Samsung", "Galaxy Tab A 10.1", "Exynos 7904", None, 2, EMMC, 32, 10.1, "Android 11", 81),
}  # fmt: skip

# Per association: batches of (donor, donor kind, reference, days ago, [(model, count, state)]).
# The donations are spread over the past months (issue 18): the first batch of Metz came
# before the demo's oldest loans (app/loans/demo.py, 386 and 363 days ago).
PLAN: dict[str, list[tuple[str, DonorKind, str, int, list[tuple[str, int, State]]]]] = {
    "atelier-metz": [
        ("Conseil départemental de la Moselle", DonorKind.PUBLIC_BODY, "DEMO-CD57-2026-01", 420,
         [("t470", 4, State.READY), ("t470", 2, State.RECONDITIONING), ("e7470", 2, State.READY),
          ("450g3", 1, State.E_WASTE), ("7050", 2, State.READY)]),
        ("Lorraine Logistique SAS", DonorKind.COMPANY, "DEMO-LL-2026-02", 150,
         [("t480", 3, State.READY), ("840g5", 2, State.TRIAGE), ("e548", 2, State.RECEIVED),
          ("450g3", 1, State.PARTS)]),
        ("Mme Christine Hoffmann", DonorKind.INDIVIDUAL, "DEMO-PART-2026-03", 21,
         [("a52", 1, State.READY), ("rn10", 2, State.READY), ("iph8", 1, State.TRIAGE),
          ("taba", 1, State.RECEIVED)]),
    ],
    "ressourcerie-amiens": [
        ("Amiens Métropole", DonorKind.PUBLIC_BODY, "DEMO-AM-2026-01", 240,
         [("t470", 3, State.READY), ("e7470", 2, State.RECONDITIONING), ("7050", 2, State.READY),
          ("450g3", 1, State.E_WASTE)]),
        ("Assurances Picardie SA", DonorKind.COMPANY, "DEMO-AP-2026-02", 60,
         [("840g5", 2, State.READY), ("t480", 2, State.RECEIVED), ("a52", 2, State.READY),
          ("rn10", 1, State.TRIAGE)]),
    ],
}  # fmt: skip

PATH_TO: dict[State, list[State]] = {
    State.RECEIVED: [],
    State.TRIAGE: [State.TRIAGE],
    State.RECONDITIONING: [State.TRIAGE, State.RECONDITIONING],
    State.READY: [State.TRIAGE, State.RECONDITIONING, State.READY],
    State.E_WASTE: [State.TRIAGE, State.E_WASTE],
    State.PARTS: [State.TRIAGE, State.PARTS],
}
REASONS = {
    State.TRIAGE: "Tri à l'atelier",
    State.RECONDITIONING: "Reconditionnable",
    State.READY: "Effacé, testé et noté",
    State.E_WASTE: "Carte mère hors service : filière DEEE",
    State.PARTS: "Écran cassé : gardé pour pièces",
}
PLACES = ["Atelier, étagère A", "Atelier, étagère B", "Réserve"]


def seed(ctx: DemoContext) -> None:
    for slug, batches in PLAN.items():
        org = ctx.orgs.get(slug)
        if org is None:
            continue
        staff = [u for u in ctx.users.values() if getattr(u, "organisation_id", None) == org.id]
        # The workshop's technician when the association has one, else its manager.
        staff.sort(key=lambda u: (u.role.value != "technician", u.role.value != "manager"))
        actor = staff[0] if staff else None
        serial = 0
        for donor_name, kind, reference, days_ago, lines in batches:
            exists = db.session.scalar(
                select(DonationBatch.id).where(
                    DonationBatch.organisation_id == org.id, DonationBatch.reference == reference
                )
            )
            if exists:
                continue
            donated_on = utcnow().date() - timedelta(days=days_ago)
            with told_at(datetime.combine(donated_on, datetime.min.time()) + timedelta(hours=9)):
                donor = donations.create_donor(org.id, kind, donor_name, commit=False)
                batch = donations.create_batch(
                    org.id,
                    donor,
                    reference=reference,
                    received_on=donated_on,
                    actor=actor,
                    commit=False,
                )
            for key, count, state in lines:
                for _ in range(count):
                    serial += 1
                    tag = f"{reference[-7:]}-{serial:03d}"
                    _device(org.id, batch, key, state, tag, actor, donated_on, serial)
        db.session.commit()


def _steps_at(donated_on: date, n: int, rank: int) -> list[datetime]:
    """When a device's intake and its ``n`` workshop steps happen, in order: intake the
    day of the donation (in the afternoon), then a step every day or so, all before now."""
    start = datetime.combine(donated_on, datetime.min.time()) + timedelta(hours=14)
    start += timedelta(minutes=5 * rank)
    end = min(start + timedelta(days=1.5 * n + 1), utcnow() - timedelta(hours=2))
    gap = (end - start) / (n + 1)
    return [start + gap * i for i in range(n + 1)]


def _device(
    org_id: int,
    batch: DonationBatch,
    key: str,
    state: State,
    tag: str,
    actor: Any,
    donated_on: date,
    rank: int = 0,
) -> None:
    kind, brand, model, cpu, score, ram, storage, size, screen, os_name, battery = MODELS[key]
    serial = f"{brand[:2].upper()}{model.split()[-1].upper()}{tag.replace('-', '')}"
    data = device_records.DeviceInput(
        device_type=kind,
        brand=brand,
        model=model,
        serial=serial if kind is not P else "",
        imei=_imei(serial) if kind is P else "",
        cpu=cpu,
        cpu_score=score,
        ram_gb=ram,
        storage_type=storage,
        storage_gb=size,
        screen_inches=screen,
        os=os_name,
        battery_health_pct=battery,
        condition=Condition.WORKING if state is not State.E_WASTE else Condition.BROKEN,
        location=PLACES[len(serial) % len(PLACES)] if state is not State.E_WASTE else "",
    )
    # Donation, then intake, then each workshop step (erasure, tests and grade the step
    # before "ready"), each at its own time: the story the demo tells (issue 18).
    intake, *steps = _steps_at(donated_on, len(PATH_TO[state]), rank)
    with told_at(intake):
        device = device_records.create_device(org_id, data, actor=actor, batch=batch)
    for step, at in zip(PATH_TO[state], steps, strict=True):
        if step is State.READY:
            with told_at(at - (at - intake) / 8):
                _recondition(device, actor)
        with told_at(at):
            workshop.apply_transition(device, step, actor, REASONS[step])


def _recondition(device: Any, actor: Any) -> None:
    mobile = device.device_type in (DeviceType.SMARTPHONE, DeviceType.TABLET)
    end = utcnow().replace(microsecond=0) - timedelta(hours=1)
    name = getattr(actor, "display_name", "Technicien")
    # What a workshop does on each medium, at the level it reaches there (erasure_rules).
    medium = erasure_records.erasure_medium(device) or erasure_rules.Medium.HDD
    method, tool, version = {
        erasure_rules.Medium.MOBILE: (ErasureMethod.FACTORY_RESET, "Réinitialisation Android", ""),
        erasure_rules.Medium.NVME: (ErasureMethod.NVME_SANITIZE, "nvme-cli", "2.8"),
        erasure_rules.Medium.SSD: (ErasureMethod.ATA_SANITIZE, "hdparm", "9.65"),
    }.get(medium, (ErasureMethod.OVERWRITE, "nwipe", "0.37"))
    erasure_records.record_erasure(
        device,
        erasure_records.ErasureInput(
            medium=medium,
            level=erasure_rules.reaches(medium, method) or ErasureLevel.CLEAR,
            method=method,
            passes=1 if method is ErasureMethod.OVERWRITE else None,
            tool=tool,
            tool_version=version,
            verification="Vérification complète" if not mobile else "Compte Google retiré",
            started_at=end - timedelta(hours=2),
            ended_at=end,
            result=ErasureResult.ERASED,
            technician_name=name,
            signature=name,
            disk_size_gb=device.storage_gb,
        ),
        actor=actor,
    )
    items = workshop.checklist_items(device.organisation_id, device.device_type)
    workshop.save_checklist(
        device, [{"label": item, "result": "ok", "note": ""} for item in items], actor=actor
    )
    workshop.set_grade(device, actor=actor)


def _imei(seed_text: str) -> str:
    """A well-formed (Luhn) but fictitious IMEI, from a reporting body code no phone uses.

    Twelve digits of the serial's SHA-256, not of its first twelve characters: two phones
    whose serials differed only at the end shared one IMEI (issue 16)."""
    body = int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "big") % 10**12
    digits = f"35{body:012d}"
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return digits + str((10 - total % 10) % 10)
