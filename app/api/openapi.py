"""The OpenAPI document, built from the URL map and the ``@operation`` metadata of views.

Paths come from the routes themselves, so the document cannot drift from them.

The document is OpenAPI 3.0.3, not 3.1: pydantic writes JSON Schema 2020-12 (``type:
null`` in an ``anyOf``), which 3.0 tools reject, while every 3.1 tool also reads 3.0 and
several common ones still read only 3.0 (AWS API Gateway import, swagger-codegen,
oapi-codegen). ``to_openapi_30`` rewrites the few 3.1 forms pydantic emits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from pydantic import BaseModel

F = TypeVar("F", bound=Callable[..., Any])

_CONVERTER = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")
_TYPES = {"int": "integer", "float": "number", "string": "string", "path": "string", None: "string"}


def operation(
    summary: str,
    *,
    request: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    list_response: bool = False,
    tags: list[str] | None = None,
    query: dict[str, str | dict[str, Any]] | None = None,
    status: int = 200,
) -> Callable[[F], F]:
    """Describe an API view for the OpenAPI document.

    ``query`` maps query parameter names to a description, or to a dict with
    ``description`` and a JSON ``schema`` (e.g. an enum of states, an integer range), so
    that generated requests (schemathesis) and clients know what is accepted.
    """

    def decorator(view: F) -> F:
        view.openapi = {  # type: ignore[attr-defined]
            "summary": summary,
            "request": request,
            "response": response,
            "list_response": list_response,
            "tags": tags or [],
            "query": query or {},
            "status": status,
        }
        return view

    return decorator


_NESTED = ("properties", "patternProperties", "$defs")


def to_openapi_30(schema: Any, components: dict[str, Any]) -> Any:
    """A JSON Schema 2020-12 as pydantic writes it, as an OpenAPI 3.0.3 Schema Object.

    ``anyOf: [X, {type: null}]`` becomes X with ``nullable: true``; a nullable ``$ref``
    keeps its name as ``anyOf: [{$ref}, {type: T, nullable: true, enum: [null]}]``, since
    3.0.3 ``nullable`` only acts next to a ``type`` in the same object (so tools that read
    it strictly still accept null); ``const`` becomes a one-value ``enum``; numeric
    ``exclusiveMinimum``/``exclusiveMaximum`` become 3.0's boolean form.
    """
    if isinstance(schema, list):
        return [to_openapi_30(item, components) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _NESTED and isinstance(value, dict):
            out[key] = {name: to_openapi_30(sub, components) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "anyOf", "oneOf", "allOf"):
            out[key] = to_openapi_30(value, components)
        else:
            out[key] = value
    if "const" in out:
        out["enum"] = [out.pop("const")]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), int | float) and not isinstance(out[bound], bool):
            out[limit] = out.pop(bound)
            out[bound] = True
    names = out.pop("propertyNames", None)
    if isinstance(names, dict):
        # 3.0 has no propertyNames: a map keyed by an enum becomes one property per member.
        if "$ref" in names:
            names = components.get(names["$ref"].rsplit("/", 1)[-1], {})
        values = out.pop("additionalProperties", {})
        if "enum" in names:
            out["properties"] = {str(member): values for member in names["enum"]}
            out["additionalProperties"] = False
        else:
            out["additionalProperties"] = values
            out["x-propertyNames"] = names
    types = out.get("type")
    if isinstance(types, list):
        others = [t for t in types if t != "null"]
        out["type"] = others[0] if len(others) == 1 else others
        if "null" in types:
            out["nullable"] = True
    for combiner in ("anyOf", "oneOf"):
        branches = out.get(combiner)
        if not isinstance(branches, list) or {"type": "null"} not in branches:
            continue
        others = [b for b in branches if b != {"type": "null"}]
        del out[combiner]
        if len(others) == 1 and "$ref" not in others[0]:
            return {**others[0], **out, "nullable": True}
        first = others[0] if others else {}
        if "$ref" in first:
            first = components.get(first["$ref"].rsplit("/", 1)[-1], {})
        null_only = {"type": first.get("type", "object"), "nullable": True, "enum": [None]}
        out[combiner] = [*others, null_only]
    return out


def _schema_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_document(app: Flask) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    components: dict[str, Any] = {
        "Error": {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "integer"},
                        "title": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "field": {"type": "string"},
                                    "message": {"type": "string"},
                                },
                            },
                        },
                    },
                    "required": ["code", "title", "message"],
                }
            },
            "required": ["error"],
        }
    }
    error_response = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    }
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1"):
            continue
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None)
        if meta is None:
            continue
        path = _CONVERTER.sub(lambda m: "{" + m.group("name") + "}", rule.rule)
        parameters: list[dict[str, Any]] = [
            {
                "name": m.group("name"),
                "in": "path",
                "required": True,
                "schema": {"type": _TYPES.get(m.group("conv"), "string")},
            }
            for m in _CONVERTER.finditer(rule.rule)
        ]
        for name, spec in meta["query"].items():
            if isinstance(spec, str):
                spec = {"description": spec}
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "description": spec.get("description", ""),
                    "schema": spec.get("schema", {"type": "string"}),
                }
            )
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "summary": meta["summary"],
                "tags": meta["tags"],
                "parameters": parameters,
                "responses": {},
            }
            if getattr(view, "api_permission", "public") != "public":
                op["security"] = [{"bearerAuth": []}]
                op["responses"]["401"] = {
                    "description": "Jeton absent ou invalide",
                    **error_response,
                }
                op["responses"]["403"] = {"description": "Rôle insuffisant", **error_response}
            if meta["request"] is not None:
                op["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _schema_ref(meta["request"], components)}
                    },
                }
                op["responses"]["400"] = {"description": "Corps illisible", **error_response}
                op["responses"]["422"] = {"description": "Données invalides", **error_response}
            if any(p["in"] == "query" for p in parameters):
                op["responses"]["400"] = {"description": "Paramètre invalide", **error_response}
            if method in {"POST", "PUT", "PATCH", "DELETE"}:
                op["responses"]["409"] = {
                    "description": "Conflit (état changé entre-temps)",
                    **error_response,
                }
            # A record named in the path or the body may not exist, or belong to another
            # organisation: both answer 404.
            op["responses"]["404"] = {"description": "Introuvable", **error_response}
            # A domain rule refused the request (DomainError): French message, 422.
            op["responses"]["422"] = {"description": "Refusé par une règle", **error_response}
            # An identifier out of range matches no route for this method.
            op["responses"]["405"] = {"description": "Action impossible", **error_response}
            ok: dict[str, Any] = {"description": "Succès"}
            if meta["response"] is not None:
                schema = _schema_ref(meta["response"], components)
                if meta["list_response"]:
                    schema = {"type": "array", "items": schema}
                ok["content"] = {"application/json": {"schema": schema}}
            op["responses"][str(meta["status"])] = ok
            paths.setdefault(path, {})[method.lower()] = op
    # After every model is in: a nullable $ref looks up the type of what it names.
    components = {name: to_openapi_30(schema, components) for name, schema in components.items()}
    for operations in paths.values():
        for op in operations.values():
            for parameter in op["parameters"]:
                parameter["schema"] = to_openapi_30(parameter["schema"], components)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Ordilien API",
            "version": "1",
            "description": (
                "API d'Ordilien. Authentification : en-tête `Authorization: Bearer <jeton>`; "
                "un jeton se crée depuis la page « Mon compte »."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
