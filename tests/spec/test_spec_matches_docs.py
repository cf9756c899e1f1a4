"""Hold spec/stream-api.yaml to the docs: every operation, every parameter, every attribute."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from tests.spec.docs_table import DOCS, Param

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
# Parameters the spec adds to an operation although the docs' list omits them (spec/NOTES.md).
EXTRA_PARAMETERS: dict[str, list[str]] = {
    # span "only supports token-based pagination" but its list has no next_page_token
    "/v1/span.json": ["next_page_token"],
}
TYPE_NAMES = {"string": "string", "number": "float", "integer": "integer"}


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
    return param["name"], Param(
        type=TYPE_NAMES[base["type"]],
        required=param.get("required", False),
        default=schema.get("default", "NO_DEFAULT"),
        enum=enum_values,
        minimum=schema.get("minimum"),
        maximum=schema.get("maximum"),
        deprecated=param.get("deprecated", False),
        format=schema.get("format") if schema.get("format") != "double" else None,
        example=None if example is None else str(example),
    )


def spec_params(spec: dict[str, Any], path: str) -> dict[str, Param]:
    operation = spec["paths"][path]["get"]
    params = dict(describe(spec, raw) for raw in operation["parameters"])
    assert len(params) == len(operation["parameters"]), f"duplicate parameter in {path}"
    return params


def test_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_exactly_the_17_documented_operations(spec: dict[str, Any]) -> None:
    operations = {
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert operations == {(path, "get") for path in DOCS}
    assert len(operations) == 17


@pytest.mark.parametrize("path", sorted(DOCS))
def test_parameter_names_match_docs(spec: dict[str, Any], path: str) -> None:
    assert list(spec_params(spec, path)) == list(DOCS[path]) + EXTRA_PARAMETERS.get(path, [])


@pytest.mark.parametrize(
    ("path", "name"), [(path, name) for path, params in sorted(DOCS.items()) for name in params]
)
def test_parameter_matches_docs(spec: dict[str, Any], path: str, name: str) -> None:
    documented = DOCS[path][name]
    in_spec = spec_params(spec, path)[name]
    for attribute in Param.__dataclass_fields__:
        expected = DELIBERATE_DEVIATIONS.get(
            (path, name, attribute), getattr(documented, attribute)
        )
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
    for (path, name, attribute), value in DELIBERATE_DEVIATIONS.items():
        assert getattr(DOCS[path][name], attribute) != value, (path, name, attribute)


def test_operation_ids_and_tags_give_module_names(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        operation = item["get"]
        stem = path.removeprefix("/v1/").replace(".", "_")
        assert operation["operationId"] == f"get_{stem}"
        assert operation["tags"] == [stem.rsplit("_", 1)[0] if "." in path else stem]


def test_responses_declare_success_errors_and_token(spec: dict[str, Any]) -> None:
    errors = {"400", "401", "403", "404", "429", "500", "503"}
    for path, item in spec["paths"].items():
        responses = item["get"]["responses"]
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


def test_auth_is_two_header_pairs(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert {name: (s["type"], s["in"], s["name"]) for name, s in schemes.items()} == {
        "AccessTokenId": ("apiKey", "header", "X-Rune-User-Access-Token-Id"),
        "AccessTokenSecret": ("apiKey", "header", "X-Rune-User-Access-Token-Secret"),
        "ClientKeyId": ("apiKey", "header", "X-Rune-Client-Key-Id"),
        "ClientAccessKey": ("apiKey", "header", "X-Rune-Client-Access-Key"),
    }
    assert spec["security"] == [
        {"AccessTokenId": [], "AccessTokenSecret": []},
        {"ClientKeyId": [], "ClientAccessKey": []},
    ]
    assert spec["servers"][0]["url"] == "https://stream.runelabs.io"


def test_shared_parameters_are_referenced_not_copied(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        for raw in item["get"]["parameters"]:
            assert set(raw) == {"$ref"}, f"inline parameter in {path}: {raw}"
