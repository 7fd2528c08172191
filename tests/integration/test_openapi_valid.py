"""The served OpenAPI document is valid for the version it declares (openapi-spec-validator),
so the 3.0 tools around Ordilien (client generators, gateways, API consoles) read it."""

from __future__ import annotations

import json
from typing import Any

from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, validate


def _document(client: Any) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def test_the_served_document_is_valid_openapi_for_its_declared_version(client: Any) -> None:
    document = _document(client)
    assert document["openapi"] == "3.0.3"
    errors = [e.message for e in OpenAPIV30SpecValidator(document).iter_errors()]
    assert errors == []
    validate(document)  # detects the version from the document itself, as tools do


def test_no_json_schema_2020_forms_are_left(client: Any) -> None:
    text = json.dumps(_document(client))
    for form in ('"type": "null"', '"const"', '"propertyNames"', '"prefixItems"', '"$defs"'):
        assert form not in text, form


def _validator(document: dict[str, Any], name: str) -> OAS30Validator:
    # The components travel with the schema so that its $refs resolve.
    root = {"components": document["components"], "$ref": f"#/components/schemas/{name}"}
    return OAS30Validator(root)


def test_nullable_fields_accept_null_read_strictly_as_3_0(client: Any) -> None:
    document = _document(client)
    device = _validator(document, "DeviceCreate")
    body = {"device_type": "laptop", "serial": "SN-1", "cpu_score": None, "storage_type": None}
    assert list(device.iter_errors(body)) == []
    assert list(device.iter_errors({**body, "storage_type": "ssd"})) == []
    assert list(device.iter_errors({**body, "storage_type": "floppy"})) != []
    assert list(device.iter_errors({**body, "cpu_score": "fast"})) != []
