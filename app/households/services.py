"""Households and prescriptions: the actions. Each one checks, writes the journal and commits.

Who sees a household (DOMAIN.md section 9): the prescribing organisation that recorded it,
and an association only through a prescription sent to it. Every read and change of
household data is journalled (object_type "household").

The actions live by journey (access.py, records.py, household_facts.py, prescriptions.py,
claims.py, state_mail.py); this module is the one door other domains and the pages use.
"""

from __future__ import annotations

from app.households.access import (
    association_sees,
    associations,
    get_household,
    get_prescription,
    household_record_org,
    households_for,
    may_read_household,
    may_read_prescription,
    may_write_household,
    prescriptions_for,
)
from app.households.claims import (
    SlotTaken,
    claim_envelope,
    claim_quota,
    release_envelope,
    release_quota,
)
from app.households.household_facts import (
    check_household,
    envelope_uses,
    facts_for,
)
from app.households.prescriptions import (
    SUBMIT_ATTEMPTS,
    SUBMITTED_DAYS,
    VALIDATED_DAYS,
    PrescriptionInput,
    cancel_prescription,
    create_prescription,
    expire_stale,
    mark_fulfilled,
    refuse_prescription,
    submit_prescription,
    validate_prescription,
)
from app.households.records import (
    MAX_AGE,
    MAX_MEMBERS,
    HouseholdInput,
    create_household,
    input_from,
    parse_ages,
    update_household,
)
from app.households.state_mail import (
    queue_state_email,
)

__all__ = [
    "HouseholdInput",
    "MAX_AGE",
    "MAX_MEMBERS",
    "PrescriptionInput",
    "SUBMITTED_DAYS",
    "SUBMIT_ATTEMPTS",
    "SlotTaken",
    "VALIDATED_DAYS",
    "association_sees",
    "associations",
    "cancel_prescription",
    "check_household",
    "claim_envelope",
    "claim_quota",
    "create_household",
    "create_prescription",
    "envelope_uses",
    "expire_stale",
    "facts_for",
    "get_household",
    "get_prescription",
    "household_record_org",
    "households_for",
    "input_from",
    "mark_fulfilled",
    "may_read_household",
    "may_read_prescription",
    "may_write_household",
    "parse_ages",
    "prescriptions_for",
    "queue_state_email",
    "refuse_prescription",
    "release_envelope",
    "release_quota",
    "submit_prescription",
    "update_household",
    "validate_prescription",
]
