"""Helpers of the GraphQL world tests: page walking and a tiny executor for runeq's queries.

The executor is **not** the sandbox's GraphQL binding (that executes the SDL): it parses a
query with graphql-core, applies aliases and arguments, and routes each field through the same
table as the sandbox (``runestream_sandbox.graph.routing``), so runeq 0.18.1's own resource
functions can run against the world through a fake ``GraphClient``, without a schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import parse
from graphql.language import FieldNode, OperationDefinitionNode, SelectionSetNode
from graphql.pyutils import Undefined
from graphql.utilities import value_from_ast_untyped

from runestream_sandbox.graph import query as q
from runestream_sandbox.graph.routing import GraphContext, resolve_nested, resolve_root
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

    @property
    def context(self) -> GraphContext:
        return GraphContext(self.world, self.state, self.settings)

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
            child = (
                value[name] if name in value else resolve_nested(self.context, value, name, args)
            )
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
            value = resolve_root(self.context, node.name.value, self._args(node, variables))
            out[(node.alias or node.name).value] = self._select(
                value, node.selection_set, variables
            )
        return out


def iter_pages(fetch: Callable[[str | None], JSON], items_key: str) -> Iterator[Any]:
    """Every item of every page (see :func:`walk`)."""
    pages, _ = walk(fetch, items_key)
    for page in pages:
        yield from page
