"""Emit ``runestream_api/params.py``: the documented parameters of every operation, typed.

Called by ``scripts/regenerate`` after openapi-python-client, for every operation the spec holds.
For each operation it writes a ``TypedDict`` (``GetAccelCsvParams`` for ``get_accel_csv``) whose
keys are the operation's parameters, each with the type a caller may pass and the spec's
description as its docstring, and a ``Parameter`` table (``PARAMETERS``) for docstrings and
``--help`` texts. Per tag, a ``TypedDict`` of every parameter of the tag's operations
(``AccelParams``) types an accessor's defaults.

Types are what the client accepts (``runestream.v1._params.prepare_params``), not the wire types:

* ``start_time`` / ``end_time`` given in seconds: ``TimeLike`` (unix seconds, ``datetime``,
  ``date`` or an ISO-8601 string);
* a ``$ref`` to a string enum (closed): the ``Literal`` of its values or the generated enum;
* an enum that also allows any string (``anyOf`` enum + string), or a plain string: ``str``;
  a string whose description says it is comma-separated: ``str | Sequence[str | int]``;
* ``number``: ``float`` (an ``int`` is accepted too); ``integer``: ``int``; ``boolean``:
  ``bool``; an ``array`` of T: ``Sequence[T]``;
* every key also takes ``None`` ("not given": it removes an accessor default), and no key is
  required by the ``TypedDict`` (a required parameter may come from an accessor's defaults; the
  client checks it before any request).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_REF_PREFIX = "#/components/"
_COMMA_SEPARATED = re.compile(r"\bcomma-separated\b", re.IGNORECASE)
_TIME_NAMES = frozenset({"start_time", "end_time"})
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Param:
    """One parameter of one operation, as emitted."""

    name: str
    location: str
    annotation: str
    required: bool
    deprecated: bool
    default: Any
    description: str


@dataclass(frozen=True)
class Op:
    """One operation of the spec, as emitted."""

    operation_id: str
    method: str
    path: str
    tags: tuple[str, ...]
    summary: str
    params: tuple[Param, ...]

    @property
    def class_name(self) -> str:
        return camel(self.operation_id) + "Params"


def camel(name: str) -> str:
    """``get_accel_csv`` / ``single-stream`` -> ``GetAccelCsv`` / ``SingleStream``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part)


def _resolve(spec: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith(_REF_PREFIX):
            raise SystemExit(f"emit_params: unsupported $ref {ref!r}")
        target: Any = spec["components"]
        for part in ref.removeprefix(_REF_PREFIX).split("/"):
            target = target[part]
        node = target
    return node


def _ref_name(node: Mapping[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _schema_type(
    spec: Mapping[str, Any], schema: Mapping[str, Any], name: str, description: str
) -> str:
    """The Python annotation (without ``| None``) a caller may pass for this schema."""
    for combiner in ("anyOf", "oneOf"):
        if combiner in schema:
            options = [s for s in schema[combiner] if _resolve(spec, s).get("type") != "null"]
            if len(options) == 1:
                return _schema_type(spec, options[0], name, description)
            kinds = {_resolve(spec, s).get("type") for s in options}
            if kinds == {"string"}:  # an enum that also allows any string: open
                return "str"
            return " | ".join(
                dict.fromkeys(_schema_type(spec, s, name, description) for s in options)
            )
    ref = _ref_name(schema)
    resolved = _resolve(spec, schema)
    kind = resolved.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    if "enum" in resolved and kind == "string":
        values = ", ".join(repr(str(v)) for v in resolved["enum"])
        return f"Literal[{values}] | {ref}" if ref is not None else f"Literal[{values}]"
    if kind == "string":
        return "str | Sequence[str | int]" if _COMMA_SEPARATED.search(description) else "str"
    if kind == "number":
        return "TimeLike" if name in _TIME_NAMES else "float"
    if kind == "integer":
        return "int"
    if kind == "boolean":
        return "bool"
    if kind == "array":
        return f"Sequence[{_schema_type(spec, resolved.get('items', {}), name, '')}]"
    raise SystemExit(f"emit_params: parameter {name!r}: unsupported schema {dict(resolved)!r}")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def operations(spec: Mapping[str, Any]) -> list[Op]:
    """Every operation of the spec, in the spec's order, with its parameters."""
    ops: list[Op] = []
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation_id = operation.get("operationId")
            if not operation_id:
                raise SystemExit(f"emit_params: {method.upper()} {path} has no operationId")
            params: dict[str, Param] = {}
            for raw in [*shared, *operation.get("parameters", [])]:
                parameter = _resolve(spec, raw)
                if parameter.get("in") not in ("query", "path"):
                    continue
                name = parameter["name"]
                if not name.isidentifier() or keyword.iskeyword(name):
                    raise SystemExit(f"emit_params: {operation_id}: {name!r} is not a Python name")
                schema = parameter.get("schema", {})
                description = _one_line(parameter.get("description", ""))
                params[name] = Param(
                    name=name,
                    location=parameter["in"],
                    annotation=_schema_type(spec, schema, name, description),
                    required=bool(parameter.get("required", False)),
                    deprecated=bool(parameter.get("deprecated", False)),
                    default=schema.get("default", _resolve(spec, schema).get("default")),
                    description=description,
                )
            ops.append(
                Op(
                    operation_id=operation_id,
                    method=method.upper(),
                    path=path,
                    tags=tuple(operation.get("tags", [])),
                    summary=_one_line(operation.get("summary", "")),
                    params=tuple(params.values()),
                )
            )
    return ops


def tag_params(ops: list[Op]) -> dict[str, list[Param]]:
    """Per tag, every parameter of its operations (first occurrence; types of a name joined)."""
    by_tag: dict[str, dict[str, Param]] = {}
    for op in ops:
        for tag in op.tags:
            merged = by_tag.setdefault(tag, {})
            for param in op.params:
                seen = merged.get(param.name)
                if seen is None:
                    merged[param.name] = param
                elif seen.annotation != param.annotation:
                    union = " | ".join(
                        dict.fromkeys(
                            [*seen.annotation.split(" | "), *param.annotation.split(" | ")]
                        )
                    )
                    merged[param.name] = Param(**{**seen.__dict__, "annotation": union})
    return {tag: list(params.values()) for tag, params in by_tag.items()}


def _doc(text: str, indent: str) -> list[str]:
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return [f'{indent}"""{body}"""']


def _typed_dict(name: str, doc: str, params: list[Param] | tuple[Param, ...]) -> list[str]:
    lines = [f"class {name}(TypedDict, total=False):"]
    lines += _doc(doc, "    ")
    for param in params:
        notes = []
        if param.required:
            notes.append("Required by the API (may come from an accessor's defaults).")
        if param.deprecated and "deprecated" not in param.description.lower():
            notes.append("Deprecated.")
        lines.append("")
        lines.append(f"    {param.name}: {param.annotation} | None")
        lines += _doc(" ".join([param.description, *notes]).strip(), "    ")
    lines += ["", ""]
    return lines


def render(spec: Mapping[str, Any]) -> str:
    """The source of ``runestream_api/params.py`` for this spec."""
    ops = operations(spec)
    builtin = {"str", "int", "float", "bool", "TimeLike"}
    enums = sorted(
        {
            part
            for op in ops
            for param in op.params
            for part in param.annotation.split(" | ")
            if part.isidentifier() and part not in builtin
        }
    )
    lines = [
        '"""Typed query parameters of every operation of ``spec/stream-api.yaml``.',
        "",
        "Generated by ``scripts/regenerate`` (``scripts/emit_params.py``) from the spec; do",
        "not edit by hand. One ``TypedDict`` per operation (``GetAccelCsvParams`` for",
        "``get_accel_csv``) with the types a caller may pass (``None``: not given), one per tag",
        "with every parameter of its operations (``AccelParams``), and ``PARAMETERS``: each",
        "operation's parameters with their types, defaults and descriptions.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        "from collections.abc import Mapping, Sequence",
        "from dataclasses import dataclass",
        "from typing import Any, Final, Literal, TypeAlias, TypedDict",
        "",
    ]
    if enums:
        lines.append(f"from .models import {', '.join(enums)}")
        lines.append("")
    lines += [
        "#: What a time parameter in seconds accepts: unix seconds, a ``datetime`` (naive: UTC),",
        "#: a ``date`` (midnight UTC) or an ISO-8601 string.",
        "TimeLike: TypeAlias = float | datetime.datetime | datetime.date | str",
        "",
        "",
        "@dataclass(frozen=True)",
        "class Parameter:",
        '    """One documented parameter of one operation."""',
        "",
        "    name: str",
        '    """The parameter\'s name (a keyword argument of the accessor methods)."""',
        "    location: str",
        '    """``query`` or ``path``."""',
        "    type: str",
        '    """The Python type a caller may pass (``None`` is always accepted: not given)."""',
        "    required: bool",
        '    """Whether the API requires it."""',
        "    deprecated: bool",
        '    """Whether the docs deprecate it."""',
        "    default: Any",
        '    """The documented default (``None``: none)."""',
        "    description: str",
        '    """The documented meaning."""',
        "",
        "",
    ]
    for op in ops:
        doc = (
            f"Parameters of ``{op.method} {op.path}`` (``{op.operation_id}``): {op.summary}".rstrip(
                ": "
            )
        )
        lines += _typed_dict(op.class_name, doc, op.params)
    for tag, params in tag_params(ops).items():
        doc = f"Every parameter of the operations tagged ``{tag}`` (an accessor's defaults)."
        lines += _typed_dict(camel(tag) + "Params", doc, params)
    lines.append(
        "#: Each operation's documented parameters, by ``operationId``, in the spec's order."
    )
    lines.append("PARAMETERS: Final[Mapping[str, tuple[Parameter, ...]]] = {")
    for op in ops:
        lines.append(f"    {op.operation_id!r}: (")
        for p in op.params:
            lines.append(
                f"        Parameter({p.name!r}, {p.location!r}, {p.annotation!r}, {p.required!r}, "
                f"{p.deprecated!r}, {p.default!r}, {p.description!r}),"
            )
        lines.append("    ),")
    lines.append("}")
    lines.append("#: The ``TypedDict`` of each operation, by ``operationId``.")
    lines.append("TYPED_DICTS: Final[Mapping[str, type]] = {")
    for op in ops:
        lines.append(f"    {op.operation_id!r}: {op.class_name},")
    lines.append("}")
    lines.append("")
    return "\n".join(lines)
