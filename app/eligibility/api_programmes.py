"""Programmes under /api/v1: read them with their versions, create and edit a draft,
publish it. Writing takes the token user's right on the programme (services.may_write):
the managers of its owner organisation and the instance administrator."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import yaml
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from app.accounts.models import Organisation
from app.api.auth import api_auth
from app.api.errors import ApiError, parse_body
from app.api.openapi import operation
from app.api.types import UtcDateTime
from app.authz.policy import Permission, Role
from app.eligibility import listing, publishing, services
from app.eligibility.api_routes import SourceOut
from app.eligibility.loader import ProgrammeFileError, definition_from_yaml, definition_to_yaml
from app.eligibility.models import ProgrammeRecord
from app.eligibility.vocabulary import DeviceType
from app.extensions import db

api_bp = Blueprint("programmes_api", __name__, url_prefix="/api/v1")

TAGS = ["programmes"]
MAX_YAML = 200_000  # characters; the shipped files are under 5,000


class OwnerOut(BaseModel):
    id: int
    slug: str
    name: str


class ProgrammeItemOut(BaseModel):
    code: str
    name: str
    summary: str
    territory: str
    device_types: list[DeviceType]
    valid_from: date
    valid_to: date | None
    source: SourceOut
    owner: OwnerOut | None = Field(description="absent : l'administrateur de l'instance")
    version: int | None = Field(description="la version en vigueur aujourd'hui ; absent : aucune")
    effective_from: date | None = Field(description="depuis quand la version en vigueur s'applique")
    has_draft: bool


class VersionOut(BaseModel):
    number: int | None = Field(description="absent : le brouillon")
    state: Literal["draft", "published"]
    effective_from: date | None
    published_at: UtcDateTime | None
    note: str
    definition: dict[str, Any] = Field(description="les données du fichier de programme")


class ProgrammeDetailOut(ProgrammeItemOut):
    versions: list[VersionOut] = Field(description="les versions publiées, puis le brouillon")


class DefinitionIn(BaseModel):
    """A programme's definition, as JSON (``definition``) or as a programme file (``yaml``)."""

    model_config = ConfigDict(extra="forbid")
    definition: dict[str, Any] | None = Field(
        None, description="les données d'un fichier de programme (dates AAAA-MM-JJ)"
    )
    yaml: str | None = Field(None, max_length=MAX_YAML, description="un fichier de programme")


class DraftIn(DefinitionIn):
    note: str | None = Field(None, max_length=2000, description="ce qui change, en quelques mots")


class CreateIn(DefinitionIn):
    owner: str | None = Field(
        None,
        max_length=80,
        description="organisation propriétaire (identifiant court) ; par défaut celle du "
        "jeton, ou l'administrateur pour un administrateur",
    )


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    effective_from: date = Field(description="premier jour où la version s'applique")
    note: str = Field("", max_length=2000)


# ------------------------------------------------------------------------- helpers


def _item(row: listing.ProgrammeRow) -> dict[str, Any]:
    p = row.programme
    return {
        "code": row.record.code,
        "name": p.name,
        "summary": p.summary,
        "territory": p.territory,
        "device_types": [d.value for d in p.device_types],
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "source": {
            "citation": p.source.citation,
            "title": p.source.title,
            "url": p.source.url,
            "note": p.source.note,
            "date": p.source.date,
        },
        "owner": (
            {"id": row.owner.id, "slug": row.owner.slug, "name": row.owner.name}
            if row.owner is not None
            else None
        ),
        "version": row.version,
        "effective_from": row.effective_from,
        "has_draft": row.has_draft,
    }


def _detail(record: ProgrammeRecord) -> dict[str, Any]:
    # A draft is its writers' work in progress: others see the published versions only.
    writer = services.may_write(record, current_user)
    versions = [
        {
            "number": v.number,
            "state": v.state.value,
            "effective_from": v.effective_from,
            "published_at": v.published_at,
            "note": v.note,
            "definition": v.definition,
        }
        for v in services.versions(record)
        if writer or v.state.value == "published"
    ]
    out = ProgrammeDetailOut.model_validate({**_item(listing.row(record)), "versions": versions})
    return out.model_dump(mode="json")


def _record(code: str) -> ProgrammeRecord:
    return services.get_programme(code)  # NotFound: 404


def _require_write(owner: ProgrammeRecord | int | None) -> None:
    if not services.may_write(owner, current_user):
        raise ApiError(
            403,
            "Seuls les responsables de l'organisation propriétaire et l'administrateur "
            "peuvent modifier ce programme.",
        )


def _definition(body: DefinitionIn) -> dict[str, Any]:
    """The body's definition, checked and written as stored (a 422 naming the line and the
    fault otherwise; for ``definition``, the line of its YAML form, as exported)."""
    if (body.definition is None) == (body.yaml is None):
        raise ApiError(
            422,
            "Donnez la définition du programme, en JSON (definition) ou en YAML (yaml).",
            [{"field": "definition", "message": "definition ou yaml, l'un des deux"}],
        )
    field = "yaml" if body.yaml is not None else "definition"
    if body.yaml is not None:
        _refuse_aliases(body.yaml)
    try:
        text = body.yaml if body.yaml is not None else definition_to_yaml(body.definition or {})
        return definition_from_yaml(text, field)
    except ProgrammeFileError as exc:
        raise ApiError(
            422, str(exc), [{"field": field, "message": f"ligne {exc.line} : {exc.fault}"}]
        ) from None


def _refuse_aliases(text: str) -> None:
    """YAML aliases (``*name``) are refused: a few lines of them can stand for billions of
    values (and a programme file never needs them)."""
    try:
        for token in yaml.scan(text):
            if isinstance(token, yaml.AliasToken):
                line = token.start_mark.line + 1
                raise ApiError(
                    422,
                    f"yaml, ligne {line} : les alias YAML (*nom) ne sont pas acceptés",
                    [{"field": "yaml", "message": f"ligne {line} : alias YAML refusé"}],
                )
    except yaml.YAMLError:
        return  # unreadable: the loader says where and why


def _code_of(definition: dict[str, Any], expected: str | None = None) -> str:
    code = definition.get("code")
    if expected is not None and code != expected:
        raise ApiError(
            422,
            "Le code du programme ne peut pas changer.",
            [{"field": "definition.code", "message": f"doit être « {expected} »"}],
        )
    return str(code)


def _owner_id(slug: str | None) -> int | None:
    if slug:
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == slug))
        if org_id is None:
            raise ApiError(
                422,
                "Organisation inconnue.",
                [{"field": "owner", "message": "valeur non reconnue"}],
            )
        return int(org_id)
    return None if current_user.role is Role.ADMIN else int(current_user.organisation_id)


# ------------------------------------------------------------------------- views


@api_bp.get("/programmes")
@operation(
    "Les programmes : version en vigueur, propriétaire, dates de validité, brouillon en cours",
    response=ProgrammeItemOut,
    list_response=True,
    tags=TAGS,
)
@api_auth(None)
def programme_list() -> ResponseReturnValue:
    return jsonify(
        [
            ProgrammeItemOut.model_validate(_item(row)).model_dump(mode="json")
            for row in listing.rows()
            if services.latest_published(row.record) is not None
            or services.may_write(row.record, current_user)
        ]
    )


@api_bp.get("/programmes/<code>")
@operation("Un programme, avec ses versions", response=ProgrammeDetailOut, tags=TAGS)
@api_auth(None)
def programme_detail(code: str) -> ResponseReturnValue:
    record = _record(code)
    if services.latest_published(record) is None and not services.may_write(record, current_user):
        raise ApiError(404, "Programme introuvable.")  # only a draft, and not theirs
    return jsonify(_detail(record))


@api_bp.post("/programmes")
@operation(
    "Créer un programme, en brouillon",
    request=CreateIn,
    response=ProgrammeDetailOut,
    tags=TAGS,
    status=201,
)
@api_auth(Permission.PROGRAMME_WRITE)
def programme_create() -> ResponseReturnValue:
    body = parse_body(CreateIn)
    definition = _definition(body)
    owner = _owner_id(body.owner)
    _require_write(owner)
    code = _code_of(definition)
    services.create_programme(code, owner, definition, current_user)
    return jsonify(_detail(services.get_programme(code))), 201


@api_bp.put("/programmes/<code>/draft")
@operation(
    "Remplacer la définition du brouillon (créé depuis la dernière version publiée s'il "
    "n'existe pas)",
    request=DraftIn,
    response=ProgrammeDetailOut,
    tags=TAGS,
)
@api_auth(Permission.PROGRAMME_WRITE)
def programme_draft(code: str) -> ResponseReturnValue:
    record = _record(code)
    _require_write(record)
    body = parse_body(DraftIn)
    definition = _definition(body)
    _code_of(definition, record.code)
    if services.draft_of(record) is None:
        services.new_draft_from_latest(record, current_user)
    services.update_draft(record, definition, current_user, note=body.note)
    return jsonify(_detail(record))


@api_bp.post("/programmes/<code>/publish")
@operation(
    "Publier le brouillon, en vigueur à partir d'un jour (aujourd'hui ou plus tard)",
    request=PublishIn,
    response=ProgrammeDetailOut,
    tags=TAGS,
)
@api_auth(Permission.PROGRAMME_WRITE)
def programme_publish(code: str) -> ResponseReturnValue:
    record = _record(code)
    _require_write(record)
    body = parse_body(PublishIn)
    publishing.publish(record, body.effective_from, current_user, body.note)
    return jsonify(_detail(record))
