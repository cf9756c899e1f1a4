"""PEP 517 build backend: setuptools, plus an editable install that static tools can follow.

``pip install -e .`` with setuptools maps this project's three source roots (``generated/``,
``overrides/``, ``sandbox/``) with an import hook, which type checkers and IDEs cannot read: from
outside the checkout, ``mypy`` reported ``import-not-found`` for ``runestream``. This backend
builds the same editable wheel and adds one ``.pth`` file listing the source roots, a plain path
entry that ``mypy``, pyright and IDEs follow (each package ships ``py.typed``). The roots are the
``where`` of ``[tool.setuptools.packages.find]`` in ``pyproject.toml``; every other hook is
setuptools' own.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tomllib
import zipfile
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (every hook as setuptools defines it)

ROOT = Path(__file__).resolve().parent.parent
#: The path file added to the editable wheel.
PTH_NAME = "__editable__.runestream-source-roots.pth"


def source_roots() -> list[Path]:
    """The project's source roots (``[tool.setuptools.packages.find] where``), absolute."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        config = tomllib.load(handle)
    where = config["tool"]["setuptools"]["packages"]["find"]["where"]
    return [(ROOT / directory).resolve() for directory in where]


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def add_path_entries(wheel: Path, roots: list[Path]) -> None:
    """Rewrite ``wheel`` with a ``.pth`` file listing ``roots`` (its RECORD updated)."""
    pth = "".join(f"{root}\n" for root in roots).encode()
    rebuilt = wheel.with_suffix(".tmp")
    with (
        zipfile.ZipFile(wheel) as source,
        zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith(".dist-info/RECORD"):
                lines = [line for line in data.decode().splitlines() if line]
                records = [line for line in lines if not line.startswith(f"{PTH_NAME},")]
                records.insert(len(records) - 1, _record_line(PTH_NAME, pth))
                data = ("\n".join(records) + "\n").encode()
                out.writestr(PTH_NAME, pth)
            out.writestr(item, data)
    os.replace(rebuilt, wheel)


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """setuptools' editable wheel, with the source roots as a plain path entry."""
    name: str = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    add_path_entries(Path(wheel_directory) / name, source_roots())
    return name
