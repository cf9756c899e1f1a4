"""The spec as the conformance tests read it: operations, response declarations, validators."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_schema_validator import OAS31Validator, oas31_format_checker

import runestream_sandbox as rs
import runestream_sandbox.operations as sandbox_operations

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "stream-api.yaml"


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed spec (cached; treat it as read-only)."""
    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def operation_paths() -> list[str]:
    """Every operation path in the spec, in spec order."""
    return list(load_spec()["paths"])


#: Spec operations the sandbox does not serve. Empty since the sandbox serves the five V2
#: operations (issue 12, point 7); ``test_conformance_covers_every_spec_operation_but_this_gap``
#: holds the gap to exactly this set, so it cannot grow unnoticed.
NOT_YET_SERVED_BY_SANDBOX: frozenset[str] = frozenset()


def sandbox_paths() -> frozenset[str]:
    """The operation paths the sandbox declares it serves (V1 and V2)."""
    v1 = {op.path for op in sandbox_operations.OPERATIONS}
    return frozenset(v1 | set(rs.V2_PATHS))


def served_operation_paths() -> list[str]:
    """The spec's operation paths that the sandbox serves, in spec order."""
    served = sandbox_paths()
    return [path for path in operation_paths() if path in served]


def served_v1_paths() -> list[str]:
    """The served V1 operation paths (what the V1 conformance tests run on)."""
    return [path for path in served_operation_paths() if path.startswith("/v1/")]


def served_v2_paths() -> list[str]:
    """The served V2 operation paths (``test_schemathesis_sandbox_v2.py``)."""
    return [path for path in served_operation_paths() if path.startswith("/v2/")]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref``s until a concrete object is reached."""
    spec = load_spec()
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def operation(path: str) -> dict[str, Any]:
    """The ``get`` operation object of ``path``."""
    op: dict[str, Any] = load_spec()["paths"][path]["get"]
    return op


def parameters(path: str) -> dict[str, dict[str, Any]]:
    """Declared query parameters of ``path`` by name (resolved)."""
    return {p["name"]: p for p in (resolve(raw) for raw in operation(path)["parameters"])}


def response_declaration(path: str, status: int) -> dict[str, Any]:
    """The resolved response object declared for ``status``; fails if it is not declared."""
    responses = operation(path)["responses"]
    declared = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    assert declared is not None, (
        f"{path}: status {status} is not declared (declared: {sorted(responses)})"
    )
    return resolve(declared)


def validator_for(schema: dict[str, Any]) -> OAS31Validator:
    """An OAS 3.1 validator for ``schema``; its ``#/components/...`` refs resolve in the spec."""
    rooted = {**schema, "components": load_spec()["components"]}
    return OAS31Validator(rooted, format_checker=oas31_format_checker)


def media_type(content_type: str | None) -> str:
    """``text/csv; charset=utf-8`` -> ``text/csv``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _header_value(raw: str, schema: dict[str, Any]) -> Any:
    """A header string as its schema's type (headers are strings on the wire)."""
    kind = resolve(schema).get("type")
    if kind == "integer":
        assert raw.strip().lstrip("-").isdigit(), f"header value {raw!r} is not an integer"
        return int(raw)
    if kind == "number":
        return float(raw)
    return raw


def assert_conforms(path: str, response: httpx.Response) -> Any:
    """Assert that ``response`` is one the spec declares for ``path``; return the parsed body.

    Checks the status is declared, the content type is the declared media type, the body
    validates against the declared schema (JSON) or has the declared type (CSV text, binary),
    and every declared header that is present validates against its schema.
    """
    declared = response_declaration(path, response.status_code)
    content = declared.get("content", {})
    got = media_type(response.headers.get("content-type"))
    assert got in content, (
        f"{path} {response.status_code}: content type {got!r} not in {sorted(content)}"
    )
    schema = content[got].get("schema", {})
    body: Any
    if got == "application/json":
        body = json.loads(response.content)
        errors = sorted(validator_for(schema).iter_errors(body), key=lambda e: list(e.path))
        assert not errors, f"{path} {response.status_code}: " + "; ".join(
            f"{list(e.path)}: {e.message}" for e in errors[:5]
        )
    elif got.startswith("text/"):
        body = response.content.decode("utf-8")
        assert resolve(schema).get("type") == "string"
    else:
        body = response.content
        assert resolve(schema) == {"type": "string", "format": "binary"}
    for name, header in declared.get("headers", {}).items():
        raw = response.headers.get(name)
        if raw is None:
            continue
        header_schema = resolve(header)["schema"]
        errors = list(validator_for(header_schema).iter_errors(_header_value(raw, header_schema)))
        assert not errors, (
            f"{path} {response.status_code}: header {name}={raw!r}: {errors[0].message}"
        )
    return body
