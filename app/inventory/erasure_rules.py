"""What an erasure method reaches on a storage medium, after NIST SP 800-88 Rev. 1 (pure).

NIST SP 800-88 Rev. 1 (December 2014), Appendix A "Minimum Sanitization
Recommendations", gives per medium the techniques that reach each level:

- Table A-5 (Magnetic Media), row "ATA Hard Disk Drives": Clear = overwrite with
  organizationally approved software (one pass of a fixed pattern is enough); Purge = an
  ATA Sanitize command (Overwrite EXT or Crypto Scramble EXT), ATA Secure Erase Unit,
  a cryptographic erase (self-encrypting drive) or degaussing; Destroy = shred,
  disintegrate, pulverize or incinerate. A software overwrite of a hard disk is Clear,
  never Purge.
- Table A-8 (Flash Memory-Based Storage Devices), rows "ATA Solid State Drives",
  "NVM Express SSDs" and embedded flash: Clear = overwrite; Purge = ATA Sanitize (Block
  Erase or Crypto Scramble), NVMe Format with Secure Erase Settings 1 or 2 or NVMe
  Sanitize (Block Erase or Crypto Erase), or a cryptographic erase; Destroy as above.
  Wear levelling and over-provisioning leave cells an overwrite never reaches: an
  overwrite of flash (SSD, NVMe, eMMC) is at most Clear, whatever its number of passes.
  Degaussing does nothing to flash.
- Table A-3 (Mobile Devices): a factory reset of a phone or tablet whose storage is
  encrypted is a cryptographic erase, hence Purge; Destroy as above.

A method a medium does not have (an NVMe command on a SATA disk, a factory reset on a
computer's disk) reaches nothing there.
"""

from __future__ import annotations

from enum import StrEnum


class ErasureLevel(StrEnum):  # NIST SP 800-88 Rev. 1, section 2.5
    CLEAR = "clear"
    PURGE = "purge"
    DESTROY = "destroy"


class ErasureMethod(StrEnum):
    OVERWRITE = "overwrite"
    ATA_SANITIZE = "ata_sanitize"
    NVME_SANITIZE = "nvme_sanitize"
    CRYPTO_ERASE = "crypto_erase"
    FACTORY_RESET = "factory_reset"  # phones and tablets with encrypted storage
    DEGAUSS = "degauss"
    DESTRUCTION = "destruction"


class Medium(StrEnum):
    # The first four are the values of grading.StorageType.
    HDD = "hdd"
    SSD = "ssd"
    NVME = "nvme"
    EMMC = "emmc"
    MOBILE = "mobile"  # a phone's or tablet's flash storage, erased from its system


ORDER = {ErasureLevel.CLEAR: 1, ErasureLevel.PURGE: 2, ErasureLevel.DESTROY: 3}

MEDIUM_LABELS: dict[Medium, str] = {
    Medium.HDD: "Disque dur (HDD)",
    Medium.SSD: "SSD SATA",
    Medium.NVME: "SSD NVMe",
    Medium.EMMC: "eMMC",
    Medium.MOBILE: "Mémoire d'un téléphone ou d'une tablette",
}
# "Purge sur un SSD NVMe…": the medium inside a sentence.
_ON_MEDIUM: dict[Medium, str] = {
    Medium.HDD: "un disque dur (HDD)",
    Medium.SSD: "un SSD SATA",
    Medium.NVME: "un SSD NVMe",
    Medium.EMMC: "une mémoire eMMC",
    Medium.MOBILE: "un téléphone ou une tablette",
}
_LEVEL_NAMES = {
    ErasureLevel.CLEAR: "Clear",
    ErasureLevel.PURGE: "Purge",
    ErasureLevel.DESTROY: "Destroy",
}
_METHOD_PHRASES = {
    ErasureMethod.OVERWRITE: "un écrasement",
    ErasureMethod.ATA_SANITIZE: "un « sanitize » ATA",
    ErasureMethod.NVME_SANITIZE: "un « sanitize » ou un formatage NVMe",
    ErasureMethod.CRYPTO_ERASE: "un effacement cryptographique",
    ErasureMethod.FACTORY_RESET: "une réinitialisation usine",
    ErasureMethod.DEGAUSS: "une démagnétisation",
    ErasureMethod.DESTRUCTION: "une destruction physique",
}
_DESTROY_NEEDS = "une destruction physique (broyage, désintégration, incinération)"
_PURGE_NEEDS: dict[Medium, str] = {
    Medium.HDD: (
        "un « sanitize » ATA ou un Secure Erase, un effacement cryptographique"
        " (disque auto-chiffrant) ou une démagnétisation"
    ),
    Medium.SSD: "un effacement cryptographique, un « sanitize » ou un effacement par blocs",
    Medium.NVME: "un effacement cryptographique, un « sanitize » ou un effacement par blocs",
    Medium.EMMC: "un effacement cryptographique",
    Medium.MOBILE: (
        "une réinitialisation usine d'un stockage chiffré ou un effacement cryptographique"
    ),
}

_C, _P, _D = ErasureLevel.CLEAR, ErasureLevel.PURGE, ErasureLevel.DESTROY
_M = ErasureMethod
# The level each method reaches on each medium; a method absent from a row does not apply.
REACHES: dict[Medium, dict[ErasureMethod, ErasureLevel]] = {
    # Table A-5, ATA Hard Disk Drives.
    Medium.HDD: {
        _M.OVERWRITE: _C,
        _M.ATA_SANITIZE: _P,
        _M.CRYPTO_ERASE: _P,
        _M.DEGAUSS: _P,
        _M.DESTRUCTION: _D,
    },
    # Table A-8, ATA Solid State Drives.
    Medium.SSD: {_M.OVERWRITE: _C, _M.ATA_SANITIZE: _P, _M.CRYPTO_ERASE: _P, _M.DESTRUCTION: _D},
    # Table A-8, NVM Express SSDs.
    Medium.NVME: {_M.OVERWRITE: _C, _M.NVME_SANITIZE: _P, _M.CRYPTO_ERASE: _P, _M.DESTRUCTION: _D},
    # Table A-8, embedded flash memory.
    Medium.EMMC: {_M.OVERWRITE: _C, _M.CRYPTO_ERASE: _P, _M.DESTRUCTION: _D},
    # Table A-3, Mobile Devices.
    Medium.MOBILE: {_M.FACTORY_RESET: _P, _M.CRYPTO_ERASE: _P, _M.DESTRUCTION: _D},
}

MOBILE_TYPES = frozenset({"smartphone", "tablet"})


def medium_of(device_type: str, storage_type: str | None) -> Medium | None:
    """The medium of a device: a phone's own memory, else its storage type if one is known."""
    if str(device_type) in MOBILE_TYPES:
        return Medium.MOBILE
    try:
        medium = Medium(str(storage_type)) if storage_type else None
    except ValueError:
        return None  # "none" or anything else: no medium known
    return None if medium is Medium.MOBILE else medium


def methods_for(medium: Medium | None) -> list[ErasureMethod]:
    """The methods that apply to ``medium`` (all of them when it is not known)."""
    if medium is None:
        return list(ErasureMethod)
    return [m for m in ErasureMethod if m in REACHES[medium]]


def reaches(medium: Medium | None, method: ErasureMethod) -> ErasureLevel | None:
    """The level ``method`` reaches on ``medium``; None when it does not apply there.

    On an unknown medium, the lowest level the method reaches on any medium it applies to,
    so that a certificate never states more than the method can give.
    """
    if medium is not None:
        return REACHES[medium].get(method)
    levels = [row[method] for row in REACHES.values() if method in row]
    return min(levels, key=ORDER.__getitem__) if levels else None


def levels_for(medium: Medium | None) -> list[ErasureLevel]:
    """The levels some method reaches on ``medium``."""
    reached = {reaches(medium, m) for m in methods_for(medium)}
    return [level for level in ErasureLevel if level in reached]


def certified_level(
    medium: Medium | None, method: ErasureMethod, claimed: ErasureLevel
) -> ErasureLevel:
    """The level a certificate states: what the method reaches, never more than was claimed."""
    reached = reaches(medium, method) or reaches(None, method) or ErasureLevel.CLEAR
    return reached if ORDER[reached] <= ORDER[claimed] else claimed


def _method_phrase(method: ErasureMethod, passes: int | None) -> str:
    if method is ErasureMethod.OVERWRITE and passes:
        return "un écrasement en une passe" if passes == 1 else f"un écrasement en {passes} passes"
    return _METHOD_PHRASES[method]


def refusal(
    medium: Medium, method: ErasureMethod, level: ErasureLevel, passes: int | None = None
) -> str | None:
    """Why ``level`` by ``method`` on ``medium`` is refused, in French; None when it holds."""
    reached = REACHES[medium].get(method)
    what = _method_phrase(method, passes)
    if reached is None:
        return f"{what[0].upper()}{what[1:]} ne s'applique pas à {_ON_MEDIUM[medium]}."
    if ORDER[reached] >= ORDER[level]:
        return None
    needs = _DESTROY_NEEDS if level is ErasureLevel.DESTROY else _PURGE_NEEDS[medium]
    return (
        f"{_LEVEL_NAMES[level]} sur {_ON_MEDIUM[medium]} demande {needs} ; "
        f"{what} n'atteint que {_LEVEL_NAMES[reached]}."
    )
