"""Households and prescriptions under /api/v1, with the same rules as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from app.api.auth import api_auth
from app.api.errors import ApiError, parse_body
from app.api.openapi import operation
from app.api.types import RecordId, UtcDateTime
from app.authz.guards import can
from app.authz.policy import Permission
from app.core.clock import today
from app.core.converters import page_number
from app.eligibility import display
from app.eligibility.api_routes import CheckOut
from app.eligibility.vocabulary import (
    AttestationMethod,
    Commitment,
    Connection,
    ContactChannel,
    DeviceType,
    Purpose,
    Status,
)
from app.households import services
from app.households.lifecycle import PrescriptionState
from app.households.models import ConsentBasis, Household, Prescription

api_bp = Blueprint("households_api", __name__, url_prefix="/api/v1")


class HouseholdIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference_name: str = Field(min_length=1, max_length=120)
    reference_age: int | None = Field(None, ge=0, le=120)
    other_ages: list[int] = Field(default_factory=list, max_length=19)
    commune: str = Field("", max_length=120)
    postcode: str = Field("", max_length=10)
    qpv: bool = False
    statuses: list[Status] = Field(default_factory=list)
    attestation_method: AttestationMethod = AttestationMethod.DECLARED
    attestation_valid_until: date | None = None
    has_computer: bool = False
    has_smartphone: bool = False
    has_tablet: bool = False
    connection: Connection = Connection.NONE
    telecom_spend_eur: int | None = Field(None, ge=0, le=1000)
    contact_channel: ContactChannel = ContactChannel.SMS
    language: str = Field("fr", max_length=5, description="langue des messages (fr, en)")
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    postal_address: str = Field("", max_length=300)
    consent: bool = Field(description="la personne est informée et d'accord (obligatoire)")
    consent_basis: ConsentBasis = ConsentBasis.CONSENT


class AttestationOut(BaseModel):
    status: Status
    method: AttestationMethod
    attested_on: date
    valid_until: date | None
    valid_today: bool


class HouseholdOut(BaseModel):
    id: int
    organisation_id: RecordId
    reference_name: str
    reference_age: int | None
    other_ages: list[int]
    size: int
    commune: str
    postcode: str
    qpv: bool
    statuses: list[AttestationOut]
    has_computer: bool
    has_smartphone: bool
    has_tablet: bool
    connection: Connection
    telecom_spend_eur: int | None
    contact_channel: ContactChannel
    language: str
    phone: str
    email: str
    consent_basis: ConsentBasis
    consent_at: UtcDateTime | None
    created_at: UtcDateTime


class PrescriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    household_id: RecordId
    programme_code: str = Field(max_length=60)
    association_org_id: RecordId
    device_type: DeviceType
    purposes: list[Purpose] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    justification: str = Field("", max_length=2000)
    submit: bool = Field(False, description="envoyer tout de suite à l'association")


class RefuseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


class PrescriptionOut(BaseModel):
    id: int
    household_id: RecordId
    prescriber_org_id: RecordId
    association_org_id: RecordId
    programme_code: str
    device_type: DeviceType
    purposes: list[str]
    state: PrescriptionState
    refusal_reason: str
    outcome: dict[str, Any]
    created_at: UtcDateTime
    submitted_at: UtcDateTime | None
    decided_at: UtcDateTime | None
    closed_at: UtcDateTime | None
    fulfilled_by: str


def household_out(household: Household) -> dict[str, Any]:
    on = today()
    ref = next((m for m in household.members if m.is_reference), None)
    return HouseholdOut(
        id=household.id,
        organisation_id=household.organisation_id,
        reference_name=household.reference_name,
        reference_age=ref.age_on(on) if ref else None,
        other_ages=[m.age_on(on) for m in household.members if not m.is_reference],
        size=household.size,
        commune=household.commune,
        postcode=household.postcode,
        qpv=household.qpv,
        statuses=[
            AttestationOut(
                status=a.status,
                method=a.method,
                attested_on=a.attested_on,
                valid_until=a.valid_until,
                valid_today=a.valid_on(on),
            )
            for a in household.attestations
        ],
        has_computer=household.has_computer,
        has_smartphone=household.has_smartphone,
        has_tablet=household.has_tablet,
        connection=household.connection,
        telecom_spend_eur=household.telecom_spend_eur,
        contact_channel=household.contact_channel,
        language=household.language,
        phone=household.phone,
        email=household.email,
        consent_basis=household.consent_basis,
        consent_at=household.consent_at,
        created_at=household.created_at,
    ).model_dump(mode="json")


def prescription_out(p: Prescription) -> dict[str, Any]:
    return PrescriptionOut(
        id=p.id,
        household_id=p.household_id,
        prescriber_org_id=p.prescriber_org_id,
        association_org_id=p.association_org_id,
        programme_code=p.programme_code,
        device_type=p.device_type,
        purposes=list(p.purposes),
        state=p.state,
        refusal_reason=p.refusal_reason,
        outcome=p.outcome,
        created_at=p.created_at,
        submitted_at=p.submitted_at,
        decided_at=p.decided_at,
        closed_at=p.closed_at,
        fulfilled_by=p.fulfilled_by,
    ).model_dump(mode="json")


def _input(body: HouseholdIn) -> services.HouseholdInput:
    return services.HouseholdInput(
        **body.model_dump(exclude={"other_ages", "statuses"}),
        other_ages=tuple(body.other_ages),
        statuses=tuple(body.statuses),
    )


@api_bp.get("/households")
@operation(
    "Les foyers visibles (ceux de votre structure, ou ceux des prescriptions reçues)",
    response=HouseholdOut,
    list_response=True,
    tags=["foyers"],
    query={"q": "recherche (nom, commune, code postal)", "page": "page (25 par page)"},
)
@api_auth(Permission.HOUSEHOLD_READ)
def household_list() -> ResponseReturnValue:
    page = page_number(request.args.get("page"))
    rows = services.households_for(current_user, request.args.get("q", ""), page)[:25]
    return jsonify([household_out(h) for h in rows])


@api_bp.post("/households")
@operation(
    "Enregistrer un foyer", request=HouseholdIn, response=HouseholdOut, tags=["foyers"], status=201
)
@api_auth(Permission.HOUSEHOLD_WRITE)
def household_create() -> ResponseReturnValue:
    body = parse_body(HouseholdIn)
    household = services.create_household(_input(body), current_user)
    return jsonify(household_out(household)), 201


@api_bp.get("/households/<int:household_id>")
@operation("Un foyer", response=HouseholdOut, tags=["foyers"])
@api_auth(Permission.HOUSEHOLD_READ)
def household_get(household_id: int) -> ResponseReturnValue:
    return jsonify(household_out(services.get_household(household_id, current_user)))


@api_bp.put("/households/<int:household_id>")
@operation(
    "Modifier un foyer (remplace toutes ses informations)",
    request=HouseholdIn,
    response=HouseholdOut,
    tags=["foyers"],
)
@api_auth(Permission.HOUSEHOLD_WRITE)
def household_update(household_id: int) -> ResponseReturnValue:
    household = services.get_household(household_id, current_user, write=True)
    body = parse_body(HouseholdIn)
    services.update_household(household, _input(body), current_user)
    return jsonify(household_out(household))


@api_bp.get("/households/<int:household_id>/eligibility")
@operation(
    "Les programmes possibles pour ce foyer aujourd'hui, expliqués",
    response=CheckOut,
    tags=["foyers", "éligibilité"],
    query={"need": "type d'appareil recherché (laptop, desktop, tablet, smartphone)"},
)
@api_auth(Permission.HOUSEHOLD_READ)
def household_eligibility(household_id: int) -> ResponseReturnValue:
    household = services.get_household(household_id, current_user)
    need_value = request.args.get("need", "")
    need = DeviceType(need_value) if need_value in DeviceType.__members__.values() else None
    decisions = services.check_household(household, need)
    say = display.speaker()
    return jsonify(
        {
            "on": today().isoformat(),
            "decisions": [display.render_decision(d, say) for d in decisions],
        }
    )


@api_bp.get("/prescriptions")
@operation(
    "Les prescriptions de votre structure, ou reçues par votre association",
    response=PrescriptionOut,
    list_response=True,
    tags=["prescriptions"],
    query={"state": "état (draft, submitted, validated, refused, fulfilled, expired, cancelled)"},
)
@api_auth(Permission.HOUSEHOLD_READ)
def prescription_list() -> ResponseReturnValue:
    value = request.args.get("state", "")
    if value and value not in PrescriptionState.__members__.values():
        raise ApiError(422, "État inconnu.", [{"field": "state", "message": "valeur non reconnue"}])
    states = [PrescriptionState(value)] if value else None
    return jsonify([prescription_out(p) for p in services.prescriptions_for(current_user, states)])


@api_bp.post("/prescriptions")
@operation(
    "Créer une prescription (brouillon, ou envoyée avec submit: true)",
    request=PrescriptionIn,
    response=PrescriptionOut,
    tags=["prescriptions"],
    status=201,
)
@api_auth(Permission.PRESCRIPTION_SUBMIT)
def prescription_create() -> ResponseReturnValue:
    body = parse_body(PrescriptionIn)
    household = services.get_household(body.household_id, current_user, write=True)
    prescription = services.create_prescription(
        household,
        services.PrescriptionInput(
            programme_code=body.programme_code,
            association_org_id=body.association_org_id,
            device_type=body.device_type,
            purposes=tuple(body.purposes),
            justification=body.justification,
            commitments=tuple(body.commitments),
        ),
        current_user,
        submit=body.submit,
    )
    return jsonify(prescription_out(prescription)), 201


@api_bp.get("/prescriptions/<int:prescription_id>")
@operation("Une prescription", response=PrescriptionOut, tags=["prescriptions"])
@api_auth(Permission.HOUSEHOLD_READ)
def prescription_get(prescription_id: int) -> ResponseReturnValue:
    prescription = services.get_prescription(prescription_id, current_user, journal=True)
    return jsonify(prescription_out(prescription))


def _acting(prescription_id: int, permission: Permission) -> Prescription:
    prescription = services.get_prescription(prescription_id, current_user)
    org = (
        prescription.association_org_id
        if permission is Permission.PRESCRIPTION_DECIDE
        else prescription.prescriber_org_id
    )
    if not can(permission, org):
        raise ApiError(404, "Prescription introuvable.")
    return prescription


@api_bp.post("/prescriptions/<int:prescription_id>/submit")
@operation("Envoyer à l'association", response=PrescriptionOut, tags=["prescriptions"])
@api_auth(Permission.PRESCRIPTION_SUBMIT)
def prescription_submit(prescription_id: int) -> ResponseReturnValue:
    prescription = _acting(prescription_id, Permission.PRESCRIPTION_SUBMIT)
    return jsonify(prescription_out(services.submit_prescription(prescription, current_user)))


@api_bp.post("/prescriptions/<int:prescription_id>/cancel")
@operation("Annuler", response=PrescriptionOut, tags=["prescriptions"])
@api_auth(Permission.PRESCRIPTION_SUBMIT)
def prescription_cancel(prescription_id: int) -> ResponseReturnValue:
    prescription = _acting(prescription_id, Permission.PRESCRIPTION_SUBMIT)
    return jsonify(prescription_out(services.cancel_prescription(prescription, current_user)))


@api_bp.post("/prescriptions/<int:prescription_id>/validate")
@operation("Valider (association)", response=PrescriptionOut, tags=["prescriptions"])
@api_auth(Permission.PRESCRIPTION_DECIDE)
def prescription_validate(prescription_id: int) -> ResponseReturnValue:
    prescription = _acting(prescription_id, Permission.PRESCRIPTION_DECIDE)
    return jsonify(prescription_out(services.validate_prescription(prescription, current_user)))


@api_bp.post("/prescriptions/<int:prescription_id>/refuse")
@operation(
    "Refuser avec une raison (association)",
    request=RefuseIn,
    response=PrescriptionOut,
    tags=["prescriptions"],
)
@api_auth(Permission.PRESCRIPTION_DECIDE)
def prescription_refuse(prescription_id: int) -> ResponseReturnValue:
    prescription = _acting(prescription_id, Permission.PRESCRIPTION_DECIDE)
    body = parse_body(RefuseIn)
    return jsonify(
        prescription_out(services.refuse_prescription(prescription, current_user, body.reason))
    )
