"""The API's root: its OpenAPI document and who-am-I."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user
from pydantic import BaseModel

from app.api.auth import api_auth
from app.api.openapi import build_document, operation

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")


class Me(BaseModel):
    id: int
    email: str
    full_name: str
    role: str
    organisation: dict[str, Any]


@api_bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(build_document(current_app))


openapi.api_permission = "public"  # type: ignore[attr-defined]


@api_bp.get("/me")
@operation("Le compte du jeton utilisé", response=Me, tags=["comptes"])
@api_auth(None)
def me() -> ResponseReturnValue:
    org = current_user.organisation
    return jsonify(
        Me(
            id=current_user.id,
            email=current_user.email,
            full_name=current_user.full_name,
            role=current_user.role.value,
            organisation={"id": org.id, "slug": org.slug, "name": org.name, "kind": org.kind.value},
        ).model_dump()
    )
