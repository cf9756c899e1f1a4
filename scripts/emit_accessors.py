"""Emit ``runestream/v1/_accessors.py``: the V1 accessors with typed, documented parameters.

Called by ``scripts/regenerate``. The accessors' behaviour is hand-written in
``overrides/runestream/v1/`` (``_series.py``: ``AccelAccessor`` ... ``StateAccessor``;
``_events.py``: ``EventAccessor``, ``SpanAccessor``; their bases in ``_accessor.py``); their
methods take ``**params: Any``. This emitter reads those modules' source (``ast``, nothing is
imported) and, for every concrete accessor (a class with ``resource = "..."``) and every public
method that takes ``**params``, writes a subclass method with the same other arguments and
``**params: Unpack[<the operation's TypedDict>]`` from ``runestream_api.params`` (the spec's
parameters), whose docstring is the hand-written one with the parameters listed. The body only
calls the hand-written method.

Which operation a method queries is read from its body: ``self._query("csv", ...)`` or
``self._query("json", ...)``, or the operation of the public method it calls; a method with a
``fmt`` argument (``pages``) takes the parameters of both formats, like the constructor.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from emit_params import Op, Param, camel

_DOC_WIDTH = 92  # 100 columns less the 8 of a method body


@dataclass
class _Method:
    node: ast.FunctionDef
    owner: str


def _classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def _resource_of(cls: ast.ClassDef) -> str | None:
    for node in cls.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "resource"
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


def _methods(name: str, classes: Mapping[str, ast.ClassDef]) -> dict[str, _Method]:
    """Methods visible on class ``name`` (bases within the module), most derived first."""
    found: dict[str, _Method] = {}
    cls = classes[name]
    for node in cls.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = _Method(node, name)
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in classes:
            for key, method in _methods(base.id, classes).items():
                found.setdefault(key, method)
    return found


def _wanted(method: ast.FunctionDef) -> bool:
    public = not method.name.startswith("_") or method.name == "__init__"
    return public and method.args.kwarg is not None


def _fmt_of(
    name: str, methods: Mapping[str, _Method], seen: frozenset[str] = frozenset(), top: bool = True
) -> str:
    """``"json"``, ``"csv"`` or ``"both"``: the operation(s) a method's ``**params`` go to.

    Read from the first ``self._query("json"|"csv", ...)`` in the method, or else in the methods
    it calls (helpers included), in call order.
    """
    method = methods[name].node
    args = [a.arg for a in (*method.args.posonlyargs, *method.args.args, *method.args.kwonlyargs)]
    if top and (name == "__init__" or "fmt" in args):
        return "both"
    called: list[str] = []
    for node in ast.walk(method):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self"):
            continue
        if node.func.attr == "_query":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and first.value in ("json", "csv"):
                return str(first.value)
        elif node.func.attr in methods and node.func.attr not in seen | {name}:
            called.append(node.func.attr)
    for other in called:
        with contextlib.suppress(LookupError):
            return _fmt_of(other, methods, seen | {name}, top=False)
    if not top:
        raise LookupError(name)
    raise SystemExit(
        f"emit_accessors: cannot tell which operation {methods[name].owner}.{name} queries "
        '(no self._query("json"|"csv", ...) in it or in the methods it calls)'
    )


def _names(node: ast.AST | None) -> set[str]:
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _string_names(node: ast.AST | None) -> set[str]:
    """Names inside string annotations too."""
    names = _names(node)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        names |= _names(ast.parse(node.value, mode="eval"))
    return names


def _imports(tree: ast.Module, source: str) -> dict[str, tuple[str, bool]]:
    """name -> (import statement, only under TYPE_CHECKING), from the module's imports.

    A ``# type: ignore[...]`` on an import (``pyarrow`` has no types) is kept.
    """
    found: dict[str, tuple[str, bool]] = {}
    lines = source.splitlines()

    def pragma(node: ast.stmt) -> str:
        match = re.search(r"#\s*type:\s*ignore\[[^\]]*\]", lines[(node.end_lineno or 1) - 1])
        return f"  {match.group(0)}" if match else ""

    def visit(body: list[ast.stmt], typing_only: bool) -> None:
        for node in body:
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                visit(node.body, True)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    stmt = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                    found[name] = (stmt + pragma(node), typing_only)
            elif isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                for alias in node.names:
                    name = alias.asname or alias.name
                    imported = alias.name + (f" as {alias.asname}" if alias.asname else "")
                    found[name] = (f"from {module} import {imported}{pragma(node)}", typing_only)

    visit(tree.body, False)
    return found


def _signature(method: ast.FunctionDef, typed: str) -> tuple[str, str, set[str]]:
    """(parameters source, call arguments source, names used) with ``**`` typed as ``typed``."""
    args = method.args
    parts: list[str] = []
    call: list[str] = []
    used: set[str] = set()
    positional = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        text = arg.arg + (f": {ast.unparse(arg.annotation)}" if arg.annotation else "")
        if default is not None:
            text += f" = {ast.unparse(default)}"
        parts.append(text)
        used |= _string_names(arg.annotation) | _names(default)
        if index == 0:
            continue  # self
        call.append(arg.arg if arg in args.posonlyargs else f"{arg.arg}={arg.arg}")
        if args.posonlyargs and arg is args.posonlyargs[-1]:
            parts.append("/")
    if args.vararg is not None:
        raise SystemExit(f"emit_accessors: {method.name} takes *args; not supported")
    if args.kwonlyargs:
        parts.append("*")
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        text = arg.arg + (f": {ast.unparse(arg.annotation)}" if arg.annotation else "")
        if default is not None:
            text += f" = {ast.unparse(default)}"
        parts.append(text)
        call.append(f"{arg.arg}={arg.arg}")
        used |= _string_names(arg.annotation) | _names(default)
    assert args.kwarg is not None
    parts.append(f"**{args.kwarg.arg}: Unpack[{typed}]")
    call.append(f"**{args.kwarg.arg}")
    used |= _string_names(method.returns)
    return ", ".join(parts), ", ".join(call), used


def _param_lines(ops: list[Op]) -> list[str]:
    """The docstring list of the parameters of one or more operations.

    A name whose type, meaning or default differs between the operations is listed once per
    variant, each naming the operations it applies to.
    """
    variants: dict[str, dict[tuple[object, ...], tuple[Param, list[Op]]]] = {}
    for op in ops:
        for param in op.params:
            key = (param.annotation, param.description, param.required, repr(param.default))
            variants.setdefault(param.name, {}).setdefault(key, (param, []))[1].append(op)
    lines: list[str] = []
    for name, by_key in variants.items():
        for param, where in by_key.values():
            notes = []
            if param.required:
                notes.append("required, here or in the defaults")
            if param.deprecated:
                notes.append("deprecated")
            if param.default is not None and param.default != "":
                notes.append(f"default {param.default!r}")
            if len(ops) > 1 and len(where) < len(ops):
                notes.append("with " + ", ".join(f"``{op.path}``" for op in where))
            joined = "; ".join(notes)
            head = f"- ``{name}`` (``{param.annotation}``{'; ' if notes else ''}{joined}): "
            lines += textwrap.wrap(
                head + (param.description or "(undocumented)"),
                width=_DOC_WIDTH - 8,
                subsequent_indent="  ",
                break_on_hyphens=False,
            )
    return lines


def _docstring(method: ast.FunctionDef, resource: str, ops: list[Op]) -> str:
    base = ast.get_docstring(method, clean=True)
    kwarg = method.args.kwarg
    assert kwarg is not None
    where = " and ".join(f"``{op.method} {op.path}``" for op in ops)
    if base is None:
        base = f"Create the accessor; ``**{kwarg.arg}`` are its default query parameters.\n"
        base += f"\nArgs:\n    **{kwarg.arg}: Default parameters for every call."
    lines = _rewrap(base.replace("<resource>", resource).splitlines())
    marker = f"    **{kwarg.arg}:"
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith(marker))
    except StopIteration:
        lines += ["", "Args:", f"    **{kwarg.arg}: Query parameters."]
        start = len(lines) - 1
    end = start + 1
    while end < len(lines) and lines[end].startswith("        "):
        end += 1
    intro = (
        f"The parameters of {where} (``None`` removes a default); "
        "the client checks them before any request:"
    )
    added = ["", *textwrap.wrap(intro, width=_DOC_WIDTH - 8), "", *_param_lines(ops)]
    lines[end:end] = ["        " + line if line else "" for line in added]
    return "\n".join(lines)


def _rewrap(lines: list[str]) -> list[str]:
    """Wrap the lines that naming the resource made longer than the docstring width."""
    wrapped: list[str] = []
    for number, line in enumerate(lines):
        width = _DOC_WIDTH - 3 if number == 0 else _DOC_WIDTH  # the first follows the quotes
        if len(line) <= width:
            wrapped.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        wrapped += textwrap.wrap(
            line.strip(),
            width=width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
    return wrapped


def _quote(doc: str, indent: str) -> str:
    body = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    indented = textwrap.indent(body, indent).lstrip()
    return f'{indent}"""{indented}\n{indent}"""' if "\n" in body else f'{indent}"""{body}"""'


def render(sources: Mapping[str, str], ops: list[Op]) -> str:
    """The source of ``runestream/v1/_accessors.py`` for these modules and operations.

    ``sources`` maps each hand-written module of ``runestream.v1`` that defines accessors or
    their bases (``"_series"``, ...) to its source; a class's bases may live in another of them.
    """
    trees = {module: ast.parse(source) for module, source in sources.items()}
    classes: dict[str, ast.ClassDef] = {}
    home: dict[str, str] = {}
    imports: dict[str, tuple[str, bool]] = {}
    local: dict[str, str] = {}
    for module, tree in trees.items():
        for name, cls in _classes(tree).items():
            if name in classes:
                raise SystemExit(f"emit_accessors: {name} is in both {home[name]} and {module}")
            classes[name], home[name] = cls, module
            local[name] = module
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        local.setdefault(target.id, module)
        for name, found in _imports(tree, sources[module]).items():
            imports.setdefault(name, found)
    modules_used: set[str] = set()
    by_path = {op.path: op for op in ops}
    body: list[str] = []
    used: set[str] = set()
    typed_names: set[str] = set()
    exported: list[str] = []
    for name, cls in classes.items():
        resource = _resource_of(cls)
        if resource is None:
            continue
        formats = {fmt: by_path.get(f"/v1/{resource}.{fmt}") for fmt in ("json", "csv")}
        present = [op for op in formats.values() if op is not None]
        if not present:
            raise SystemExit(f"emit_accessors: no /v1/{resource}.json|csv operation in the spec")
        tags = {tag for op in present for tag in op.tags}
        if len(tags) != 1:
            raise SystemExit(f"emit_accessors: {resource}'s operations have tags {sorted(tags)}")
        union = camel(tags.pop()) + "Params"
        exported.append(name)
        doc = ast.get_docstring(cls, clean=True) or f"Accessor for ``{resource}``."
        modules_used.add(home[name])
        body += [f"class {name}({home[name]}.{name}):", _quote(doc, "    "), ""]
        methods = _methods(name, classes)
        for method_name, method in methods.items():
            if not _wanted(method.node):
                continue
            fmt = _fmt_of(method_name, methods)
            if fmt == "both":
                typed, method_ops = union, present
            else:
                op = formats[fmt]
                if op is None:
                    raise SystemExit(f"emit_accessors: {name}.{method_name} needs {resource}.{fmt}")
                typed, method_ops = op.class_name, [op]
            typed_names.add(typed)
            params, call, names = _signature(method.node, typed)
            used |= names
            returns = ast.unparse(method.node.returns) if method.node.returns else "None"
            ignore = "" if method_name == "__init__" else "  # type: ignore[override]"
            body.append(f"    def {method_name}({ignore}\n        {params}\n    ) -> {returns}:")
            body.append(_quote(_docstring(method.node, resource, method_ops), "        "))
            target = "super().__init__" if method_name == "__init__" else f"super().{method_name}"
            keyword = "" if method_name == "__init__" else "return "
            body += [f"        {keyword}{target}({call})", ""]
        body.append("")
    runtime: set[str] = set()
    typing_only: set[str] = set()
    for name in sorted(used - set(dir(builtins)) - {"Unpack"}):
        if name in imports:
            stmt, only = imports[name]
            (typing_only if only else runtime).add(stmt)
        elif name in local:
            runtime.add(f"from .{local[name]} import {name}")
        else:
            raise SystemExit(f"emit_accessors: cannot import {name!r} used in a signature")
    runtime |= {"from typing import Unpack", f"from . import {', '.join(sorted(modules_used))}"}
    runtime.add(f"from runestream_api.params import {', '.join(sorted(typed_names))}")
    modules = " and ".join(f"``{module}.py``" for module in sorted(modules_used))
    about = (
        "Generated by ``scripts/regenerate`` (``scripts/emit_accessors.py``) from the methods of"
        f" {modules} and the operations of ``spec/stream-api.yaml``; do not edit by hand. Each"
        " method calls the hand-written one of the same name; only its signature and docstring"
        " are added."
    )
    header = [
        '"""The V1 accessors with typed, documented parameters (``AccelAccessor`` ...).',
        "",
        *textwrap.wrap(about, 96),
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *sorted(runtime, key=_import_key),
    ]
    if typing_only:
        header += ["from typing import TYPE_CHECKING", "", "if TYPE_CHECKING:"]
        header += ["    " + stmt for stmt in sorted(typing_only)]
    header += ["", f"__all__ = {sorted(exported)!r}", "", ""]
    return "\n".join(header + body).rstrip() + "\n"


def _import_key(stmt: str) -> tuple[int, str]:
    return (1 if stmt.startswith("from .") else 0, stmt)
