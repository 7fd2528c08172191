"""What the engine knows about a household: plain values, no database. Pure module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from app.eligibility.vocabulary import Commitment, Status


class Proof(IntEnum):
    """How well a status is established, weakest first."""

    CLAIMED = 0  # the person says so; nobody has attested it yet
    DECLARED = 1  # attested on the prescriber's word
    DOCUMENT_SEEN = 2  # the prescriber saw a document


PROOF_WORDS: dict[Proof, str] = {
    Proof.CLAIMED: "déclaré par la personne, pas encore attesté",
    Proof.DECLARED: "attesté sur la parole du prescripteur",
    Proof.DOCUMENT_SEEN: "justificatif vu",
}


@dataclass(frozen=True, slots=True)
class StatusFact:
    status: Status
    proof: Proof = Proof.DECLARED
    attested_on: date | None = None
    valid_until: date | None = None

    def holds_on(self, on: date, minimum: Proof) -> bool:
        """Attested well enough, and the attestation is in force on that day."""
        if self.proof < minimum or self.proof is Proof.CLAIMED:
            return False
        if self.attested_on is not None and on < self.attested_on:
            return False
        return self.valid_until is None or on <= self.valid_until


@dataclass(frozen=True, slots=True)
class QuotaUse:
    """One equipment already granted under a quota key in a period (e.g. "2026")."""

    key: str
    period: str


@dataclass(frozen=True, slots=True)
class Facts:
    """A household as the rules see it, on the day of the check.

    ``ages`` are the ages of every member on that day (the reference person included);
    ``commitments`` is None when nobody has asked yet (checking a household), a set once
    the prescription records what the person agreed to.
    """

    statuses: tuple[StatusFact, ...] = ()
    ages: tuple[int, ...] = ()
    reference_age: int | None = None
    postcode: str = ""
    commune: str = ""
    qpv: bool = False
    has_computer: bool = False
    has_smartphone: bool = False
    has_tablet: bool = False
    quota_uses: tuple[QuotaUse, ...] = ()
    commitments: frozenset[Commitment] | None = None
    size: int | None = None  # defaults to the number of ages given
    _by_status: dict[Status, StatusFact] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        index = self._by_status
        for fact in self.statuses:
            known = index.get(fact.status)
            if known is None or fact.proof > known.proof:
                index[fact.status] = fact

    def status(self, status: Status) -> StatusFact | None:
        return self._by_status.get(status)

    @property
    def household_size(self) -> int:
        return self.size if self.size is not None else max(len(self.ages), 1)
