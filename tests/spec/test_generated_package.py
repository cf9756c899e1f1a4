"""The generated package exposes one typed module per operation, with the four call styles."""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path

import pytest

import runestream_api
from tests.spec.docs_table import DOCS

OPERATIONS = sorted(DOCS)


def module_name(path: str) -> str:
    stem = path.removeprefix("/v1/")
    resource = stem.split(".")[0]
    return f"runestream_api.api.{resource}.get_{stem.replace('.', '_')}"


@pytest.mark.parametrize("path", OPERATIONS)
def test_operation_module_has_typed_functions(path: str) -> None:
    module = importlib.import_module(module_name(path))
    for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(module, name)), name
    parameters = inspect.signature(module.sync_detailed).parameters
    documented = set(DOCS[path]) | ({"next_page_token"} if path == "/v1/span.json" else set())
    assert set(parameters) - {"client"} == documented


def test_provenance_names_generator_and_spec_hash() -> None:
    import hashlib

    root = Path(__file__).resolve().parents[2]
    provenance = json.loads((Path(runestream_api.__file__).parent / "PROVENANCE.json").read_text())
    assert provenance["generator"] == "openapi-python-client 0.29.1"
    spec_hash = hashlib.sha256((root / "spec" / "stream-api.yaml").read_bytes()).hexdigest()
    assert provenance["spec_sha256"] == spec_hash
