"""runeq 0.18.1's OWN metadata functions against the sandbox's ``/graphql``, over HTTP.

runeq is configured as a researcher would (``runeq.initialize(..., graph_url=sandbox)``) and
its ``user``, ``org``, ``patient``, ``project``, ``stream_metadata`` and ``event`` functions run
unchanged; every value is checked against the sandbox's world
(``runestream_sandbox.graph.world.WORLD``), not against literals. Page sizes are small, so runeq
walks several pages of every list it pages, except project/cohort patients: runeq 0.18.1 sends
their cursor as ``cursor_input`` while its query declares ``$cursorInput``, so past one page it
asks for the first page again forever. Those are tested only with a page size larger than any
project (``project_patient_page_size`` below), where one page is all there is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.metadata import version
from typing import Any

import pytest
import runeq  # the dev extra pins runeq==0.18.1
from gql.transport.exceptions import TransportQueryError
from runeq.errors import RuneError
from runeq.resources import event, org, patient, project, stream_metadata, user

import runestream_sandbox as rs
from runestream_sandbox.catalog import DATA_END_S, DATA_START_S
from runestream_sandbox.graph import GraphSettings
from runestream_sandbox.graph.route import GraphStates
from runestream_sandbox.graph.world import WORLD, Event, Patient, Stream, normalize_org_id

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.allow_hosts(["127.0.0.1"]),
    # runeq 0.18.1 calls gql's execute(variable_values=...), which gql deprecates
    pytest.mark.filterwarnings("ignore:Using variable_values:DeprecationWarning"),
]

DAY = 86_400
LAB, CLINIC = WORLD.orgs
#: Small pages so runeq crosses page boundaries; project patients in ONE page (runeq's bug).
SETTINGS = GraphSettings(
    membership_page_size=1,
    patient_page_size=2,
    device_page_size=2,
    project_page_size=1,
    project_patient_page_size=max(len(p.patients) for p in WORLD.projects) + 1,
    stream_page_size=7,
    event_page_size=9,
)


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    srv = rs.SandboxServer()
    srv.app.state.graph_states = GraphStates(SETTINGS)
    with srv:
        yield srv


@pytest.fixture(scope="module", autouse=True)
def runeq_initialized(
    server: rs.SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """runeq's global clients pointed at the sandbox; no AWS lookups leave 127.0.0.1.

    (runeq's ``Config`` builds a boto3 Cognito client whose credential lookup would ask the EC2
    metadata service: switched off, and the AWS config files pointed at nothing.)
    """
    nothing = tmp_path_factory.mktemp("no-aws") / "none"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("AWS_CONFIG_FILE", str(nothing))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nothing))
        for name in (
            "AWS_PROFILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
        ):
            mp.delenv(name, raising=False)
        runeq.initialize(
            access_token_id=rs.ACCESS_TOKEN_ID,
            access_token_secret=rs.ACCESS_TOKEN_SECRET,
            stream_url=server.url,
            graph_url=server.url,
        )
        yield


@pytest.fixture(autouse=True)
def default_org(server: rs.SandboxServer) -> Iterator[None]:
    """Each test starts at the user's default org (set_active_org must not leak)."""
    server.app.state.graph_states = GraphStates(SETTINGS)
    yield
    server.app.state.graph_states = GraphStates(SETTINGS)


def visible(o: Any) -> list[Patient]:
    return [p for p in WORLD.patients if o.id in p.org_ids()]


def test_the_runeq_is_0_18_1() -> None:
    assert version("runeq") == "0.18.1"


# --- user and orgs ----------------------------------------------------------------------------


def test_get_current_user() -> None:
    u = user.get_current_user()
    w = WORLD.user
    # runeq keeps the ids as answered (User does not normalize them)
    assert (u.id, u.name, u.get("email"), u.created_at) == (
        w.id,
        w.display_name,
        w.email,
        w.created,
    )
    assert (u.active_org_id, u.active_org_name) == (LAB.id, LAB.name)


def test_get_orgs_and_get_org() -> None:
    orgs = org.get_orgs()  # memberships page by 1: one request per org
    assert len(WORLD.user.memberships) >= 2
    assert list(orgs.ids()) == [normalize_org_id(m.org_id) for m in WORLD.user.memberships]
    for o in WORLD.orgs:
        got = org.get_org(o.id)
        assert (got.id, got.name, got.created_at, got.tags) == (
            o.short_id,
            o.name,
            o.created,
            list(o.tags),
        )
        assert orgs.get(o.short_id) == got
    with pytest.raises(ValueError, match="not found"):
        org.get_org("0" * 40)


def test_set_active_org_switches_what_runeq_sees() -> None:
    assert {p.id for p in patient.get_all_patients()} == {p.id for p in visible(LAB)}
    switched = org.set_active_org(CLINIC.short_id)
    assert (switched.id, switched.name) == (CLINIC.short_id, CLINIC.name)
    assert user.get_current_user().active_org_id == CLINIC.id
    assert {p.id for p in patient.get_all_patients()} == {p.id for p in visible(CLINIC)}
    assert list(project.get_projects().ids()) == [
        p.id for p in WORLD.projects if p.org_id == CLINIC.id
    ]
    org.set_active_org(org.get_org(LAB.short_id))  # an Org object works too
    assert user.get_current_user().active_org_id == LAB.id


# --- patients and devices ---------------------------------------------------------------------


def assert_devices(got: Any, p: Patient) -> None:
    assert sorted(got.ids()) == sorted(d.short_id for d in p.devices)
    for d in p.devices:
        dev = got.get(d.short_id)
        assert (dev.patient_id, dev.name, dev.device_type_id, dev.created_at) == (
            p.id,
            d.alias,
            d.device_type_id,
            d.created_at,
        )
        assert (dev.get("disabled"), dev.get("disabled_at"), dev.get("updated_at")) == (
            d.disabled,
            d.disabled_at,
            d.updated_at,
        )


def test_get_all_patients_pages_patients_and_devices() -> None:
    lab = visible(LAB)
    assert len(lab) > 2 * SETTINGS.patient_page_size
    assert max(len(p.devices) for p in lab) > SETTINGS.device_page_size
    patients = patient.get_all_patients()
    assert list(patients.ids()) == [p.id for p in lab]
    for p in lab:
        got = patients.get(p.id)
        assert (got.name, got.created_at) == (p.code_name, p.created_at)
        assert_devices(got.devices, p)


def test_get_patient_pages_its_devices() -> None:
    p = max(WORLD.patients, key=lambda p: len(p.devices))
    assert len(p.devices) > 2 * SETTINGS.device_page_size
    for given in (p.id, p.graph_id):
        got = patient.get_patient(given)
        assert (got.id, got.name, got.created_at) == (p.id, p.code_name, p.created_at)
        assert_devices(got.devices, p)


def test_get_all_devices_and_get_device() -> None:
    every = patient.get_all_devices()
    lab = visible(LAB)
    assert sorted(every.ids()) == sorted(d.short_id for p in lab for d in p.devices)
    two = [lab[0].graph_id, lab[2].id]
    some = patient.get_all_devices(two)
    assert sorted(some.ids()) == sorted(d.short_id for p in (lab[0], lab[2]) for d in p.devices)
    first = WORLD.patients_by_id["0001"]
    disabled = next(d for d in first.devices if d.disabled)
    dev = patient.get_device(first.graph_id, disabled.short_id)
    assert (dev.id, dev.get("disabled"), dev.get("disabled_at")) == (
        disabled.short_id,
        True,
        disabled.disabled_at,
    )
    assert patient.get_device(first.graph_id, rs.SPECIAL_DEVICE_ID).id == rs.SPECIAL_DEVICE_ID


def test_an_unknown_patient_is_a_graphql_not_found() -> None:
    with pytest.raises(TransportQueryError, match="patient not found") as info:
        patient.get_patient("patient-9999")
    assert info.value.errors is not None
    assert info.value.errors[0]["extensions"] == {"code": "NotFoundError"}


# --- projects ---------------------------------------------------------------------------------


def test_get_projects_pages_and_get_project() -> None:
    lab = sorted((p for p in WORLD.projects if p.org_id == LAB.id), key=lambda p: p.created_at)
    assert len(lab) > SETTINGS.project_page_size
    projects = project.get_projects()
    assert list(projects.ids()) == [p.id for p in lab]
    for w in lab:
        for got in (projects.get(w.id), project.get_project(w.id)):
            assert (got.title, got.status, got.type, got.get("description")) == (
                w.title,
                w.status,
                w.type,
                w.description,
            )
            assert (got.created_at, got.started_at, got.created_by, got.updated_by) == (
                w.created_at,
                w.started_at,
                w.created_by,
                w.updated_by,
            )
            assert list(got.cohorts.ids()) == [c.id for c in w.cohorts]
            for c in w.cohorts:
                cohort = got.cohorts.get(c.id)
                assert (cohort.title, cohort.created_at, cohort.updated_by) == (
                    c.title,
                    c.created_at,
                    c.updated_by,
                )


def test_project_and_cohort_patients_in_one_page() -> None:
    """Only with a page larger than the project: past one page runeq 0.18.1 loops forever."""
    for w in WORLD.projects:
        if w.org_id != LAB.id:
            continue
        assert len(w.patients) < SETTINGS.project_patient_page_size
        got = project.get_project_patients(w.id)
        assert sorted(got.ids()) == sorted(pp.patient_id for pp in w.patients)
        for pp in w.patients:
            access = next(
                a for a in WORLD.patients_by_id[pp.patient_id].access if a.org_id == w.org_id
            )
            meta = got.get(pp.patient_id)
            assert (meta.project_code_name, meta.created_at, meta.updated_by) == (
                pp.code_name,
                pp.created_at,
                pp.updated_by,
            )
            assert (meta.start_time, meta.end_time) == (access.start_time, access.end_time)
        for c in w.cohorts:
            members = project.get_cohort_patients(c.id)
            assert sorted(members.ids()) == sorted(pp.patient_id for pp in c.patients)


# --- stream metadata --------------------------------------------------------------------------


def assert_stream(got: Any, s: Stream) -> None:
    assert (got.patient_id, got.algorithm, got.created_at) == (
        s.patient_id,
        s.algorithm,
        s.created_at,
    )
    assert got.device_id == s.device_id.split(",device-", 1)[1]
    assert got.parameters == dict(s.parameters)
    assert (got.min_time, got.max_time) == (s.min_time, s.max_time)
    assert got.stream_type.id == s.stream_type.id
    assert [d.id for d in got.stream_type.dimensions] == [
        d.identifier for d in s.stream_type.dimensions
    ]


def test_get_all_stream_types() -> None:
    types = stream_metadata.get_all_stream_types()
    assert list(types.ids()) == [t.id for t in WORLD.stream_types]
    for t in WORLD.stream_types:
        got = types.get(t.id)
        assert (got.name, got.description) == (t.name, t.description)
        assert [(d.id, d.data_type, d.unit_name) for d in got.dimensions] == [
            (d.identifier, d.data_type, d.unit_name) for d in t.dimensions
        ]


def test_get_patient_stream_metadata_pages_and_filters() -> None:
    mine = [s for s in WORLD.streams if s.patient_id == "0001"]
    assert len(mine) > 2 * SETTINGS.stream_page_size
    got = stream_metadata.get_patient_stream_metadata("patient-0001")
    assert list(got.ids()) == [s.id for s in mine]
    for s in mine:
        assert_stream(got.get(s.id), s)
    # runeq's filters: device (short id, special characters), category, measurement, parameters
    phone = [s for s in mine if s.device_id.endswith(rs.SPECIAL_DEVICE_ID)]
    assert phone
    got = stream_metadata.get_patient_stream_metadata("0001", device_id=rs.SPECIAL_DEVICE_ID)
    assert list(got.ids()) == [s.id for s in phone]
    axis_x = [
        s
        for s in mine
        if dict(s.parameters).get("category") == "kinematics"
        and dict(s.parameters).get("measurement") == "acceleration"
        and dict(s.parameters).get("axis") == "x"
    ]
    got = stream_metadata.get_patient_stream_metadata(
        "0001", category="kinematics", measurement="acceleration", axis="x"
    )
    assert axis_x and list(got.ids()) == [s.id for s in axis_x]


def test_get_stream_metadata() -> None:
    s = WORLD.streams[3]
    one = stream_metadata.get_stream_metadata(s.id)  # runeq answers a single object for one id
    assert one.id == s.id
    assert_stream(one, s)
    ids = [x.id for x in WORLD.streams][::-1]  # 79 ids: one batch of <= 100
    many = stream_metadata.get_stream_metadata(ids)
    assert sorted(many.ids()) == sorted(ids)
    with pytest.raises(RuneError, match="not found"):
        stream_metadata.get_stream_metadata([s.id, "f" * 64])


def test_get_stream_metadata_in_batches_of_100() -> None:
    """Over 100 ids runeq asks in batches; the sandbox refuses any batch over 100."""
    ids = [x.id for x in WORLD.streams]
    doubled = ids + ids[:30]  # 109 ids: runeq sends 100 + 9, the repeats answered once
    assert len(doubled) > SETTINGS.max_stream_ids
    got = stream_metadata.get_stream_metadata(doubled)
    assert sorted(got.ids()) == sorted(ids)


# --- events -----------------------------------------------------------------------------------


def assert_event(got: Any, e: Event) -> None:
    assert (got.patient_id, got.start_time) == (e.patient_id, e.start_time)
    assert got.end_time == (e.end_time_max if e.end_time_max is not None else e.end_time)
    want = {"namespace": e.namespace, "category": e.category, "enum": e.enum}
    assert got.classification == want
    assert got.display_name == (e.custom_display_name or e.display_name)
    assert got.payload == json.loads(e.payload)
    assert (got.method, got.get("tags")) == (e.method, list(e.tags))
    assert (got.get("created_at"), got.get("updated_at")) == (e.created_at, e.updated_at)


def test_get_patient_events_walks_90_day_windows() -> None:
    lo, hi = float(DATA_START_S - 120 * DAY), float(DATA_END_S)
    assert hi - lo > SETTINGS.max_event_window_s  # runeq splits it into two windows
    expect = [e for e in WORLD.events_by_patient["0001"] if lo <= e.start_time < hi]
    assert len(expect) > 2 * SETTINGS.event_page_size
    assert any(e.start_time >= lo + SETTINGS.max_event_window_s for e in expect)
    events = event.get_patient_events("0001", lo, hi)
    assert sorted(events.ids()) == sorted(e.id for e in expect)
    for e in expect:
        assert_event(events.get(e.id), e)
    # each event exactly once (runeq's windows meet at start-inclusive, end-exclusive bounds)
    walked = [ev.id for ev in event._iter_events(patient_id="0001", start_time=lo, end_time=hi)]
    assert len(walked) == len(set(walked)) == len(expect)


def test_get_patient_events_with_runeqs_filters() -> None:
    lo, hi = float(DATA_START_S - 120 * DAY), float(DATA_END_S)
    got = event.get_patient_medication_events("0003", lo, hi)
    expect = [
        e
        for e in WORLD.events_by_patient["0003"]
        if lo <= e.start_time < hi and (e.namespace, e.category) == ("patient", "medication")
    ]
    assert expect and sorted(got.ids()) == sorted(e.id for e in expect)
    custom = [e for e in expect if e.custom_display_name]
    assert custom and all(got.get(e.id).display_name == e.custom_display_name for e in custom)
