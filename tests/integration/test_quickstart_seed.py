"""runeq's quickstart, run unchanged against the sandbox with only ``runeq`` -> ``runestream``.

The quickstart's code (``seeds/runeq-quickstart.txt`` of the project's shared docs, copied to
``data/``) is kept here block by block, exactly as published; a first test proves each block
appears verbatim in the seed. The second runs every block, in order, in one
fresh interpreter whose ``~/.rune/config`` points at a sandbox, after two mechanical edits:
``runeq`` becomes ``runestream`` in import lines, and the seed's placeholder ids (an org, a
project, a patient, a device; a measurement the sandbox has no stream of) and its 2022 time
ranges become the sandbox's. Nothing else is touched: ``project_patient.metrics`` (removed from
the API; an empty set with a ``DeprecationWarning`` here) and
``get_patient_metadata_dataframe()`` (runeq <= 0.14) must keep working.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import runestream_sandbox as rs
from runestream_sandbox.graph.world import WORLD

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

#: The project's shared seed (beside the checkout, where the developers' docs are) and the copy
#: kept with the tests (so CI, on a bare clone, checks the blocks too).
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "runeq-quickstart.txt"
SEED = Path(__file__).resolve().parent / "data" / "runeq-quickstart.txt"

#: The quickstart's code blocks, verbatim.
BLOCKS = [
    """from runeq import initialize

initialize()""",
    """from runeq.resources.user import get_current_user

my_user = get_current_user()
print(my_user)
print('Active Org:', my_user.active_org_name)""",
    """from runeq.resources.org import get_orgs

all_orgs = get_orgs()
for org in all_orgs:
    print(org)""",
    """from runeq.resources.org import set_active_org

org_id = "aa0c21f97d6a0593b0a247c68f015d68b787655e"
active_org = set_active_org(org_id)
print('Active Org:', active_org.name)""",
    """from runeq.resources.patient import get_all_patients

patients = get_all_patients()

for patient in patients:
    print(patient)
    for device in patient.devices:
        print(' ', device)

    print('')""",
    """import json

with open('patients.json', 'w') as f:
    json.dump(patients.to_list(), f, indent=4)""",
    """import pandas as pd

devices = patients.devices
devices_df = pd.DataFrame(devices.to_list())""",
    """from runeq.resources.project import get_project

project = get_project(project_id="example_id")
print(project.to_dict())""",
    """from runeq.resources.project import get_project_patients

project_patients = get_project_patients(project_id="example_id")

for project_patient in project_patients:
    print(project_patient)
    for metric in project_patient.metrics:
        print(' ', metric)

    print('')""",
    """from runeq.resources.project import get_project_patients

project_patients = get_project_patients(project_id="example_id")
target_patient_id = "patient_id_example"

df = project_patients[target_patient_id].get_patient_metadata_dataframe()

df""",
    """from runeq.resources.stream_metadata import get_patient_stream_metadata

patient_id = "c4bd060df1454aa0adc978985512c6e9"
patient_streams = get_patient_stream_metadata(patient_id)
print(f'Found {len(patient_streams)} streams')""",
    """# Filter for data collected from a particular device
device_id = "eb#8c31"
device_streams = patient_streams.filter(device_id=device_id)

# Filter by broad category
neural_streams = patient_streams.filter(category="neural")

# Specify multiple arguments to find streams that match
# all criteria
neural_device_streams = patient_streams.filter(
    category="neural",
    device_id=device_id,
)

# Use a custom filter function
import time

def in_last_two_weeks(stream) -> bool:
    \"\"\"Return True if stream has data in the last two weeks\"\"\"
    two_weeks_ago = time.time() - 14*24*60*60
    return stream.max_time > two_weeks_ago

recent_vitals_streams = patient_streams.filter(
    category="vitals",
    filter_function=in_last_two_weeks
)""",
    """from runeq.resources.stream_metadata import StreamMetadataSet

lfp_power_streams = patient_streams.filter(
    category="neural",
    measurement="lfp_trend_log_power",
)
tremor_streams = patient_streams.filter(
    category="symptom",
    measurement="tremor",
    stream_type_id="duration"
)

lfp_and_tremor_streams = StreamMetadataSet()
lfp_and_tremor_streams.update(lfp_power_streams)
lfp_and_tremor_streams.update(tremor_streams)""",
    """availability_df = lfp_and_tremor_streams.get_batch_availability_dataframe(
    start_time=1662000000,
    end_time=1663123000,
    resolution=3600,
    batch_operation="any",
)""",
    """stream_df = lfp_and_tremor_streams.get_stream_dataframe(
    start_time=1662499000,
    end_time=1663123000,
)""",
]

#: The seed switches to another org, then reads one of its projects.
ORG = WORLD.orgs[1]
PROJECT = next(p for p in WORLD.projects if p.org_id == ORG.id)
#: Seed placeholder -> the sandbox's value (ids, a measurement, times).
SUBSTITUTIONS = {
    '"aa0c21f97d6a0593b0a247c68f015d68b787655e"': f'"{ORG.short_id}"',
    '"example_id"': f'"{PROJECT.id}"',
    '"patient_id_example"': f'"{PROJECT.patients[1].patient_id}"',
    '"c4bd060df1454aa0adc978985512c6e9"': '"0001"',
    '"eb#8c31"': '"6*yEo_Mb2#phone"',
    '"lfp_trend_log_power"': '"band_power"',
    "1662000000": "1714521600",
    "1662499000": "1714550400",
    "1663123000": "1714557600",
}
#: Appended: what the run must have produced (checked in the same interpreter).
CHECKS = """
import warnings
assert active_org.id == org_id, active_org
assert len(patients) >= 5 and len(devices_df) == len(devices) > len(patients)
assert len(project_patients) == len(set(project_patients.ids())) >= 5
assert "project_code_name" in df.columns and list(df["id"]) == [target_patient_id]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert len(project_patients[target_patient_id].metrics) == 0
assert any(issubclass(w.category, DeprecationWarning) for w in caught)
assert len(device_streams) > 0 and len(neural_streams) == 8 and len(neural_device_streams) == 0
assert len(lfp_and_tremor_streams) == 5
assert list(availability_df.columns) == ["time", "availability"] and len(availability_df) == 10
assert stream_df["stream_id"].nunique() == 5 and len(stream_df) > 100
assert list(stream_df.columns)[0] == "time"
print("QUICKSTART OK")
"""


def _runestream_imports(code: str) -> str:
    """``runeq`` -> ``runestream`` in import lines only."""
    return re.sub(r"^(\s*)(from|import) runeq\b", r"\1\2 runestream", code, flags=re.MULTILINE)


def program() -> str:
    code = "\n\n".join(_runestream_imports(block) for block in BLOCKS)
    for placeholder, value in SUBSTITUTIONS.items():
        assert placeholder in code, placeholder
        code = code.replace(placeholder, value)
    assert "runeq" not in code.replace("runestream", "")
    return code + "\n" + CHECKS


def test_each_block_is_the_seeds_code_verbatim() -> None:
    seed = SEED.read_text(encoding="utf-8")
    for block in BLOCKS:
        assert block in seed, block.splitlines()[0]


@pytest.mark.skipif(not SHARED_SEED.is_file(), reason="the shared docs are not beside the checkout")
def test_the_copy_is_the_shared_seed() -> None:
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer() as srv:
        yield srv


def test_the_quickstart_runs_against_the_sandbox(server: rs.SandboxServer, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".rune").mkdir(parents=True)
    (home / ".rune" / "config").write_text(
        "auth_method: access_token\n"
        f"access_token_id: {rs.ACCESS_TOKEN_ID}\n"
        f"access_token_secret: {rs.ACCESS_TOKEN_SECRET}\n"
        f"stream_url: {server.url}\n"
        f"graph_url: {server.url}\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RUNE_") and "PROXY" not in k.upper()
    }
    env["HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-c", program()],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.rstrip().endswith("QUICKSTART OK")
    assert f"Active Org: {ORG.name}" in result.stdout
    assert (tmp_path / "patients.json").is_file()
