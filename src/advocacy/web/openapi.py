"""The API's OpenAPI 3.1 description, its schemas generated from the pydantic model."""

from __future__ import annotations

from functools import cache
from typing import Any

from advocacy import __version__, languages
from advocacy.model import PatientFile

_REF = "#/components/schemas/{model}"

_PROBLEM = {
    "type": "object",
    "required": ["path", "message", "fix"],
    "properties": {
        "path": {"type": "string", "description": "Field path, e.g. trial.first_dose_mcg."},
        "message": {"type": "string", "description": "What is wrong, in plain words."},
        "fix": {"type": "string", "description": "What to write instead."},
    },
}


@cache
def schema() -> dict[str, Any]:
    patient = PatientFile.model_json_schema(ref_template=_REF)
    components: dict[str, Any] = dict(patient.pop("$defs", {}))
    patient.pop("$schema", None)
    components["PatientFile"] = patient
    components["Problem"] = _PROBLEM
    components["CheckResult"] = {
        "type": "object",
        "required": ["valid", "problems", "warnings"],
        "properties": {
            "valid": {"type": "boolean"},
            "problems": {"type": "array", "items": {"$ref": _REF.format(model="Problem")}},
            "warnings": {"type": "array", "items": {"$ref": _REF.format(model="Problem")}},
        },
    }
    body = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model="PatientFile")}}},
    }
    invalid = {
        "description": "The patient has problems; nothing was rendered.",
        "content": {"application/json": {"schema": {"$ref": _REF.format(model="CheckResult")}}},
    }
    busy = {
        "description": "Every render worker is busy; retry after the Retry-After seconds.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "advocacy",
            "version": __version__,
            "description": "Check a patient file and make the trial-request PDF. Nothing is"
            " stored: the details exist only for the request that uses them.",
        },
        "paths": {
            "/api/check": {
                "post": {
                    "summary": "Every problem in a patient, with its field path and fix",
                    "operationId": "check",
                    "requestBody": body,
                    "responses": {
                        "200": {
                            "description": "The result (valid or not).",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": _REF.format(model="CheckResult")}
                                }
                            },
                        },
                        "400": {"description": "The body is not JSON."},
                        "413": {"description": "The body is too large."},
                    },
                }
            },
            "/api/render": {
                "post": {
                    "summary": "The trial-request letter as a PDF",
                    "operationId": "render",
                    "parameters": [
                        _query("lang", {"enum": list(languages.codes())}),
                        _query("paper", {"enum": ["a4", "letter"]}),
                        _query("large_print", {"type": "boolean"}),
                    ],
                    "requestBody": body,
                    "responses": {
                        "200": {
                            "description": "The PDF.",
                            "content": {
                                "application/pdf": {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            },
                        },
                        "422": invalid,
                        "503": busy,
                    },
                }
            },
        },
        "components": {"schemas": components},
    }


def _query(name: str, value_schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": value_schema}
