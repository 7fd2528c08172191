"""JSON errors for the API, with messages in French."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Flask, Response, jsonify
from pydantic import BaseModel, ValidationError

from app.core.errors import DomainError

_TITLES = {
    400: "Demande incorrecte",
    401: "Authentification nécessaire",
    403: "Accès refusé",
    404: "Introuvable",
    409: "Conflit",
    422: "Données invalides",
    429: "Trop de demandes",
}

# Pydantic error types -> French, for the fields list of a 422.
_PYDANTIC_FR = {
    "missing": "champ obligatoire manquant",
    "string_type": "doit être du texte",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "float_type": "doit être un nombre",
    "float_parsing": "doit être un nombre",
    "bool_type": "doit être vrai ou faux",
    "bool_parsing": "doit être vrai ou faux",
    "date_type": "doit être une date (AAAA-MM-JJ)",
    "date_parsing": "doit être une date (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "doit être une date (AAAA-MM-JJ)",
    "datetime_parsing": "doit être une date et heure ISO 8601",
    "enum": "valeur non reconnue",
    "literal_error": "valeur non reconnue",
    "list_type": "doit être une liste",
    "dict_type": "doit être un objet",
    "model_type": "doit être un objet",
    "string_too_long": "texte trop long",
    "string_too_short": "texte trop court",
    "too_long": "trop d'éléments",
    "too_short": "pas assez d'éléments",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "greater_than": "valeur trop petite",
    "less_than": "valeur trop grande",
    "extra_forbidden": "champ inconnu",
    "string_pattern_mismatch": "format non reconnu",
    "value_error": "valeur invalide",
    "json_invalid": "JSON invalide",
}


class ApiError(Exception):
    def __init__(self, code: int, message: str, fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or []

    def response(self) -> tuple[Response, int]:
        body: dict[str, Any] = {
            "code": self.code,
            "title": _TITLES.get(self.code, "Erreur"),
            "message": self.message,
        }
        if self.fields:
            body["fields"] = self.fields
        return jsonify({"error": body}), self.code


def domain_error_response(error: DomainError, code: int) -> tuple[Response, int]:
    """A DomainError that reached app.core.errorpages' safety net under /api/, answered in
    the API's format (the factory hands this to errorpages.register)."""
    fields = [{"field": error.field, "message": error.message}] if error.field else None
    return ApiError(code, error.message, fields).response()


def register(app: Flask) -> None:
    """The API's errors, wherever they are raised (every package's api_bp, token checks)."""

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[Response, int]:
        return error.response()


def from_validation_error(error: ValidationError) -> ApiError:
    fields = []
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"]) or "(corps)"
        fields.append(
            {"field": location, "message": _PYDANTIC_FR.get(item["type"], "valeur invalide")}
        )
    return ApiError(422, "Certaines données sont invalides.", fields)


M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M]) -> M:
    """Validate the JSON body against a pydantic model; a 422 in French otherwise."""
    from flask import request

    from app.core import jsonsafe
    from app.core.converters import strip_nul

    try:
        data = request.get_json(silent=True)
        jsonsafe.check_depth(data)
    except (RecursionError, jsonsafe.JsonRefused):
        raise ApiError(400, jsonsafe.TOO_DEEP) from None
    if data is None:
        raise ApiError(
            400, "Le corps de la demande doit être du JSON (Content-Type: application/json)."
        )
    try:
        return model.model_validate(strip_nul(data))
    except ValidationError as exc:
        raise from_validation_error(exc) from None
