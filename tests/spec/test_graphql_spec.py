"""The GraphQL spec: the SDL, our operations, runeq 0.18.1's documents and the generated client.

The real schema is not published; ``spec/graphql/schema.graphql`` is transcribed from the
documents runeq 0.18.1 sends. These tests hold it to that: every operation of ours and every
document of runeq (read from the installed ``runeq`` package with ``ast``) validates against the
SDL; the SDL declares nothing runeq does not use; our operations select exactly what runeq's
select, with the same variable types, except where ``spec/NOTES.md`` documents a difference
(``DIFFERENCES``); and the generated ``runestream_graphql.GraphClient`` has one method per
operation that sends that operation.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeDefinitionNode,
    VariableNode,
    build_schema,
    get_named_type,
    parse,
    print_ast,
    validate,
)

import runestream_graphql
from runestream_graphql import input_types
from runestream_graphql.base_client import BaseClient, HttpClient
from runestream_graphql.exceptions import GraphQLClientGraphQLMultiError

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "spec" / "graphql" / "schema.graphql"
OPERATIONS_DIR = ROOT / "spec" / "graphql" / "operations"
NOTES = ROOT / "spec" / "NOTES.md"
SDL = SCHEMA_PATH.read_text(encoding="utf-8")
SCHEMA = build_schema(SDL)

#: Where each of runeq 0.18.1's documents lives (module of ``runeq.resources``, then the function
#: or module-level name holding it) and the operation of ours that replaces it.
RUNEQ_OPERATIONS: dict[tuple[str, str], str] = {
    ("user", "get_current_user"): "getUser",
    ("org", "_iter_all_orgs"): "getOrgMemberships",
    ("org", "set_active_org"): "updateDefaultMembership",
    ("patient", "get_patient"): "getPatient",
    ("patient", "get_all_patients"): "getPatientList",
    ("project", "get_project"): "getProject",
    ("project", "get_projects"): "getProjects",
    ("project", "get_project_patients"): "getProjectPatients",
    ("project", "get_cohort_patients"): "getCohortPatients",
    ("stream_metadata", "get_all_stream_types"): "getStreamTypes",
    ("stream_metadata", "get_stream_metadata"): "getStreamListByIds",
    ("stream_metadata", "get_patient_stream_metadata"): "getStreamList",
    ("event", "_EVENT_GQL_QUERY"): "getEventList",
}
#: runeq's anonymous documents, named by us (spec/NOTES.md, note 57).
NAMED_BY_US = {"getProjects", "getProjectPatients", "getCohortPatients"}
#: Operations of ours with no runeq counterpart, and the runeq operation whose selections and
#: variables they must stay within (spec/NOTES.md, note 59).
NEW_OPERATIONS = {"getPatientDevices": "getPatient"}
#: runeq functions that pass a variable their document does not declare (spec/NOTES.md, note 58):
#: function -> the keyword passed instead of ``$cursorInput``.
RUNEQ_MISNAMED_VARIABLES = {
    ("project", "get_project_patients"): "cursor_input",
    ("project", "get_cohort_patients"): "cursor_input",
}


@dataclass(frozen=True)
class Difference:
    """A documented difference between runeq's document and ours, at one response path."""

    note: int
    path: tuple[str, ...]
    runeq_arguments: tuple[tuple[str, str], ...]
    our_arguments: tuple[tuple[str, str], ...]
    dropped_variables: frozenset[str]


#: getPatientList: runeq passes one ``$device_cursor`` to every patient's deviceList; ours asks
#: for each patient's first device page only (spec/NOTES.md, note 59).
DIFFERENCES: dict[str, Difference] = {
    "getPatientList": Difference(
        note=59,
        path=("org", "patientAccessList", "patientAccess", "patient", "deviceList"),
        runeq_arguments=(("cursor", "$deviceCursor"),),
        our_arguments=(),
        dropped_variables=frozenset({"deviceCursor"}),
    )
}


@dataclass(frozen=True)
class Selected:
    """One field a document selects: on which type, which field, with which arguments."""

    parent: str
    field: str
    arguments: tuple[tuple[str, str], ...]


def camel(name: str) -> str:
    """runeq's snake_case variable names in our camelCase (``stream_ids`` -> ``streamIds``)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """An operation's method name in the generated client (``getStreamListByIds``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# --- reading the documents -------------------------------------------------------------------


def our_files() -> dict[str, DocumentNode]:
    files = sorted(OPERATIONS_DIR.glob("*.graphql"))
    return {path.name: parse(path.read_text(encoding="utf-8")) for path in files}


def our_document() -> DocumentNode:
    """Every operation file as one document (as ariadne-codegen reads them)."""
    definitions = [d for doc in our_files().values() for d in doc.definitions]
    return DocumentNode(definitions=tuple(definitions))


def operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def our_operations() -> dict[str, OperationDefinitionNode]:
    found: dict[str, OperationDefinitionNode] = {}
    for op in operations(our_document()):
        assert op.name is not None
        found[op.name.value] = op
    return found


def _runeq_resources() -> Path:
    spec = importlib.util.find_spec("runeq")
    assert spec is not None and spec.origin is not None, "runeq (dev extra) is not installed"
    return Path(spec.origin).parent / "resources"


def _is_document(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.lstrip().startswith(("query", "mutation"))
    )


def _owners(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """(function or module-level name, node) for every node of the module."""
    for top in tree.body:
        if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            owner = top.name
        elif isinstance(top, ast.Assign) and isinstance(top.targets[0], ast.Name):
            owner = top.targets[0].id
        else:
            owner = "<module>"
        for node in ast.walk(top):
            yield owner, node


def runeq_sources() -> dict[str, ast.Module]:
    return {
        path.stem: ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(_runeq_resources().glob("*.py"))
    }


def runeq_documents() -> dict[tuple[str, str], str]:
    """Every GraphQL document in runeq 0.18.1's resources, by (module, owner)."""
    found: dict[tuple[str, str], str] = {}
    for module, tree in runeq_sources().items():
        for owner, node in _owners(tree):
            if _is_document(node):
                assert isinstance(node, ast.Constant) and isinstance(node.value, str)
                assert (module, owner) not in found, f"two documents in {module}.{owner}"
                found[(module, owner)] = node.value
    return found


def runeq_operations() -> dict[str, OperationDefinitionNode]:
    """runeq's operations, keyed by the name of the operation of ours that replaces each."""
    found: dict[str, OperationDefinitionNode] = {}
    for where, text in runeq_documents().items():
        (op,) = operations(parse(text))
        found[RUNEQ_OPERATIONS[where]] = op
    return found


# --- what a document selects -----------------------------------------------------------------


def _arguments(node: FieldNode) -> tuple[tuple[str, str], ...]:
    """A field's arguments, variables spelled camelCase (so runeq's and ours compare)."""
    spelled = []
    for argument in node.arguments or ():
        value = argument.value
        text = (
            f"${camel(value.name.value)}" if isinstance(value, VariableNode) else print_ast(value)
        )
        spelled.append((argument.name.value, text))
    return tuple(sorted(spelled))


def _walk(
    selection_set: SelectionSetNode,
    parent: GraphQLNamedType,
    known: dict[str, FragmentDefinitionNode],
    path: tuple[str, ...],
    into: dict[tuple[str, ...], Selected],
) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            assert isinstance(parent, GraphQLObjectType), parent
            name = selection.name.value
            key = (*path, (selection.alias or selection.name).value)
            selected = Selected(parent.name, name, _arguments(selection))
            assert into.setdefault(key, selected) == selected, f"{key} selected twice, differently"
            if selection.selection_set is not None:
                child = get_named_type(parent.fields[name].type)
                _walk(selection.selection_set, child, known, key, into)
        else:
            condition: NamedTypeNode | None
            if isinstance(selection, FragmentSpreadNode):
                fragment = known[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                assert isinstance(selection, InlineFragmentNode)
                condition, inner = selection.type_condition, selection.selection_set
            target = parent if condition is None else SCHEMA.get_type(condition.name.value)
            assert target is not None
            _walk(inner, target, known, path, into)


def selections(
    op: OperationDefinitionNode, known: dict[str, FragmentDefinitionNode] | None = None
) -> dict[tuple[str, ...], Selected]:
    """Every field ``op`` selects (fragments expanded), by its response path (aliases)."""
    root = SCHEMA.get_root_type(op.operation)
    assert root is not None
    found: dict[tuple[str, ...], Selected] = {}
    _walk(op.selection_set, root, known or {}, (), found)
    return found


def variables(op: OperationDefinitionNode, spell: bool = False) -> dict[str, str]:
    """An operation's variables and their types (names camelCased if ``spell``)."""
    found = {}
    for definition in op.variable_definitions or ():
        assert definition.default_value is None
        name = definition.variable.name.value
        found[camel(name) if spell else name] = print_ast(definition.type)
    return found


def our_selections() -> dict[str, dict[tuple[str, ...], Selected]]:
    known = fragments(our_document())
    return {name: selections(op, known) for name, op in our_operations().items()}


def runeq_selections() -> dict[str, dict[tuple[str, ...], Selected]]:
    return {name: selections(op) for name, op in runeq_operations().items()}


def fields_of(chosen: dict[str, dict[tuple[str, ...], Selected]]) -> set[tuple[str, str]]:
    return {(s.parent, s.field) for found in chosen.values() for s in found.values()}


def arguments_of(chosen: dict[str, dict[tuple[str, ...], Selected]]) -> set[tuple[str, str, str]]:
    return {
        (s.parent, s.field, argument)
        for found in chosen.values()
        for s in found.values()
        for argument, _ in s.arguments
    }


# --- our operation files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in OPERATIONS_DIR.glob("*.graphql")))
def test_each_operation_file_parses_and_validates_on_its_own(name: str) -> None:
    document = our_files()[name]
    assert operations(document), f"{name} holds no operation"
    assert validate(SCHEMA, document) == []
    for op in operations(document):
        assert op.name is not None, f"an anonymous operation in {name}"


def test_all_operation_files_together_validate() -> None:
    assert validate(SCHEMA, our_document()) == []


def test_operation_and_fragment_names_are_unique_across_files() -> None:
    names: list[str] = []
    fragment_names: list[str] = []
    for document in our_files().values():
        names += [op.name.value for op in operations(document) if op.name is not None]
        fragment_names += [
            d.name.value for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        ]
    assert sorted(names) == sorted(set(names))
    assert sorted(fragment_names) == sorted(set(fragment_names))
    assert set(names) == set(RUNEQ_OPERATIONS.values()) | set(NEW_OPERATIONS)


# --- runeq 0.18.1's documents ----------------------------------------------------------------


def test_runeq_has_the_thirteen_documents_we_replace() -> None:
    assert set(runeq_documents()) == set(RUNEQ_OPERATIONS)
    assert len(RUNEQ_OPERATIONS) == 13


@pytest.mark.parametrize("where", sorted(RUNEQ_OPERATIONS), ids=lambda w: ".".join(w))
def test_runeq_document_validates_against_the_sdl(where: tuple[str, str]) -> None:
    document = parse(runeq_documents()[where])
    assert validate(SCHEMA, document) == []
    (op,) = operations(document)
    ours = RUNEQ_OPERATIONS[where]
    if op.name is None:
        assert ours in NAMED_BY_US
    else:
        assert ours not in NAMED_BY_US
        assert op.name.value == ours


def _execute_keywords(function: ast.AST) -> set[str]:
    """The variables a runeq function passes to ``client.execute(statement=..., **variables)``."""
    found: set[str] = set()
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "execute"
        ):
            found |= {k.arg for k in node.keywords if k.arg not in (None, "statement")}
    return found


@pytest.mark.parametrize(
    "where", sorted(w for w in RUNEQ_OPERATIONS if w[1] != "_EVENT_GQL_QUERY"), ids=".".join
)
def test_runeq_passes_its_declared_variables_except_cursor_input(where: tuple[str, str]) -> None:
    """runeq's one naming bug, found in its source (note 58): ``cursor_input=`` for
    ``$cursorInput``, so the cursor never reaches the server and its paging never advances."""
    module, function = where
    (node,) = [
        n
        for n in runeq_sources()[module].body
        if isinstance(n, ast.FunctionDef) and n.name == function
    ]
    passed = _execute_keywords(node)
    declared = set(variables(runeq_operations()[RUNEQ_OPERATIONS[where]]))
    if where in RUNEQ_MISNAMED_VARIABLES:
        keyword = RUNEQ_MISNAMED_VARIABLES[where]
        assert keyword in passed
        assert keyword not in declared
        assert "cursorInput" in declared
        assert passed - declared == {keyword}
    else:
        assert passed <= declared


# --- the SDL declares what runeq uses, nothing more ------------------------------------------


def _sdl_fields(schema: GraphQLSchema) -> set[tuple[str, str]]:
    return {
        (name, field)
        for name, kind in schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__")
        for field in kind.fields
    }


def _sdl_arguments(schema: GraphQLSchema) -> set[tuple[str, str, str]]:
    return {
        (name, field, argument)
        for name, kind in schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__")
        for field, definition in kind.fields.items()
        for argument in definition.args
    }


def test_every_sdl_field_is_selected_by_runeq_and_by_us() -> None:
    runeq, ours = fields_of(runeq_selections()), fields_of(our_selections())
    assert _sdl_fields(SCHEMA) == runeq
    assert ours == runeq


def test_every_sdl_argument_is_used_by_runeq_and_by_us() -> None:
    runeq, ours = arguments_of(runeq_selections()), arguments_of(our_selections())
    assert _sdl_arguments(SCHEMA) == runeq
    assert ours == runeq


def _used_type_names() -> set[str]:
    """Types reached by runeq's documents: selected on, returned, or declared by a variable
    (with the input types those reach)."""
    used: set[str] = set()
    for op in runeq_operations().values():
        root = SCHEMA.get_root_type(op.operation)
        assert root is not None
        used.add(root.name)
        for selected in selections(op).values():
            parent = SCHEMA.get_type(selected.parent)
            assert isinstance(parent, GraphQLObjectType)
            used |= {selected.parent, get_named_type(parent.fields[selected.field].type).name}
        for definition in op.variable_definitions or ():
            pending = [get_named_type(SCHEMA.get_type(_base(definition.type)))]
            while pending:
                kind = pending.pop()
                if kind is not None and kind.name not in used:
                    used.add(kind.name)
                    if isinstance(kind, GraphQLInputObjectType):
                        pending += [get_named_type(f.type) for f in kind.fields.values()]
    return used


def _base(type_node: Any) -> str:
    while not hasattr(type_node, "name"):
        type_node = type_node.type
    return str(type_node.name.value)


def test_every_sdl_type_is_used_by_runeq() -> None:
    defined = {d.name.value for d in parse(SDL).definitions if isinstance(d, TypeDefinitionNode)}
    assert defined, "the SDL defines no type"
    assert defined - _used_type_names() == set()


def _runeq_dict_keys() -> list[frozenset[str]]:
    """The string keys of every dict literal in runeq's resources (the variables' values)."""
    found = []
    for tree in runeq_sources().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and node.keys:
                keys = [
                    k.value
                    for k in node.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                ]
                if len(keys) == len(node.keys):
                    found.append(frozenset(keys))
    return found


def test_every_input_type_is_exactly_a_dict_runeq_sends() -> None:
    """Input fields never appear in a document; runeq builds them as dict literals."""
    built = _runeq_dict_keys()
    inputs = {
        name: kind
        for name, kind in SCHEMA.type_map.items()
        if isinstance(kind, GraphQLInputObjectType) and not name.startswith("__")
    }
    assert len(inputs) == 5
    for name, kind in inputs.items():
        assert frozenset(kind.fields) in built, f"runeq never sends {name} {sorted(kind.fields)}"


# --- our operations are runeq's ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RUNEQ_OPERATIONS.values()))
def test_our_operation_selects_what_runeq_selects(name: str) -> None:
    ours, runeq = our_selections()[name], runeq_selections()[name]
    difference = DIFFERENCES.get(name)
    if difference is not None:
        assert runeq[difference.path].arguments == difference.runeq_arguments
        assert ours[difference.path].arguments == difference.our_arguments
        runeq = {
            path: Selected(s.parent, s.field, difference.our_arguments)
            if path == difference.path
            else s
            for path, s in runeq.items()
        }
    assert ours == runeq


@pytest.mark.parametrize("name", sorted(RUNEQ_OPERATIONS.values()))
def test_our_variables_have_runeq_types(name: str) -> None:
    ours = variables(our_operations()[name])
    runeq = variables(runeq_operations()[name], spell=True)
    difference = DIFFERENCES.get(name)
    if difference is not None:
        assert difference.dropped_variables <= set(runeq)
        runeq = {k: v for k, v in runeq.items() if k not in difference.dropped_variables}
    assert ours == runeq


@pytest.mark.parametrize("name", sorted(NEW_OPERATIONS))
def test_new_operation_stays_within_runeq(name: str) -> None:
    model = NEW_OPERATIONS[name]
    ours, runeq = our_selections()[name], runeq_selections()[model]
    assert ours.items() <= runeq.items()
    ours_variables = variables(our_operations()[name])
    assert ours_variables.items() <= variables(runeq_operations()[model], spell=True).items()


def test_every_difference_is_documented_in_notes() -> None:
    notes = NOTES.read_text(encoding="utf-8")

    def note(number: int) -> str:
        match = re.search(rf"^{number}\. (.*?)(?=^\d+\. |^#|\Z)", notes, re.M | re.S)
        assert match is not None, f"spec/NOTES.md has no note {number}"
        return match.group(1)

    for name, difference in DIFFERENCES.items():
        assert name in note(difference.note)
    for name, model in NEW_OPERATIONS.items():
        assert name in note(59) and model in note(59)
    assert all(name in note(57) for name in NAMED_BY_US)
    assert "cursor_input" in note(58) and "$cursorInput" in note(58)


# --- the generated client --------------------------------------------------------------------


def test_client_has_one_method_per_operation_and_nothing_else() -> None:
    client = runestream_graphql.GraphClient
    extra = {name for name in dir(client) if name not in dir(BaseClient)}
    assert extra == {snake(name) for name in our_operations()}


def recording_client(
    answer: Callable[[httpx.Request], httpx.Response],
) -> runestream_graphql.GraphClient:
    """A GraphClient over ``httpx.MockTransport``. At run time it takes an ``httpx.Client``; for
    mypy, httpx's ``post`` (keyword-only ``json``) does not match the generated ``HttpClient``
    protocol (positional ``json``), hence the cast."""
    http = httpx.Client(transport=httpx.MockTransport(answer))
    return runestream_graphql.GraphClient(
        url="https://graph.example/graphql", http_client=cast(HttpClient, http)
    )


def _value_for(type_text: str) -> object:
    """A value for a required (non-null) variable; nullable ones are sent as null."""
    values: dict[str, object] = {
        "ID!": "an-id",
        "Float!": 1.5,
        "UpdateDefaultMembershipInput!": input_types.UpdateDefaultMembershipInput(orgId="org"),
    }
    return values[type_text]


@pytest.mark.parametrize("name", sorted(set(RUNEQ_OPERATIONS.values()) | set(NEW_OPERATIONS)))
def test_client_method_sends_the_operation(name: str) -> None:
    op = our_operations()[name]
    declared = variables(op)
    method = getattr(runestream_graphql.GraphClient, snake(name))
    parameters = {
        p.name: p
        for p in inspect.signature(method).parameters.values()
        if p.name != "self" and p.kind is not inspect.Parameter.VAR_KEYWORD
    }
    assert set(parameters) == {snake(v) for v in declared}
    for variable, type_text in declared.items():
        required = parameters[snake(variable)].default is inspect.Parameter.empty
        assert required == type_text.endswith("!"), variable

    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"errors": [{"message": "recorded"}]})

    client = recording_client(answer)
    arguments = {snake(v): _value_for(t) if t.endswith("!") else None for v, t in declared.items()}
    with pytest.raises(GraphQLClientGraphQLMultiError):
        getattr(client, snake(name))(**arguments)
    (body,) = sent
    assert body["operationName"] == name
    assert set(body["variables"]) == set(declared)
    document = parse(body["query"])
    assert validate(SCHEMA, document) == []
    (posted,) = operations(document)
    assert selections(posted, fragments(document)) == our_selections()[name]
    assert variables(posted) == declared


def test_client_sends_the_patient_cursor_as_cursor_input() -> None:
    """runeq's bug fixed: the next page's cursor reaches ``$cursorInput`` (note 58)."""
    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"errors": [{"message": "recorded"}]})

    client = recording_client(answer)
    cursor = input_types.CursorInput(codeNameCursor="Patient 07")
    for call in (client.get_project_patients, client.get_cohort_patients):
        with pytest.raises(GraphQLClientGraphQLMultiError):
            call(id="p1", cursor_input=cursor)
    assert [body["variables"] for body in sent] == [
        {"id": "p1", "cursorInput": {"codeNameCursor": "Patient 07"}}
    ] * 2


def test_generated_package_ships_the_sdl_byte_for_byte() -> None:
    shipped = Path(runestream_graphql.__file__).resolve().parent / "schema.graphql"
    assert shipped.read_bytes() == SCHEMA_PATH.read_bytes()


def test_sdl_types_are_non_null_only_for_identity() -> None:
    """Identity fields (``id``, ``deviceShortId``, dimension ``identifier``, parameter ``key``)
    and the ``pageInfo`` of lists are non-null; every other output field is nullable (note 51)."""
    non_null = set()
    for name, kind in SCHEMA.type_map.items():
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__"):
            for field, definition in kind.fields.items():
                if isinstance(definition.type, GraphQLNonNull):
                    non_null.add((name, field))
    identity = {p for p in non_null if p[1] in {"id", "deviceShortId", "identifier", "key"}}
    page_info = {p for p in non_null if p[1] == "pageInfo"}
    assert non_null == identity | page_info
    assert {name for name, _ in identity} >= {"User", "Org", "Patient", "Stream", "Event"}
