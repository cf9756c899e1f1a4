"""The sandbox's executable GraphQL schema: the project's SDL, resolved over the world.

The SDL is ``spec/graphql/schema.graphql``, shipped inside the generated client package
(``runestream_graphql/schema.graphql``, copied by ``scripts/regenerate`` and covered by its
``--check``), so the sandbox executes exactly the schema the client is generated from. Resolvers
come from :mod:`.routing`: every root field of ``Query`` and ``Mutation`` and every field named
in :data:`~.routing.NESTED_FIELDS` is bound; any other field reads its parent's dict key.
Building refuses an SDL with a root field the routing table does not answer.

Errors: a :class:`~.query.GraphError` raised by a resolver becomes an entry of ``errors`` with
``extensions.code`` (``NotFoundError``, ``BadRequestError``, ``PermissionDeniedError``); a
query that does not parse or validate (also: variables missing or not of their declared types)
is ``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED`` (and HTTP 400); an unexpected failure
is ``InternalError`` without its details.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from ariadne import graphql_sync, make_executable_schema
from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema

from .query import GraphError
from .routing import NESTED_FIELDS, ROOT_FIELDS, GraphContext, resolve_nested, resolve_root

__all__ = ["SCHEMA_RESOURCE", "executable_schema", "execute", "load_sdl", "sandbox_schema"]

log = logging.getLogger("runestream_sandbox")

#: Package and file name of the SDL shipped with the generated client.
SCHEMA_RESOURCE = ("runestream_graphql", "schema.graphql")
#: ``context_value`` key holding the caller's :class:`GraphContext`.
CONTEXT_KEY = "graph"


def load_sdl() -> str:
    """The SDL text shipped in ``runestream_graphql`` (the project's ``spec/graphql/``)."""
    package, name = SCHEMA_RESOURCE
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def _context(info: Any) -> GraphContext:
    # info: graphql-core's GraphQLResolveInfo (generic only from 3.3, so typed Any here)
    ctx = info.context[CONTEXT_KEY]
    assert isinstance(ctx, GraphContext)
    return ctx


def _root(obj: Any, info: Any, **args: Any) -> Any:
    del obj
    return resolve_root(_context(info), info.field_name, args)


def _nested(parent: Any, info: Any, **args: Any) -> Any:
    if isinstance(parent, Mapping):
        if info.field_name in parent:
            return parent[info.field_name]
        return resolve_nested(_context(info), parent, info.field_name, args)
    return None


def executable_schema(sdl: str) -> GraphQLSchema:
    """``sdl`` with the sandbox's resolvers bound (see the module docstring)."""
    schema = make_executable_schema(sdl)
    roots = [t for t in (schema.query_type, schema.mutation_type) if t is not None]
    for root in roots:
        unknown = set(root.fields) - ROOT_FIELDS
        if unknown:
            raise ValueError(f"the sandbox answers no {root.name} field {sorted(unknown)}")
        for field in root.fields.values():
            field.resolve = _root
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named in roots:
            continue
        if named.name.startswith("__"):
            continue
        for name, field in named.fields.items():
            if name in NESTED_FIELDS:
                field.resolve = _nested
    return schema


@cache
def sandbox_schema() -> GraphQLSchema:
    """The executable schema of the shipped SDL (built once)."""
    return executable_schema(load_sdl())


def _format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    del debug
    formatted: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if isinstance(original, GraphError):
        formatted["message"] = original.message
        formatted["extensions"] = {"code": original.code}
    elif original is not None and not isinstance(original, GraphQLError):
        log.error("sandbox GraphQL failure", exc_info=original)
        formatted["message"] = "internal sandbox error"
        formatted["extensions"] = {"code": "InternalError"}
    else:
        # no original error, or a GraphQLError inside (variables that do not coerce to their
        # declared types: graphql-core wraps the coercion error)
        parse = error.message.startswith("Syntax Error")
        code = "GRAPHQL_PARSE_FAILED" if parse else "GRAPHQL_VALIDATION_FAILED"
        formatted["extensions"] = {"code": code}
    return formatted


class _AriadneLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Where ariadne logs each error of a request: nowhere.

    ariadne logs *every* error (a not-found id, a syntax error) at ERROR with its traceback;
    those are answers, not failures. :func:`_format_error` sees the same errors and logs the
    unexpected ones (``InternalError``) itself, once.
    """

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        del level, msg, args, kwargs


_ARIADNE_LOG = _AriadneLog(log, {})


def execute(
    body: Any, ctx: GraphContext, schema: GraphQLSchema | None = None
) -> tuple[bool, dict[str, Any]]:
    """Run one request body (``{"query", "variables", "operationName"}``) for a caller.

    Returns ariadne's ``(success, result)``: ``success`` is false when the request could not
    be executed at all (no query, a syntax or validation error), which answers HTTP 400.
    """
    success, result = graphql_sync(
        schema or sandbox_schema(),
        body,
        context_value={CONTEXT_KEY: ctx},
        error_formatter=_format_error,
        debug=False,
        introspection=True,
        logger=_ARIADNE_LOG,
    )
    if not success and result.get("data") is None:
        # a request error (nothing executed): the GraphQL spec says no "data" entry at all
        result.pop("data", None)
    return success, result
