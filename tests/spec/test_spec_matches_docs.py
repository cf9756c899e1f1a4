"""Hold spec/stream-api.yaml to the docs (V1) and to API-FACTS-V2.md (V2): every operation, every
parameter, every attribute."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from tests.spec.docs_table import DOCS, Param
from tests.spec.facts_table_v2 import V2_FACTS, V2_OPERATIONS, V2_RESPONSES

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "stream-api.yaml"

# (path, parameter, attribute) -> the value the spec holds instead of the docs'; each one is
# explained in spec/NOTES.md. Nothing else may differ.
_PATIENT_OPTIONAL = {
    (path, "patient_id", "required"): False for path in DOCS if path != "/v1/session"
}
DELIBERATE_DEVIATIONS: dict[tuple[str, str, str], Any] = {
    **_PATIENT_OPTIONAL,
    ("/v1/state.json", "event", "required"): False,
    ("/v1/state.json", "fields", "required"): False,
}
# V2: what the spec states beyond API-FACTS-V2.md (which gives no range there); spec/NOTES.md.
V2_SPEC_CHOICES: dict[tuple[str, str, str], Any] = {
    # "resolution must divide 86400": so 1 <= resolution <= 86400
    ("/v2/streams/{stream_id}/daily_aggregate", "resolution", "minimum"): 1,
    ("/v2/streams/{stream_id}/daily_aggregate", "resolution", "maximum"): 86400,
    # a window of zero or negative seconds is meaningless
    ("/v2/streams/{stream_id}/aggregate_window", "resolution", "minimum"): 1,
    # a batch of no stream at all is meaningless
    ("/v2/batch/availability", "stream_id", "min_items"): 1,
}
# Parameters the spec adds to an operation although the docs' list omits them (spec/NOTES.md).
EXTRA_PARAMETERS: dict[str, list[str]] = {
    # span "only supports token-based pagination" but its list has no next_page_token
    "/v1/span.json": ["next_page_token"],
}
TYPE_NAMES = {"string": "string", "number": "float", "integer": "integer", "boolean": "boolean"}
# Every operation and its documented parameters: the V1 docs and the V2 facts.
ALL_DOCUMENTED: dict[str, dict[str, Param]] = {**DOCS, **V2_FACTS}
ALL_DEVIATIONS: dict[tuple[str, str, str], Any] = {**DELIBERATE_DEVIATIONS, **V2_SPEC_CHOICES}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with SPEC_PATH.open() as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` (one level at a time) until a concrete object is reached."""
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def describe(spec: dict[str, Any], raw: dict[str, Any]) -> tuple[str, Param]:
    """Reduce a spec parameter to the attributes the docs state."""
    param = resolve(spec, raw)
    schema = resolve(spec, param["schema"])
    enum_values: tuple[Any, ...] | None = None
    base = schema
    if "anyOf" in schema:
        # e.g. heart rate's expression: the documented enum, or any downsampling expression
        members = [resolve(spec, m) for m in schema["anyOf"]]
        enums = [m for m in members if "enum" in m]
        assert len(enums) == 1, param["name"]
        base = enums[0]
    if "enum" in base:
        # a query string cannot carry JSON null: the spec spells the documented null "null"
        enum_values = tuple(None if v == "null" else v for v in base["enum"])
    example = param.get("example")
    if base["type"] == "array":
        # repeated parameters must say so explicitly (stream_id=a&stream_id=b)
        assert param.get("style") == "form", param["name"]
        items = resolve(spec, base["items"])
        kind = f"array[{TYPE_NAMES[items['type']]}]"
        explode = param.get("explode")
    else:
        assert "style" not in param and "explode" not in param, param["name"]
        kind, explode = TYPE_NAMES[base["type"]], None
    return param["name"], Param(
        type=kind,
        required=param.get("required", False),
        default=schema.get("default", "NO_DEFAULT"),
        enum=enum_values,
        minimum=schema.get("minimum"),
        maximum=schema.get("maximum"),
        deprecated=param.get("deprecated", False),
        format=schema.get("format") if schema.get("format") != "double" else None,
        example=None if example is None or isinstance(example, list) else str(example),
        location=param["in"],
        explode=explode,
        min_items=schema.get("minItems"),
        max_items=schema.get("maxItems"),
    )


def spec_params(spec: dict[str, Any], path: str) -> dict[str, Param]:
    operation = spec["paths"][path]["get"]
    params = dict(describe(spec, raw) for raw in operation["parameters"])
    assert len(params) == len(operation["parameters"]), f"duplicate parameter in {path}"
    return params


def test_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_exactly_the_17_documented_and_5_v2_operations(spec: dict[str, Any]) -> None:
    operations = {
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    v1 = {op for op in operations if op[0].startswith("/v1/")}
    assert v1 == {(path, "get") for path in DOCS}
    assert len(v1) == 17
    assert operations - v1 == {(path, "get") for path in V2_FACTS}
    assert len(V2_FACTS) == 5


@pytest.mark.parametrize("path", sorted(ALL_DOCUMENTED))
def test_parameter_names_match_docs(spec: dict[str, Any], path: str) -> None:
    expected = list(ALL_DOCUMENTED[path]) + EXTRA_PARAMETERS.get(path, [])
    assert list(spec_params(spec, path)) == expected


@pytest.mark.parametrize(
    ("path", "name"),
    [(path, name) for path, params in sorted(ALL_DOCUMENTED.items()) for name in params],
)
def test_parameter_matches_docs(spec: dict[str, Any], path: str, name: str) -> None:
    documented = ALL_DOCUMENTED[path][name]
    in_spec = spec_params(spec, path)[name]
    for attribute in Param.__dataclass_fields__:
        expected = ALL_DEVIATIONS.get((path, name, attribute), getattr(documented, attribute))
        actual = getattr(in_spec, attribute)
        if attribute == "example" and documented.example is None:
            continue  # the spec may add an example where the docs give none
        assert actual == expected, f"{path} {name}.{attribute}: spec {actual!r}, docs {expected!r}"


def test_extra_parameters_match_their_documented_twin(spec: dict[str, Any]) -> None:
    for path, names in EXTRA_PARAMETERS.items():
        for name in names:
            assert name not in DOCS[path]
            assert spec_params(spec, path)[name] == DOCS["/v1/event.json"][name]


def test_every_deviation_is_still_a_deviation() -> None:
    for (path, name, attribute), value in ALL_DEVIATIONS.items():
        assert getattr(ALL_DOCUMENTED[path][name], attribute) != value, (path, name, attribute)


def test_operation_ids_and_tags_give_module_names(spec: dict[str, Any]) -> None:
    for path in DOCS:
        operation = spec["paths"][path]["get"]
        stem = path.removeprefix("/v1/").replace(".", "_")
        assert operation["operationId"] == f"get_{stem}"
        assert operation["tags"] == [stem.rsplit("_", 1)[0] if "." in path else stem]


def test_v2_operation_ids_and_tags(spec: dict[str, Any]) -> None:
    declared_tags = {tag["name"] for tag in spec["tags"]}
    for path, (operation_id, tag) in V2_OPERATIONS.items():
        operation = spec["paths"][path]["get"]
        assert operation["operationId"] == operation_id, path
        assert operation["tags"] == [tag], path
        assert tag in declared_tags
    assert {tag for _, tag in V2_OPERATIONS.values()} == {"single-stream", "multi-stream"}


ERROR_CODES = {"400", "401", "403", "404", "429", "500", "503"}


def test_responses_declare_success_errors_and_token(spec: dict[str, Any]) -> None:
    errors = ERROR_CODES
    for path in DOCS:
        responses = spec["paths"][path]["get"]["responses"]
        assert "default" not in responses, path
        assert set(responses) == {"200"} | errors, path
        for code in errors:
            body = resolve(spec, responses[code])["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorEnvelope"}, (path, code)
        ok = responses["200"]
        if path == "/v1/session":
            schema = ok["content"]["application/octet-stream"]["schema"]
            assert schema == {"type": "string", "format": "binary"}
        else:
            assert "X-Rune-Next-Page-Token" in ok["headers"], path
            (media_type,) = ok["content"]
            assert media_type == ("text/csv" if path.endswith(".csv") else "application/json")


def _schema_required(spec: dict[str, Any], node: dict[str, Any]) -> set[str]:
    return set(resolve(spec, node).get("required", []))


@pytest.mark.parametrize("path", sorted(V2_RESPONSES))
def test_v2_responses_declare_shapes_errors_and_token(spec: dict[str, Any], path: str) -> None:
    expected = V2_RESPONSES[path]
    responses = spec["paths"][path]["get"]["responses"]
    assert "default" not in responses, path
    assert set(responses) == {"200"} | ERROR_CODES, path
    for code in ERROR_CODES:
        declared = resolve(spec, responses[code])
        body = declared["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/V2ErrorEnvelope"}, (path, code)
        if code == "429":
            assert "Retry-After" in declared["headers"]
    ok = responses["200"]
    # text/csv first: openapi-python-client parses a 200 by its first media type (spec/NOTES.md)
    assert tuple(ok["content"]) == expected["media"], path
    if "text/csv" in ok["content"]:
        assert ok["content"]["text/csv"]["schema"] == {"type": "string"}
    assert ("X-Rune-Next-Page-Token" in ok.get("headers", {})) is expected["paged"], path
    body = resolve(spec, ok["content"]["application/json"]["schema"])
    assert set(body["required"]) == expected["keys"], path
    assert _schema_required(spec, body["properties"]["data"]) == expected["data"], path
    if "summary" in expected:
        summary = body["properties"]["summary"]
        assert _schema_required(spec, summary) == expected["summary"], path


def test_v2_error_envelope_is_error_only(spec: dict[str, Any]) -> None:
    """V2 errors are ``{"error": {"type", "message"}}``, without V1's ``success``/``result``."""
    envelope = spec["components"]["schemas"]["V2ErrorEnvelope"]
    assert envelope["required"] == ["error"]
    assert set(envelope["properties"]) == {"error"}
    detail = resolve(spec, envelope["properties"]["error"])
    assert set(detail["required"]) == {"type", "message"}


def test_v2_paged_token_header_names_page_token(spec: dict[str, Any]) -> None:
    header = spec["components"]["headers"]["V2NextPageToken"]
    assert "`page_token`" in header["description"]
    assert header["schema"] == {"type": "string"}


def test_auth_is_two_header_pairs_or_a_jwt(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert {name: (s["type"], s["in"], s["name"]) for name, s in schemes.items()} == {
        "AccessTokenId": ("apiKey", "header", "X-Rune-User-Access-Token-Id"),
        "AccessTokenSecret": ("apiKey", "header", "X-Rune-User-Access-Token-Secret"),
        "ClientKeyId": ("apiKey", "header", "X-Rune-Client-Key-Id"),
        "ClientAccessKey": ("apiKey", "header", "X-Rune-Client-Access-Key"),
        "Jwt": ("apiKey", "header", "X-Rune-User-Access-Token"),
    }
    assert spec["security"] == [
        {"AccessTokenId": [], "AccessTokenSecret": []},
        {"ClientKeyId": [], "ClientAccessKey": []},
        {"Jwt": []},
    ]
    assert spec["servers"][0]["url"] == "https://stream.runelabs.io"


def test_shared_parameters_are_referenced_not_copied(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        for raw in item["get"]["parameters"]:
            assert set(raw) == {"$ref"}, f"inline parameter in {path}: {raw}"
