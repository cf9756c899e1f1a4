"""runestream's runeq-style functions keep runeq 0.18.1's signatures exactly.

For every public ``get_*`` / ``set_active_org`` function of ``runeq.resources.<module>`` and
every method of runeq's ``Session`` namespaces: runestream has it, with the same parameters in
the same order, the same kinds and the same defaults. runestream may add keyword-only
parameters (``timezone_name``, ``stream_client``), never change runeq's.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from runeq.resources.session import namespaces as runeq_namespaces

import runestream

MODULES = ("user", "org", "patient", "project", "stream_metadata", "event", "stream")


def _runeq_functions() -> list[tuple[str, str]]:
    found = []
    for module in MODULES:
        theirs = importlib.import_module(f"runeq.resources.{module}")
        for name, value in vars(theirs).items():
            if (name.startswith("get_") or name == "set_active_org") and (
                inspect.isfunction(value) and value.__module__ == theirs.__name__
            ):
                found.append((module, name))
    return found


def _shape(function: Callable[..., Any], skip: frozenset[str] = frozenset()) -> list[Any]:
    return [
        (p.name, p.kind, p.default)
        for p in inspect.signature(function).parameters.values()
        if p.kind is not p.KEYWORD_ONLY and p.name not in skip
    ]


def _theirs_shape(function: Callable[..., Any], skip: frozenset[str] = frozenset()) -> list[Any]:
    return [
        (p.name, p.kind, p.default)
        for p in inspect.signature(function).parameters.values()
        if p.name not in skip
    ]


FUNCTIONS = _runeq_functions()


def test_runeq_has_the_functions_compared() -> None:
    assert len(FUNCTIONS) >= 27


@pytest.mark.parametrize(("module", "name"), FUNCTIONS, ids=[f"{m}.{n}" for m, n in FUNCTIONS])
def test_each_module_function_has_runeqs_signature(module: str, name: str) -> None:
    theirs = getattr(importlib.import_module(f"runeq.resources.{module}"), name)
    ours = getattr(importlib.import_module(f"runestream.resources.{module}"), name, None)
    assert ours is not None, f"runestream.resources.{module}.{name} is missing"
    assert _shape(ours) == _theirs_shape(theirs)


NAMESPACES = [
    (attr, cls)
    for attr, cls in (
        ("user", runeq_namespaces.UserNamespace),
        ("org", runeq_namespaces.OrgNamespace),
        ("patient", runeq_namespaces.PatientNamespace),
        ("project", runeq_namespaces.ProjectNamespace),
        ("stream_metadata", runeq_namespaces.StreamMetadataNamespace),
        ("event", runeq_namespaces.EventNamespace),
        ("stream", runeq_namespaces.StreamNamespace),
    )
]
METHODS = [
    (attr, name)
    for attr, cls in NAMESPACES
    for name, value in vars(cls).items()
    if not name.startswith("_") and inspect.isfunction(value)
]


@pytest.mark.parametrize(("attr", "name"), METHODS, ids=[f"{a}.{n}" for a, n in METHODS])
def test_each_session_namespace_method_has_runeqs_signature(attr: str, name: str) -> None:
    cls = dict(NAMESPACES)[attr]
    session = runestream.Session(runestream.Config(jwt="fake.jwt.for-signatures"))
    try:
        ours = getattr(getattr(session, attr), name, None)
        assert ours is not None, f"Session.{attr}.{name} is missing"
        assert _shape(ours) == _theirs_shape(getattr(cls, name), frozenset({"self"}))
    finally:
        session.close()
