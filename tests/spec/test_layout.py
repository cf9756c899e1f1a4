"""The hand-written package's layout: its parts, their boundaries, and the names users import.

``runestream/core/`` is shared by every API and knows none of them; ``v1/`` and ``v2/`` are the
two Stream APIs and never import each other; ``cli/`` sits on top. Read from the source (``ast``),
so a new import across a boundary fails here, whatever imports it at run time.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import runestream

PACKAGE = Path(runestream.__file__).resolve().parent
#: Longest hand-written module; ``v1/_accessors.py`` is emitted by ``scripts/regenerate``.
MAX_LINES = 750
EMITTED = {"v1/_accessors.py"}
#: What each part may import from ``runestream`` (besides itself).
ALLOWED: dict[str, set[str]] = {
    "core": {"runestream._version"},
    "v1": {"runestream.core", "runestream._version"},
    "v2": {"runestream.core", "runestream._version"},
    "objects": {"runestream.core"},
    "graph": {"runestream.core", "runestream.objects"},
    # the optional Dask reads: over the sessions (and the set's metadata columns, which
    # _data_source defines), never imported by the parts below it
    "dask": {
        "runestream.core",
        "runestream.objects",
        "runestream.v2",
        "runestream.graph",
        "runestream._session_api",
        "runestream._data_source",
    },
}
#: What each loose top-level module may import from ``runestream`` (besides itself): the
#: entry points, and ``_data_source`` (the metadata objects' data frames over the V2 API),
#: which joins ``objects`` to ``v2`` and so lives above both, below ``Session``.
TOP_ALLOWED: dict[str, set[str]] = {
    # runestream.dask only inside SessionDataSource.dask_frame (the optional extra, imported
    # when StreamMetadataSet.to_dask is called)
    "_data_source": {"runestream.core", "runestream.objects", "runestream.v2", "runestream.dask"},
}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(path: Path) -> set[str]:
    """Absolute names of the ``runestream`` modules (or packages) ``path`` imports."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports_of(path.read_text(encoding="utf-8"), package)


def _imports_of(source: str, package: str) -> set[str]:
    """The ``runestream`` names a module of ``package`` with this source imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # ``from . import _x`` imports the submodule ``_x``
            found |= {f"{target}.{alias.name}" for alias in node.names if alias.name[0] == "_"}
    return {n for n in found if n == "runestream" or n.startswith("runestream.")}


def _part(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else "top"


def test_the_package_has_its_parts() -> None:
    for part in ("core", "v1", "v2", "graph", "objects", "cli", "resources", "dask"):
        assert (PACKAGE / part / "__init__.py").is_file(), part
    loose = {p.name for p in PACKAGE.glob("*.py")}
    # Only the package's entry points stay at the top: the names, Session and the default one,
    # and the one module that joins two parts (objects' frames over v2, for Session to hold).
    assert loose == {
        "__init__.py",
        "_default_session.py",
        "_session_api.py",
        "_version.py",
        "_data_source.py",
    }


@pytest.mark.parametrize("module", sorted(TOP_ALLOWED))
def test_a_top_level_module_imports_only_what_it_may(module: str) -> None:
    allowed = {f"runestream.{module}", *TOP_ALLOWED[module]}
    path = PACKAGE / f"{module}.py"
    crossing = {
        name
        for name in _imported(path)
        if not any(name == a or name.startswith(a + ".") for a in allowed)
    }
    assert not crossing, sorted(crossing)


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_a_part_imports_only_what_it_may(part: str) -> None:
    allowed = {f"runestream.{part}", *ALLOWED[part]}
    crossing = {
        f"{_module_name(path)} imports {name}"
        for path in _modules()
        if _part(path) == part
        for name in _imported(path)
        if not any(name == a or name.startswith(a + ".") for a in allowed)
    }
    assert not crossing, sorted(crossing)


def test_the_boundary_check_resolves_relative_imports() -> None:
    """The checker itself: relative imports, also inside functions, resolve to what they name."""
    source = (
        "from ..v2 import _stream\n"
        "from . import _errors\n"
        "def f():\n"
        "    from .._session_api import Session\n"
        "import runestream.cli\n"
    )
    assert _imports_of(source, "runestream.core") == {
        "runestream.v2",
        "runestream.v2._stream",
        "runestream.core",
        "runestream.core._errors",
        "runestream._session_api",
        "runestream.cli",
    }


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_hand_written_modules_stay_small(path: Path) -> None:
    rel = path.relative_to(PACKAGE).as_posix()
    if rel in EMITTED:
        pytest.skip("emitted by scripts/regenerate")
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{rel} has {lines} lines; split it by job"


def test_public_names_import_from_the_top() -> None:
    from runestream import APIError, Config, NotFoundError, Session, V1Client  # noqa: F401

    for name in runestream.__all__:
        assert getattr(runestream, name) is not None, name


@pytest.mark.parametrize(
    ("public", "home"),
    [
        ("Config", "runestream.core._config"),
        ("APIError", "runestream.core._errors"),
        ("RetryPolicy", "runestream.core._retry"),
        ("V1Client", "runestream.v1._client"),
        ("AccelAccessor", "runestream.v1._accessors"),
        ("download_session", "runestream.v1._session"),
        ("Session", "runestream._session_api"),
    ],
)
def test_public_names_are_the_parts_own(public: str, home: str) -> None:
    assert getattr(runestream, public) is getattr(importlib.import_module(home), public)


def test_v1_names_are_also_on_the_v1_package() -> None:
    import runestream.v1 as v1

    for name in v1.__all__:
        assert getattr(v1, name) is getattr(runestream, name), name
