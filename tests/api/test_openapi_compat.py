"""The public API stays compatible: every path and method of the description clients were given
(tests/api/data/openapi_v1_2026-11-22.json, generated from main before the action registry) still
exists, and its request body still accepts the same fields with the same types (no new required
field). Behaviour is covered by the flow tests; this guards the shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from banshi.api.views import api

OLD = json.loads((Path(__file__).parent / "data" / "openapi_v1_2026-11-22.json").read_text(encoding="utf-8"))
NEW = api.get_openapi_schema(path_prefix="/api/v1/")
OPERATIONS = [(path, method) for path, methods in OLD["paths"].items() for method in methods]


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body(op: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any] | None:
    content = (op.get("requestBody") or {}).get("content") or {}
    for media in ("application/json", "multipart/form-data"):
        if media in content:
            return _resolve(content[media]["schema"], doc)
    return None


def _types(prop: dict[str, Any], doc: dict[str, Any]) -> set[str]:
    prop = _resolve(prop, doc)
    if "anyOf" in prop:
        return set().union(*(_types(p, doc) for p in prop["anyOf"]))
    return {str(prop.get("type", "object"))}


def test_the_saved_description_is_the_whole_old_api() -> None:
    assert len(OPERATIONS) >= 35


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_old_operation_still_exists_with_a_compatible_body(path: str, method: str) -> None:
    assert path in NEW["paths"] and method in NEW["paths"][path], f"{method.upper()} {path} is gone"
    old_op, new_op = OLD["paths"][path][method], NEW["paths"][path][method]
    old_params = {(p["name"], p["in"]) for p in old_op.get("parameters", [])}
    new_params = {(p["name"], p["in"]): p for p in new_op.get("parameters", [])}
    assert old_params <= set(new_params), f"{path}: parameters removed"
    assert not [k for k, p in new_params.items() if p.get("required") and k not in old_params], "new required parameter"
    old_body, new_body = _body(old_op, OLD), _body(new_op, NEW)
    if old_body is None:
        assert new_body is None or not new_body.get("required")
        return
    assert new_body is not None
    old_props, new_props = old_body.get("properties", {}), new_body.get("properties", {})
    for name, prop in old_props.items():
        assert name in new_props, f"{path}: body field {name} is gone"
        assert _types(prop, OLD) <= _types(new_props[name], NEW), f"{path}: body field {name} changed type"
    assert set(new_body.get("required", [])) <= set(old_body.get("required", [])), f"{path}: a new required field"
