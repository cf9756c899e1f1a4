"""Helpers of the GraphQL world tests: page walking and a tiny executor for runeq's queries.

The executor is **not** the sandbox's GraphQL binding (that comes with the SDL): it parses a
query with graphql-core, applies aliases and arguments, and routes each field to the pure
functions of ``runestream_sandbox.graph.query`` by name, so runeq 0.18.1's own resource
functions can run against the world through a fake ``GraphClient``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import parse
from graphql.language import FieldNode, OperationDefinitionNode, SelectionSetNode
from graphql.pyutils import Undefined
from graphql.utilities import value_from_ast_untyped

from runestream_sandbox.graph import query as q
from runestream_sandbox.graph.world import WORLD, World

JSON = dict[str, Any]


def walk(fetch: Callable[[str | None], JSON], items_key: str, cursor_key: str = "endCursor"):
    """Every page of a list: fetch(cursor) until the end cursor is null (bounded)."""
    pages: list[list[Any]] = []
    cursors: list[str | None] = []
    cursor: str | None = None
    for _ in range(1000):
        answer = fetch(cursor)
        pages.append(answer[items_key])
        cursor = answer["pageInfo"][cursor_key]
        cursors.append(cursor)
        if cursor is None:
            return pages, cursors
    raise AssertionError("paging did not terminate")


class FakeGraphClient:
    """Quacks like runeq's ``GraphClient``: ``execute(statement, **variables) -> data``."""

    def __init__(
        self,
        world: World = WORLD,
        state: q.GraphState | None = None,
        settings: q.GraphSettings = q.DEFAULT_SETTINGS,
        max_calls: int = 10_000,
    ) -> None:
        self.world = world
        self.state = state or q.GraphState.initial(world)
        self.settings = settings
        self.calls = 0
        self.max_calls = max_calls

    # routing -------------------------------------------------------------------------------

    def _root(self, name: str, args: JSON) -> Any:
        w, st, s = self.world, self.state, self.settings
        if name == "user":
            return q.current_user(w, st)
        if name == "org":
            return q.org(w, st)
        if name == "patient":
            return q.patient(w, st, args["id"], settings=s)
        if name == "streamTypeList":
            return q.stream_type_list(w)
        if name == "streamList":
            return q.stream_list(w, st, args.get("filters"), args.get("cursor"), settings=s)
        if name == "streamListByIds":
            return q.stream_list_by_ids(w, st, args.get("streamIds"), settings=s)
        if name == "project":
            return q.project(w, st, args["id"])
        if name == "cohort":
            return q.cohort(w, st, args["id"])
        if name == "updateDefaultMembership":
            return q.update_default_membership(w, st, args["input"]["orgId"])
        raise KeyError(name)

    def _nested(self, parent: JSON, name: str, args: JSON) -> Any:
        w, st, s = self.world, self.state, self.settings
        cursor = args.get("cursor")
        if name == "membershipList":
            return q.membership_list(w, st, cursor, settings=s)
        if name == "patientAccessList":
            return q.patient_access_list(w, st, cursor, settings=s)
        if name == "projectList":
            return q.project_list(w, st, cursor, settings=s)
        if name == "deviceList":
            return q.device_list(w, st, parent["id"], cursor, settings=s)
        if name == "eventList":
            return q.event_list(
                w,
                st,
                parent["id"],
                args["startTime"],
                args["endTime"],
                cursor,
                args.get("includeFilters"),
                settings=s,
            )
        if name == "projectPatientList":
            return q.project_patient_list(w, st, parent["id"], args.get("cursorInput"), settings=s)
        if name == "cohortPatientList":
            return q.cohort_patient_list(w, st, parent["id"], args.get("cursorInput"), settings=s)
        raise KeyError(name)

    # execution -----------------------------------------------------------------------------

    def _select(self, value: Any, selection: SelectionSetNode | None, variables: JSON) -> Any:
        if selection is None or value is None:
            return value
        if isinstance(value, list):
            return [self._select(v, selection, variables) for v in value]
        out: JSON = {}
        for node in selection.selections:
            assert isinstance(node, FieldNode)
            args = self._args(node, variables)
            name = node.name.value
            child = value[name] if name in value else self._nested(value, name, args)
            out[(node.alias or node.name).value] = self._select(
                child, node.selection_set, variables
            )
        return out

    @staticmethod
    def _args(node: FieldNode, variables: JSON) -> JSON:
        out = {}
        for a in node.arguments or ():
            value = value_from_ast_untyped(a.value, variables)
            out[a.name.value] = None if value is Undefined else value
        return out

    def execute(self, statement: str, **variables: Any) -> JSON:
        self.calls += 1
        if self.calls > self.max_calls:
            raise RuntimeError(f"more than {self.max_calls} GraphQL requests")
        (op,) = parse(statement).definitions
        assert isinstance(op, OperationDefinitionNode)
        out: JSON = {}
        for node in op.selection_set.selections:
            assert isinstance(node, FieldNode)
            value = self._root(node.name.value, self._args(node, variables))
            out[(node.alias or node.name).value] = self._select(
                value, node.selection_set, variables
            )
        return out


def iter_pages(fetch: Callable[[str | None], JSON], items_key: str) -> Iterator[Any]:
    """Every item of every page (see :func:`walk`)."""
    pages, _ = walk(fetch, items_key)
    for page in pages:
        yield from page
