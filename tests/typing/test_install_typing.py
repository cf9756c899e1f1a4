"""An installed runestream is typed for ``mypy`` run anywhere, not only inside the checkout.

``mypy --strict`` on a user's file in a directory outside the repository (no ``mypy_path``, no
project config) must see the typed accessors: a misspelt parameter fails, a correct call passes.
That needs ``py.typed`` in the packages and, for an editable install, a plain path entry (the
``.pth`` that ``scripts/build_backend.py`` adds), since mypy cannot follow import hooks.
"""

from __future__ import annotations

import base64
import hashlib
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import runestream

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_backend  # noqa: E402

BAD = """\
import runestream

client = runestream.V1Client(runestream.Config(access_token_id="i", access_token_secret="s"))
accel = client.Accel(patient_id="p", device_id="d")
accel.to_arrow(patient_idd="x")
accel.to_csv("out.csv", timestamp="isoo")
client.State(fieldz="a")
client.Event().iter_events(start_time=object())
"""

GOOD = """\
import datetime

import runestream
from runestream_api.models import TimestampFormat

client = runestream.V1Client(runestream.Config(access_token_id="i", access_token_secret="s"))
accel = client.Accel(patient_id="p", device_id="d")
table = accel.to_arrow(
    start_time="2024-05-01", end_time=datetime.datetime(2024, 5, 2), timestamp="iso", workers=2
)
accel.to_parquet("x.parquet", compression="zstd", expression="user", frequency=50, page_size=10)
accel.to_csv("x.csv", timestamp=TimestampFormat.UNIX, device_id=None)
client.LFP().points(channel=["0", 1], start_time=0, end_time=1.5)
for event in client.Event(patient_id="p").iter_events(event="patient.medication"):
    print(event.id)
"""


def _installed_from_checkout() -> bool:
    return Path(runestream.__file__).resolve().is_relative_to(ROOT)


def test_mypy_outside_the_checkout_sees_the_typed_accessors(tmp_path: Path) -> None:
    work = tmp_path / "user-project"
    work.mkdir()
    (work / "bad.py").write_text(BAD)
    (work / "good.py").write_text(GOOD)
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "c"),
            "bad.py",
            "good.py",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "import-not-found" not in output and "import-untyped" not in output, output
    assert result.returncode == 1, output
    errors = [line for line in output.splitlines() if ": error:" in line]
    assert all(line.startswith("bad.py:") for line in errors), output
    assert 'bad.py:5: error: Unexpected keyword argument "patient_idd" for "to_arrow"' in output
    assert 'did you mean "patient_id"?' in output
    assert 'bad.py:6: error: Argument "timestamp" to "to_csv"' in output
    assert 'bad.py:7: error: Unexpected keyword argument "fieldz" for "State"' in output
    assert 'bad.py:8: error: Argument "start_time" to "iter_events"' in output
    assert len(errors) == 4, output


def test_editable_install_carries_a_plain_path_entry_to_the_source_roots() -> None:
    if not _installed_from_checkout():
        pytest.skip("runestream is not installed editable from this checkout")
    entries: set[Path] = set()
    for directory in site.getsitepackages():
        for pth in Path(directory).glob("*.pth"):
            for line in pth.read_text().splitlines():
                if line and not line.startswith(("#", "import ")):
                    entries.add(Path(line).resolve())
    assert set(build_backend.source_roots()) <= entries
    for package in ("runestream_api", "runestream", "runestream_sandbox"):
        assert any((root / package / "py.typed").is_file() for root in build_backend.source_roots())


def test_backend_adds_the_pth_to_the_wheel_and_its_record(tmp_path: Path) -> None:
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as out:
        out.writestr("demo.py", "x = 1\n")
        out.writestr("demo-1.0.dist-info/METADATA", "Name: demo\n")
        record = "demo.py,sha256=abc,6\ndemo-1.0.dist-info/RECORD,,\n"
        out.writestr("demo-1.0.dist-info/RECORD", record)
    roots = [tmp_path / "a", tmp_path / "b"]
    build_backend.add_path_entries(wheel, roots)
    with zipfile.ZipFile(wheel) as result:
        pth = result.read(build_backend.PTH_NAME)
        record = result.read("demo-1.0.dist-info/RECORD").decode().splitlines()
        assert result.read("demo.py") == b"x = 1\n"
    assert pth.decode().splitlines() == [str(r) for r in roots]
    digest = base64.urlsafe_b64encode(hashlib.sha256(pth).digest()).rstrip(b"=").decode()
    assert f"{build_backend.PTH_NAME},sha256={digest},{len(pth)}" in record
    assert record[-1] == "demo-1.0.dist-info/RECORD,,"


def test_the_wheel_ships_py_typed_and_the_generated_typed_modules(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("runestream-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "runestream/py.typed",
        "runestream_api/py.typed",
        "runestream_sandbox/py.typed",
        "runestream/v1/_accessors.py",
        "runestream_api/params.py",
    ):
        assert name in names, name
    assert not any(name.endswith(".pth") for name in names)  # only editable installs get one
