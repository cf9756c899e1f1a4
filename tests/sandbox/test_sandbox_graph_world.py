"""The GraphQL metadata world: consistent with the V2 catalogue, ids runeq round-trips, events."""

from __future__ import annotations

import json

import pytest
from runeq.errors import RuneError
from runeq.resources import event as runeq_event
from runeq.resources import org as runeq_org
from runeq.resources import patient as runeq_patient
from runeq.resources import project as runeq_project
from runeq.resources import stream_metadata as runeq_streams
from runeq.resources import user as runeq_user
from runeq.resources.org import Org
from runeq.resources.patient import Device, Patient

import runestream_sandbox as rs
from runestream_sandbox import events as catalog_events
from runestream_sandbox.catalog import DATA_END_S, DATA_START_S
from runestream_sandbox.graph import query as q
from runestream_sandbox.graph.world import HISTORY_DAYS, WORLD, build_world
from runestream_sandbox.v2.sources import time_range

from ._graph import FakeGraphClient, walk

pytestmark = [pytest.mark.sandbox]

DAY = 86_400
LAB, CLINIC = WORLD.orgs


def test_the_world_is_deterministic() -> None:
    assert build_world() == WORLD


def test_sizes_cross_page_boundaries() -> None:
    s = q.DEFAULT_SETTINGS
    assert len(WORLD.orgs) == 2 > s.membership_page_size
    assert len(WORLD.patients) >= 10
    lab = [p for p in WORLD.patients if LAB.id in p.org_ids()]
    assert len(lab) > s.patient_page_size
    assert max(len(p.devices) for p in WORLD.patients) > s.device_page_size
    assert len([p for p in WORLD.projects if p.org_id == LAB.id]) > s.project_page_size
    assert max(len(p.patients) for p in WORLD.projects) > s.project_patient_page_size
    assert max(len(c.patients) for c in WORLD.cohorts_by_id.values()) > (
        s.project_patient_page_size
    )
    assert any(d.disabled and d.disabled_at for p in WORLD.patients for d in p.devices)


def test_only_the_catalogue_patients_have_streams() -> None:
    with_streams = {s.patient_id for s in WORLD.streams}
    assert with_streams == {"0001", "0002"}
    for p in WORLD.patients:
        assert (p.catalog_id is not None) == (p.id in with_streams)


def test_org_ids_have_the_graphql_form() -> None:
    for o in WORLD.orgs:
        assert o.id.startswith("org-") and o.id.endswith(",org")
        assert Org.normalize_id(o.id) == o.short_id and len(o.short_id) == 40
        assert Org.denormalize_id(Org.normalize_id(o.id)) == o.id
    assert {m.org_id for m in WORLD.user.memberships} == {LAB.id, CLINIC.id}
    assert WORLD.user.default_org_id == LAB.id


def test_patient_ids_round_trip_through_runeq() -> None:
    for p in WORLD.patients:
        assert Patient.denormalize_id(p.id) == p.graph_id == f"patient-{p.id}"
        assert Patient.normalize_id(p.graph_id) == p.id
        assert Patient.normalize_id(Patient.denormalize_id(p.id)) == p.id
        if p.catalog_id is not None:
            assert p.graph_id == p.catalog_id  # the catalogue's id is the GraphQL form
    st = q.GraphState.initial(WORLD)
    for pid in ("0001", "patient-0001"):
        assert q.patient(WORLD, st, pid)["id"] == "0001"


def test_device_ids_round_trip_through_runeq() -> None:
    catalog_devices = {(s.patient_id, s.device_id) for s in rs.STREAMS.values()}
    for s in WORLD.streams:
        short = Device.normalize_id(s.device_id)
        assert Device.denormalize_id(s.patient_id, short) == s.device_id
        assert Device.denormalize_id(f"patient-{s.patient_id}", short) == s.device_id
        assert (f"patient-{s.patient_id}", short) in catalog_devices
    special = [s for s in WORLD.streams if s.device_id.endswith(rs.SPECIAL_DEVICE_ID)]
    assert special and all(
        s.device_id == f"patient-0001,device-{rs.SPECIAL_DEVICE_ID}" for s in special
    )


def test_every_v2_stream_appears_in_stream_list_exactly_once() -> None:
    st = q.GraphState.initial(WORLD)
    pages, _ = walk(lambda c: q.stream_list(WORLD, st, None, c), "streams")
    listed = [s for p in pages for s in p]
    assert sorted(s["id"] for s in listed) == sorted(rs.STREAMS)
    assert len(listed) == len(rs.STREAMS) == 79
    for s in listed:
        v2 = rs.STREAMS[s["id"]]
        assert s["patientId"] == Patient.normalize_id(v2.patient_id)
        assert Device.normalize_id(s["deviceId"]) == v2.device_id
        assert s["algorithm"] == v2.algorithm
        assert {p["key"]: p["value"] for p in s["parameters"]} == v2.parameters
        assert s["streamType"]["id"] == v2.stream_type.id
        assert s["streamType"]["name"] == v2.stream_type.name
        assert s["streamType"]["description"] == v2.stream_type.description
        dims = s["streamType"]["shape"]["dimensions"]
        assert [d["identifier"] for d in dims] == [d.identifier for d in v2.stream_type.dimensions]
        assert [d["dataType"] for d in dims] == [d.data_type for d in v2.stream_type.dimensions]
        assert [d["unitAbbrev"] for d in dims] == [d.unit_abbrev for d in v2.stream_type.dimensions]
        assert (s["minTime"], s["maxTime"]) == time_range(v2)
        assert s["createdAt"] == v2.to_dict()["created_at"]


def test_stream_type_list_is_the_v2_types() -> None:
    types = q.stream_type_list(WORLD)["streamTypes"]
    assert [t["id"] for t in types] == list(rs.STREAM_TYPES)
    for t in types:
        assert t["shape"]["dimensions"][0]["identifier"] == "time"
        for d in t["shape"]["dimensions"]:
            assert set(d) == {
                "identifier",
                "dataType",
                "quantityName",
                "quantityAbbrev",
                "unitName",
                "unitAbbrev",
            }


def test_events_span_more_than_90_days() -> None:
    for p in WORLD.patients:
        events = WORLD.events_by_patient[p.id]
        assert events[-1].start_time - events[0].start_time > 90 * DAY, p.id
        assert events[0].start_time < DATA_START_S - (HISTORY_DAYS - 1) * DAY
        assert any(DATA_START_S <= e.start_time < DATA_END_S for e in events)


def test_catalogue_events_are_in_the_data_window() -> None:
    for p in WORLD.patients:
        if p.catalog_id is None:
            continue
        records = catalog_events.records(p.catalog_id)
        window = [e for e in WORLD.events_by_patient[p.id] if e.start_time >= DATA_START_S]
        assert sorted(e.start_time for e in window) == sorted(r.time for r in records)
        kinds = {f"{e.namespace}.{e.category}" + (f".{e.enum}" if e.enum else "") for e in window}
        assert kinds == {r.event_type for r in records}


def test_event_fields_are_what_runeq_reads() -> None:
    st = q.GraphState.initial(WORLD)
    e = q.event_list(WORLD, st, "0001", DATA_START_S - 100 * DAY, DATA_START_S - 40 * DAY)
    ev = e["events"][0]
    assert set(ev) >= {
        "id",
        "displayName",
        "customDetail",
        "duration",
        "payload",
        "classification",
        "tags",
        "method",
        "createdAt",
        "updatedAt",
    }
    assert set(ev["duration"]) >= {"startTime", "endTime", "endTimeMax"}
    assert isinstance(json.loads(ev["payload"]), dict)
    assert all(set(t) == {"name"} for t in ev["tags"])


def test_event_ids_are_unique() -> None:
    assert len({e.id for e in WORLD.events}) == len(WORLD.events)


# --- runeq 0.18.1's own functions against the world ------------------------------------------


def test_runeq_user_and_orgs() -> None:
    client = FakeGraphClient()
    me = runeq_user.get_current_user(client)
    assert me.active_org_id == LAB.id and me.active_org_name == LAB.name
    orgs = runeq_org.get_orgs(client)
    assert [o.id for o in orgs] == [LAB.short_id, CLINIC.short_id]
    assert client.calls == 3  # one user query, two membership pages
    active = runeq_org.set_active_org(orgs[CLINIC.short_id], client)
    assert active.id == CLINIC.short_id
    assert runeq_user.get_current_user(client).active_org_id == CLINIC.id
    assert {p.id for p in runeq_patient.get_all_patients(client)} == {
        "0001",
        "0002",
        "0010",
        "0011",
        "0012",
    }


def test_runeq_patients_devices_and_stream_filter() -> None:
    client = FakeGraphClient()
    patients = runeq_patient.get_all_patients(client)
    assert [p.id for p in patients] == [f"{n:04d}" for n in range(1, 10)]
    assert len(patients["0003"].devices) == 7  # more than a page: runeq refetched the patient
    p1 = runeq_patient.get_patient("patient-0001", client)
    assert {d.id for d in p1.devices} == {
        rs.WATCH_ID,
        rs.DBS_ID,
        rs.SPECIAL_DEVICE_ID,
        "old_watch#0001",
    }
    assert p1.device("old_watch#0001").get("disabled") is True
    streams = runeq_streams.get_patient_stream_metadata(p1.id, client=client)
    want = {s.id for s in rs.find_streams(patient_id=rs.PATIENT_ID)}
    assert set(streams.ids()) == want
    assert set(streams.filter(patient_id=p1.id).ids()) == want
    for d in p1.devices:
        assert set(streams.filter(device_id=d.id).ids()) == {
            s.id for s in rs.find_streams(patient_id=rs.PATIENT_ID, device_id=d.id)
        }
    tremor = runeq_streams.get_patient_stream_metadata(
        p1.id,
        device_id=rs.WATCH_ID,
        stream_type_id="duration",
        category="symptom",
        measurement="tremor",
        client=client,
    )
    assert list(tremor.ids()) == [
        rs.find_stream(device_id=rs.WATCH_ID, measurement="tremor", stream_type_id="duration").id
    ]


def test_runeq_stream_metadata_by_ids() -> None:
    client = FakeGraphClient()
    every = runeq_streams.get_stream_metadata(list(rs.STREAMS), client=client)
    assert sorted(every.ids()) == sorted(rs.STREAMS)
    one = next(iter(rs.STREAMS.values()))
    meta = runeq_streams.get_stream_metadata(one.id, client=client)
    assert meta.to_dict()["parameters"] == one.parameters
    assert meta.stream_type.id == one.stream_type.id
    with pytest.raises(RuneError, match="not found"):
        runeq_streams.get_stream_metadata([one.id, "f" * 64], client=client)
    assert len(runeq_streams.get_all_stream_types(client)) == len(rs.STREAM_TYPES)


def test_runeq_walks_events_in_90_day_windows() -> None:
    client = FakeGraphClient()
    start, end = DATA_START_S - 125 * DAY, DATA_END_S
    events = runeq_event.get_patient_events("0001", start, end, client=client)
    assert len(events) == len(WORLD.events_by_patient["0001"])
    df = events.to_dataframe()
    span = df["start_time"].max() - df["start_time"].min()
    assert span.days > 90
    meds = runeq_event.get_patient_medication_events("0001", start, end, client=client)
    assert len(meds) > 0 and {e.classification["category"] for e in meds} == {"medication"}
    with pytest.raises(q.GraphBadRequest, match="90 days"):
        client.execute(
            runeq_event._EVENT_GQL_QUERY,
            patient_id="0001",
            start_time=start,
            end_time=end,
            cursor=None,
        )


def test_runeq_projects_and_project_patients() -> None:
    client = FakeGraphClient()
    projects = runeq_project.get_projects(client)
    lab_projects = [p for p in WORLD.projects if p.org_id == LAB.id]
    assert {p.id for p in projects} == {p.id for p in lab_projects}
    small = next(p for p in lab_projects if 0 < len(p.patients) <= 5 and p.cohorts)
    got = runeq_project.get_project(small.id, client)
    assert [c.id for c in got.cohorts] == [c.id for c in small.cohorts]
    members = runeq_project.get_project_patients(small.id, client)
    assert {m.id for m in members} == {pp.patient_id for pp in small.patients}
    for m in members:
        p = WORLD.patients_by_id[m.id]
        access = next(a for a in p.access if a.org_id == LAB.id)
        assert (m.start_time, m.end_time) == (access.start_time, access.end_time)
    cohort = runeq_project.get_cohort_patients(small.cohorts[0].id, client)
    assert {m.id for m in cohort} == {pp.patient_id for pp in small.cohorts[0].patients}


def test_runeq_loops_on_a_project_with_more_than_one_page_of_patients() -> None:
    # runeq sends `cursor_input` while its query declares `$cursorInput`, so the cursor never
    # reaches the server (a known runeq weakness, API-FACTS-V2): the first page comes back forever
    client = FakeGraphClient(max_calls=20)
    big = max(WORLD.projects, key=lambda p: len(p.patients))
    with pytest.raises(RuntimeError, match="more than 20"):
        runeq_project.get_project_patients(big.id, client)
