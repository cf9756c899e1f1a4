"""The generated parameter types (``runestream_api.params``) and typed accessors match the spec.

``scripts/regenerate`` emits both from ``spec/stream-api.yaml`` (and, for the accessors, the
hand-written methods of ``v1/_series.py`` and ``v1/_events.py``); these tests check that what was
emitted agrees with what the client validates at run time, and that it cannot silently go stale.
"""

from __future__ import annotations

import ast
import inspect
import pydoc
import re
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

import runestream
import runestream_api.params as P
from runestream.v1 import _accessors, _events, _series
from runestream.v1._params import _LIST_PARAMS, OPERATIONS, Operation

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import emit_accessors  # noqa: E402
import emit_params  # noqa: E402

ACCESSORS = {
    name: getattr(runestream, name)
    for name in runestream.__all__
    if name.endswith("Accessor") and name != "Accessor"
}


def _op_id(operation: Operation) -> str:
    return str(operation.module.__name__).rsplit(".", 1)[-1]


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_each_operation_typed_dict_has_exactly_its_parameters(key: str) -> None:
    operation = OPERATIONS[key]
    typed = P.TYPED_DICTS[_op_id(operation)]
    assert set(typing.get_type_hints(typed)) == set(operation.params)
    assert [p.name for p in P.PARAMETERS[_op_id(operation)]] == list(operation.params)
    assert typed.__required_keys__ == frozenset()  # may come from an accessor's defaults


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_parameter_types_match_what_the_client_validates(key: str) -> None:
    operation = OPERATIONS[key]
    documented = {p.name: p for p in P.PARAMETERS[_op_id(operation)]}
    for name, spec in operation.params.items():
        annotation = documented[name].type
        if spec.kind == "time":
            assert annotation == "TimeLike", name
        elif spec.kind == "int":
            assert annotation == "int", name
        elif spec.kind == "float":
            assert annotation == "float", name
        elif spec.kind == "enum" and spec.closed:
            assert annotation.startswith("Literal["), name
            inside = annotation[len("Literal[") : annotation.index("]")]
            assert set(ast.literal_eval(f"[{inside}]")) == set(spec.enum_values), name
        elif name in _LIST_PARAMS:
            assert annotation == "str | Sequence[str | int]", name
        else:
            assert annotation == "str", name
        assert documented[name].required == spec.required


def test_every_spec_operation_gets_a_typed_dict() -> None:
    spec = yaml.safe_load((ROOT / "spec" / "stream-api.yaml").read_text())
    ids = [
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in ("get", "post", "put", "delete", "patch")
    ]
    assert sorted(P.TYPED_DICTS) == sorted(ids)
    assert sorted(P.PARAMETERS) == sorted(ids)


def test_emitter_handles_path_array_boolean_and_open_enum_parameters() -> None:
    """V2-like operations (path ids, repeated ids, flags) are typed too, whatever the spec holds."""
    spec: dict[str, Any] = {
        "paths": {
            "/v2/things/{thing_id}": {
                "get": {
                    "operationId": "get_thing",
                    "tags": ["things"],
                    "parameters": [
                        {
                            "name": "thing_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "ids",
                            "in": "query",
                            "schema": {"type": "array", "items": {"type": "string"}},
                        },
                        {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
                        {"name": "start_time", "in": "query", "schema": {"type": "number"}},
                        {"name": "n", "in": "query", "schema": {"type": "integer"}},
                        {
                            "name": "mode",
                            "in": "query",
                            "schema": {
                                "anyOf": [{"$ref": "#/components/schemas/Mode"}, {"type": "string"}]
                            },
                        },
                        {
                            "name": "kind",
                            "in": "query",
                            "schema": {"$ref": "#/components/schemas/Mode"},
                        },
                        {"name": "X-Header", "in": "header", "schema": {"type": "string"}},
                    ],
                }
            }
        },
        "components": {"schemas": {"Mode": {"type": "string", "enum": ["a", "b"]}}},
    }
    (op,) = emit_params.operations(spec)
    types = {p.name: p.annotation for p in op.params}
    assert types == {
        "thing_id": "str",
        "ids": "Sequence[str]",
        "flag": "bool",
        "start_time": "TimeLike",
        "n": "int",
        "mode": "str",
        "kind": "Literal['a', 'b'] | Mode",
    }
    source = emit_params.render(spec)
    assert "class GetThingParams(TypedDict, total=False):" in source
    assert "class ThingsParams(TypedDict, total=False):" in source
    compile(source, "params.py", "exec")


def _public_param_methods(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if (not name.startswith("_") or name == "__init__")
        and any(p.kind is p.VAR_KEYWORD for p in inspect.signature(member).parameters.values())
    }


def _handwritten(name: str) -> type:
    """The hand-written accessor class the emitted one named ``name`` extends."""
    found = [getattr(module, name) for module in (_series, _events) if hasattr(module, name)]
    assert len(found) == 1, name
    return typing.cast(type, found[0])


@pytest.mark.parametrize("name", sorted(ACCESSORS))
def test_every_accessor_method_has_typed_params_and_keeps_its_other_arguments(name: str) -> None:
    typed, handwritten = ACCESSORS[name], _handwritten(name)
    assert typed.__module__ == "runestream.v1._accessors" and issubclass(typed, handwritten)
    methods = _public_param_methods(handwritten)
    assert methods, name
    for method_name, original in methods.items():
        method = typed.__dict__.get(method_name)
        assert method is not None, f"{name}.{method_name} has no typed signature"
        new = list(inspect.signature(method).parameters.values())
        old = list(inspect.signature(original).parameters.values())
        assert [str(p) for p in new[:-1]] == [str(p) for p in old[:-1]], method_name
        assert new[-1].kind is new[-1].VAR_KEYWORD
        assert str(new[-1].annotation).startswith("Unpack["), method_name
        assert str(inspect.signature(method).return_annotation) == str(
            inspect.signature(original).return_annotation
        )


@pytest.mark.parametrize("name", sorted(ACCESSORS))
def test_docstrings_list_every_parameter_with_type_and_description(name: str) -> None:
    typed = ACCESSORS[name]
    resource = typed.resource
    for method_name in _public_param_methods(typed):
        doc = " ".join((inspect.getdoc(getattr(typed, method_name)) or "").split())
        assert "<resource>" not in doc
        fmts = ["json", "csv"]
        for fmt in fmts:
            operation = OPERATIONS.get(f"{resource}.{fmt}")
            if operation is None or f"/v1/{resource}.{fmt}" not in doc:
                continue
            for param in P.PARAMETERS[_op_id(operation)]:
                assert f"``{param.name}`` (``{param.type}``" in doc, (method_name, param.name)
                assert " ".join(param.description.split()[:6]) in doc


def test_help_of_to_arrow_shows_the_parameters() -> None:
    text = " ".join(
        pydoc.render_doc(runestream.AccelAccessor.to_arrow, renderer=pydoc.plaintext).split()
    )
    assert "Unpack[GetAccelCsvParams]" in text
    assert "``device_id`` (``str``; required" in text
    assert "Device that recorded the data" in text
    assert "``timestamp`` (``Literal['unix', 'datetime', 'iso'] | TimestampFormat``" in text
    assert "GET /v1/accel.csv" in text and "<resource>" not in text


def test_client_factories_return_the_typed_accessors() -> None:
    client = runestream.V1Client(
        runestream.Config(access_token_id="i", access_token_secret="s"),
    )
    with client:
        accessor = client.Accel(patient_id="p", device_id="d")
        assert type(accessor) is runestream.AccelAccessor
        assert accessor.defaults == {"patient_id": "p", "device_id": "d"}
        signature = inspect.signature(type(client).Accel)
        assert signature.return_annotation == "_accessors.AccelAccessor"
        assert str(signature.parameters["defaults"].annotation) == "Unpack[AccelParams]"
        assert isinstance(accessor, _accessors.AccelAccessor)
        with pytest.raises(runestream.ValidationError, match="patient_idd"):
            accessor.to_arrow(patient_idd="x")  # type: ignore[call-arg]


def test_committed_accessors_module_is_what_regenerate_emits() -> None:
    regenerate = ROOT / "scripts" / "regenerate"
    namespace: dict[str, Any] = {"__name__": "regenerate_under_test", "__file__": str(regenerate)}
    exec(compile(regenerate.read_text(), str(regenerate), "exec"), namespace)
    committed = (ROOT / "overrides/runestream/v1/_accessors.py").read_text()
    assert namespace["render_accessors"]() == committed


def _accessor_sources() -> dict[str, str]:
    """The hand-written modules the emitter reads, by module name."""
    v1 = ROOT / "overrides" / "runestream" / "v1"
    return {name: (v1 / f"{name}.py").read_text() for name in ("_accessor", "_series", "_events")}


def test_a_new_argument_of_a_handwritten_method_makes_the_accessors_stale() -> None:
    """An argument added to a mixin method (say ``budget``) shows up in the emitted module."""
    sources = _accessor_sources()
    source = sources["_series"]
    csv_mixin = source.index("class _CSVMixin(")
    head, tail = source[:csv_mixin], source[csv_mixin:]
    changed = head + re.sub(
        r"(def to_arrow\(\s*self, \*, )", r"\1budget: float = 0, ", tail, count=1
    )
    assert changed != source
    spec = yaml.safe_load((ROOT / "spec" / "stream-api.yaml").read_text())
    ops = emit_params.operations(spec)
    before = emit_accessors.render(sources, ops)
    after = emit_accessors.render({**sources, "_series": changed}, ops)
    assert "budget" not in before
    assert after.count("budget: float = 0,") == 7  # each CSV resource's to_arrow
    assert "budget=budget" in after


def test_a_method_whose_operation_cannot_be_told_is_refused() -> None:
    sources = _accessor_sources()
    source = sources["_events"]
    changed = re.sub(
        r"(class SpanAccessor\(.*\):\n)",
        r"\1    def mystery(self, **params: Any) -> None:\n        return None\n\n",
        source,
        count=1,
    )
    assert changed != source
    spec = yaml.safe_load((ROOT / "spec" / "stream-api.yaml").read_text())
    with pytest.raises(SystemExit, match=r"SpanAccessor\.mystery"):
        emit_accessors.render({**sources, "_events": changed}, emit_params.operations(spec))
