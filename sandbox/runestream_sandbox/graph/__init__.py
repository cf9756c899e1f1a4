"""The GraphQL metadata world (:mod:`.world`) and its query layer (:mod:`.query`).

No GraphQL binding here: the resolvers that bind these functions to the SDL come separately.
"""

from .query import (
    DEFAULT_SETTINGS,
    GraphBadRequest,
    GraphError,
    GraphNotFound,
    GraphSettings,
    GraphState,
)
from .world import WORLD, World, build_world

__all__ = [
    "DEFAULT_SETTINGS",
    "WORLD",
    "GraphBadRequest",
    "GraphError",
    "GraphNotFound",
    "GraphSettings",
    "GraphState",
    "World",
    "build_world",
]
