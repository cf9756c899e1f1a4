"""pyproject.toml: metadata setuptools reads without a deprecation warning on every install."""

from __future__ import annotations

import os
import tomllib
import warnings
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_license_is_an_spdx_string_and_the_build_backend_understands_it() -> None:
    data = tomllib.loads(PYPROJECT.read_text())
    assert data["project"]["license"] == "MIT"  # PEP 639: an SPDX expression, not a table
    (setuptools,) = (
        Requirement(r) for r in data["build-system"]["requires"] if r.startswith("setuptools")
    )
    assert setuptools.specifier.contains(Version("77.0.0"))
    assert not setuptools.specifier.contains(Version("76.9"))  # PEP 639 came in setuptools 77


def test_setuptools_reads_the_metadata_without_warnings() -> None:
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    cwd = os.getcwd()
    os.chdir(PYPROJECT.parent)  # setuptools resolves readme and packages from here
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dist = apply_configuration(Distribution(), PYPROJECT)
    finally:
        os.chdir(cwd)
    assert dist.metadata.license_expression == "MIT"
