"""The level each erasure method reaches on each medium (NIST SP 800-88 Rev. 1, Appendix A)."""

from __future__ import annotations

import itertools

import pytest

from app.inventory.erasure_rules import (
    REACHES,
    ErasureLevel,
    ErasureMethod,
    Medium,
    certified_level,
    levels_for,
    medium_of,
    methods_for,
    reaches,
    refusal,
)

C, P, D = ErasureLevel.CLEAR, ErasureLevel.PURGE, ErasureLevel.DESTROY
M = ErasureMethod
# Every (medium, method) pair, written out: None where the method does not apply.
EXPECTED: dict[tuple[Medium, ErasureMethod], ErasureLevel | None] = {
    (Medium.HDD, M.OVERWRITE): C,  # Table A-5: an overwrite of an ATA HDD is Clear
    (Medium.HDD, M.ATA_SANITIZE): P,
    (Medium.HDD, M.NVME_SANITIZE): None,
    (Medium.HDD, M.CRYPTO_ERASE): P,
    (Medium.HDD, M.FACTORY_RESET): None,
    (Medium.HDD, M.DEGAUSS): P,
    (Medium.HDD, M.DESTRUCTION): D,
    (Medium.SSD, M.OVERWRITE): C,  # Table A-8: flash, overwrite at most Clear
    (Medium.SSD, M.ATA_SANITIZE): P,
    (Medium.SSD, M.NVME_SANITIZE): None,
    (Medium.SSD, M.CRYPTO_ERASE): P,
    (Medium.SSD, M.FACTORY_RESET): None,
    (Medium.SSD, M.DEGAUSS): None,
    (Medium.SSD, M.DESTRUCTION): D,
    (Medium.NVME, M.OVERWRITE): C,
    (Medium.NVME, M.ATA_SANITIZE): None,
    (Medium.NVME, M.NVME_SANITIZE): P,
    (Medium.NVME, M.CRYPTO_ERASE): P,
    (Medium.NVME, M.FACTORY_RESET): None,
    (Medium.NVME, M.DEGAUSS): None,
    (Medium.NVME, M.DESTRUCTION): D,
    (Medium.EMMC, M.OVERWRITE): C,
    (Medium.EMMC, M.ATA_SANITIZE): None,
    (Medium.EMMC, M.NVME_SANITIZE): None,
    (Medium.EMMC, M.CRYPTO_ERASE): P,
    (Medium.EMMC, M.FACTORY_RESET): None,
    (Medium.EMMC, M.DEGAUSS): None,
    (Medium.EMMC, M.DESTRUCTION): D,
    (Medium.MOBILE, M.OVERWRITE): None,
    (Medium.MOBILE, M.ATA_SANITIZE): None,
    (Medium.MOBILE, M.NVME_SANITIZE): None,
    (Medium.MOBILE, M.CRYPTO_ERASE): P,
    (Medium.MOBILE, M.FACTORY_RESET): P,  # Table A-3: reset of encrypted storage
    (Medium.MOBILE, M.DEGAUSS): None,
    (Medium.MOBILE, M.DESTRUCTION): D,
}
ORDER = [C, P, D]


def test_every_pair_is_written_out() -> None:
    assert set(EXPECTED) == set(itertools.product(Medium, ErasureMethod))


@pytest.mark.parametrize(("medium", "method"), sorted(EXPECTED))
def test_level_reached(medium: Medium, method: ErasureMethod) -> None:
    expected = EXPECTED[(medium, method)]
    assert reaches(medium, method) is expected
    assert (method in methods_for(medium)) is (expected is not None)
    for level in ErasureLevel:
        why = refusal(medium, method, level, passes=1)
        if expected is not None and ORDER.index(level) <= ORDER.index(expected):
            assert why is None
        else:
            assert why and why.endswith(".")


def test_flash_overwrite_is_clear_whatever_the_passes() -> None:
    for medium in (Medium.SSD, Medium.NVME, Medium.EMMC):
        assert reaches(medium, M.OVERWRITE) is C
    assert refusal(Medium.NVME, M.OVERWRITE, P, passes=1) == (
        "Purge sur un SSD NVMe demande un effacement cryptographique, un « sanitize » ou un"
        " effacement par blocs ; un écrasement en une passe n'atteint que Clear."
    )
    assert "en 3 passes n'atteint que Clear" in (refusal(Medium.SSD, M.OVERWRITE, P, 3) or "")


def test_destroy_needs_a_physical_method() -> None:
    for medium, method in EXPECTED:
        if method is not M.DESTRUCTION and EXPECTED[(medium, method)] is not None:
            assert "destruction physique" in (refusal(medium, method, D) or "")
    assert all(row[M.DESTRUCTION] is D for row in REACHES.values())


def test_a_method_that_does_not_apply() -> None:
    assert refusal(Medium.HDD, M.NVME_SANITIZE, C) == (
        "Un « sanitize » ou un formatage NVMe ne s'applique pas à un disque dur (HDD)."
    )


def test_medium_of_a_device() -> None:
    assert medium_of("smartphone", "emmc") is Medium.MOBILE
    assert medium_of("tablet", None) is Medium.MOBILE
    assert medium_of("laptop", "nvme") is Medium.NVME
    assert medium_of("desktop", "hdd") is Medium.HDD
    assert medium_of("laptop", "none") is None
    assert medium_of("laptop", None) is None
    assert medium_of("laptop", "mobile") is None


def test_unknown_medium_is_the_lowest() -> None:
    assert reaches(None, M.OVERWRITE) is C
    assert reaches(None, M.NVME_SANITIZE) is P
    assert reaches(None, M.DESTRUCTION) is D
    assert methods_for(None) == list(ErasureMethod)
    assert levels_for(Medium.MOBILE) == [P, D]
    assert levels_for(Medium.NVME) == [C, P, D]


def test_certified_level_never_states_more_than_the_method_reaches() -> None:
    assert certified_level(Medium.NVME, M.OVERWRITE, P) is C  # a record from before the rules
    assert certified_level(Medium.NVME, M.NVME_SANITIZE, P) is P
    assert certified_level(Medium.NVME, M.NVME_SANITIZE, C) is C  # nor more than was claimed
    assert certified_level(None, M.OVERWRITE, D) is C
    assert certified_level(Medium.HDD, M.FACTORY_RESET, P) is P  # falls back to where it applies
