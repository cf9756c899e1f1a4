"""Where runestream.objects deliberately differs from runeq 0.18.1: each test shows runeq's
behaviour on the same input, then runestream's."""

from __future__ import annotations

import copy
import json
import warnings
from typing import Any

import pandas as pd
import pytest
from runeq.resources import event as runeq_event
from runeq.resources import org as runeq_org
from runeq.resources import patient as runeq_patient
from runeq.resources import project as runeq_project
from runeq.resources import stream_metadata as runeq_streams
from runeq.resources import user as runeq_user

from runestream import objects as ro
from runestream.core._errors import RunestreamError, ValidationError
from runestream_sandbox.graph import query as q

from . import _graph_dicts as g
from .test_objects import EVENTS_FROM, EVENTS_TO, RETRO, WEARABLES

JSON = dict[str, Any]


class CannedClient:
    """Quacks like runeq's GraphClient, answering the given responses in turn."""

    def __init__(self, *responses: JSON) -> None:
        self.responses = [copy.deepcopy(r) for r in responses]

    def execute(self, statement: str, **variables: Any) -> JSON:
        return self.responses.pop(0)


#: What runeq's get_patient_stream_metadata reads first (it checks the patient exists).
PATIENT_PAGE: JSON = {
    "patient": {"id": "0001", "name": "SBX-0001", "created_at": 1.0, "deviceList": {}}
}


@pytest.fixture
def client() -> g.RecordingClient:
    return g.RecordingClient()


# --- DeviceSet keyed by (patient, device) -------------------------------------------------------


def _twin_patients(client: g.RecordingClient) -> JSON:
    """A getPatientList page of 0001 and a '0042' with the same four device short ids."""
    start = len(client.responses)
    runeq_patient.get_patient("0001", client)
    (page,) = client.since(start)
    first = page["patient"]
    assert first["deviceList"]["pageInfo"]["endCursor"] is None
    twin = copy.deepcopy(first)
    twin["id"], twin["name"] = "0042", "SBX-0042"
    return {
        "org": {
            "patientAccessList": {
                "pageInfo": {"endCursor": None},
                "patientAccess": [{"patient": first}, {"patient": twin}],
            }
        }
    }


def _both_device_sets(client: g.RecordingClient) -> tuple[Any, ro.DeviceSet]:
    page = _twin_patients(client)
    theirs = runeq_patient.get_all_patients(CannedClient(page))
    ours = ro.PatientSet(
        ro.Patient.from_graphql(e["patient"])
        for e in page["org"]["patientAccessList"]["patientAccess"]
    )
    return theirs.devices, ours.devices


def test_two_patients_devices_with_one_short_id_do_not_collide(client: g.RecordingClient) -> None:
    theirs, ours = _both_device_sets(client)
    assert len(theirs) == 4  # runeq: 0042's devices replaced 0001's
    assert {d.patient_id for d in theirs} == {"0042"}
    assert len(ours) == 8
    assert list(ours.keys())[:2] == [("0001", "watch-0001"), ("0001", "dbs-0001")]
    assert list(ours.keys())[4] == ("0042", "watch-0001")
    assert list(ours.ids()) == [d.id for d in ours] == 2 * list(theirs.ids())  # short ids
    assert [d.id for d in ours][:4] == list(theirs.ids())  # Device.id is still the short id


def test_device_set_get_exact_and_ambiguous(client: g.RecordingClient) -> None:
    _, ours = _both_device_sets(client)
    assert ours.get(("0042", "watch-0001")).patient_id == "0042"
    assert ours.get(("patient-0001", "device-watch-0001")).patient_id == "0001"
    assert ours.get("patient-0042,device-6*yEo_Mb2#phone").key == ("0042", "6*yEo_Mb2#phone")
    assert ours[("0001", "dbs-0001")] is ours.get(("0001", "dbs-0001"))
    with pytest.raises(ro.AmbiguousDeviceError) as error:
        ours.get("watch-0001")
    assert isinstance(error.value, ValueError) and isinstance(error.value, ValidationError)
    assert error.value.patient_ids == ["0001", "0042"] and error.value.device_id == "watch-0001"
    assert "('0001', 'watch-0001')" in str(error.value)
    with pytest.raises(ro.AmbiguousDeviceError):
        ours["watch-0001"]
    with pytest.raises(ro.ItemNotFoundError, match="DeviceSet does not contain Device"):
        ours.get(("0001", "nope"))
    assert ours[("0003", "watch-0001")] is None
    with pytest.raises(TypeError, match="patient_id, device_id"):
        ours.get(42)  # type: ignore[arg-type]


def test_device_set_get_by_unique_short_id_as_runeq(client: g.RecordingClient) -> None:
    theirs, ours = g.patient_pair(client, "0001")
    device = ours.devices.get("dbs-0001")
    assert device.to_dict() == theirs.devices.get("dbs-0001").to_dict()
    _, twins = _both_device_sets(client)
    twins.remove(("0042", "dbs-0001"))
    assert twins.get("dbs-0001").patient_id == "0001"  # unique again


def test_device_set_remove(client: g.RecordingClient) -> None:
    _, ours = _both_device_sets(client)
    ours.remove(("0001", "watch-0001"), "patient-0042,device-dbs-0001", "absent")
    assert len(ours) == 6
    ours.remove(ours.get(("0042", "watch-0001")))
    assert ("0042", "watch-0001") not in set(ours.keys()) and len(ours) == 5
    with pytest.raises(ro.AmbiguousDeviceError):
        ours.remove("6*yEo_Mb2#phone")
    assert len(ours) == 5
    ours.remove(("0042", "old_watch#0001"))
    ours.remove("old_watch#0001")  # unique now: removed like runeq's remove(id)
    assert not any(d.id == "old_watch#0001" for d in ours)


def test_devices_equal_only_within_one_patient(client: g.RecordingClient) -> None:
    page = _twin_patients(client)
    a, b = (
        ro.Device.from_graphql(
            e["patient"]["deviceList"]["devices"][0], patient_id=e["patient"]["id"]
        )
        for e in page["org"]["patientAccessList"]["patientAccess"]
    )
    assert a.id == b.id and a != b
    ra = runeq_patient.Device(id="w", patient_id="1", name="", created_at=0, device_type_id="")
    rb = runeq_patient.Device(id="w", patient_id="2", name="", created_at=0, device_type_id="")
    assert ra == rb  # runeq: the short id alone
    assert a == ro.Device.from_graphql(
        page["org"]["patientAccessList"]["patientAccess"][0]["patient"]["deviceList"]["devices"][0],
        patient_id="patient-0001",
    )


# --- empty frames and stable dtypes ---------------------------------------------------------------

NONEMPTY = {
    "OrgSet": (runeq_org.OrgSet, lambda c: g.orgs_pair(c)[1]),
    "PatientSet": (runeq_patient.PatientSet, lambda c: g.patients_pair(c)[1]),
    "DeviceSet": (runeq_patient.DeviceSet, lambda c: g.patients_pair(c)[1].devices),
    "ProjectSet": (runeq_project.ProjectSet, lambda c: g.projects_pair(c)[1]),
    "CohortSet": (runeq_project.CohortSet, lambda c: g.project_pair(c, WEARABLES.id)[1].cohorts),
    "ProjectPatientMetadataSet": (
        runeq_project.ProjectPatientMetadataSet,
        lambda c: g.project_patients_pair(c, WEARABLES.id)[1],
    ),
    "StreamTypeSet": (runeq_streams.StreamTypeSet, lambda c: g.stream_types_pair(c)[1]),
    "StreamMetadataSet": (
        runeq_streams.StreamMetadataSet,
        lambda c: g.patient_streams_pair(c, "0001")[1],
    ),
    "EventSet": (
        runeq_event.EventSet,
        lambda c: g.events_pair(c, "0001", EVENTS_FROM, EVENTS_TO)[1],
    ),
}


@pytest.mark.parametrize("name", list(NONEMPTY))
def test_empty_frames_have_the_columns_and_dtypes(name: str, client: g.RecordingClient) -> None:
    runeq_cls, build = NONEMPTY[name]
    theirs_empty = runeq_cls().to_dataframe()
    full = build(client).to_dataframe()
    empty = getattr(ro, name)().to_dataframe()
    assert len(full) > 0 and len(empty) == 0
    assert isinstance(empty.index, pd.RangeIndex)
    declared = [c for c in full.columns if c in empty.columns]
    assert declared == list(empty.columns)  # the same columns, in the same order ...
    extra = [c for c in full.columns if c not in empty.columns]
    if name == "StreamMetadataSet":  # ... but for a stream's parameters
        assert extra == ["category", "measurement", "axis", *extra[3:]] and len(extra) > 3
    else:
        assert extra == []
    assert dict(empty.dtypes) == {c: full[c].dtype for c in empty.columns}
    # runeq's empty frame has no columns (EventSet: its columns, all float64)
    if name == "EventSet":
        assert list(theirs_empty.columns) == list(empty.columns)
        assert set(map(str, theirs_empty.dtypes)) == {"float64"}
        assert str(empty["start_time"].dtype) == "datetime64[ns]"
    else:
        assert list(theirs_empty.columns) == []


def test_a_column_of_missing_values_keeps_its_dtype(client: g.RecordingClient) -> None:
    theirs, ours = g.project_patients_pair(client, RETRO.id)
    assert ours.to_dataframe()["end_time"].isna().all()
    assert str(theirs.to_dataframe()["end_time"].dtype) == "object"
    assert str(ours.to_dataframe()["end_time"].dtype) == "float64"
    theirs_events, ours_events = g.events_pair(client, "0001", EVENTS_FROM, EVENTS_TO)
    notes = [e.id for e in ours_events if e.classification.get("enum") is None]
    assert notes
    only_theirs = runeq_event.EventSet(theirs_events.get(i) for i in notes).to_dataframe()
    only_ours = ro.EventSet(ours_events.get(i) for i in notes).to_dataframe()
    assert only_ours["enum"].isna().all()
    assert str(only_theirs["enum"].dtype) == "object"
    assert only_ours["enum"].dtype == pd.Series(["x"]).dtype  # text, as when it has values
    assert str(only_ours["end_time"].dtype) == "datetime64[ns]"


# --- events ---------------------------------------------------------------------------------------


def test_event_times_round_to_the_microsecond(client: g.RecordingClient) -> None:
    theirs, ours = g.events_pair(client, "0001", EVENTS_FROM, EVENTS_TO)
    a, b = ours.to_dataframe(), theirs.to_dataframe()
    for column in ("start_time", "end_time", "created_at", "updated_at"):
        assert str(a[column].dtype) == "datetime64[ns]"
        assert (a[column].dropna().dt.nanosecond == 0).all()
        assert (a[column].dropna().astype("int64") % 1000 == 0).all()
    noisy = b["start_time"].astype("datetime64[ns]").dt.nanosecond != 0
    assert noisy.any()  # runeq: float noise below the microsecond
    by_id = {e.id: e for e in ours}
    for _, row in a.iterrows():
        expected = pd.Timestamp(round(by_id[row["id"]].start_time * 1e6), unit="us")
        assert row["start_time"] == expected


def test_event_sort_is_stable(client: g.RecordingClient) -> None:
    start = len(client.responses)
    runeq_event.get_patient_events("0001", EVENTS_FROM, EVENTS_TO, client=client)
    raw = client.since(start)[0]["patient"]["eventList"]["events"][0]
    twins = []
    for i in range(8):
        twin = copy.deepcopy(raw)
        twin["id"] = f"event-{i}"
        twins.append(ro.Event.from_graphql(twin, patient_id="0001"))
    order = [3, 0, 7, 5, 1, 6, 2, 4]
    frame = ro.EventSet(twins[i] for i in order).to_dataframe()
    assert list(frame["id"]) == [f"event-{i}" for i in order]


def test_event_from_graphql_leaves_its_dict_alone_and_takes_an_object_payload(
    client: g.RecordingClient,
) -> None:
    start = len(client.responses)
    runeq_event.get_patient_events("0001", EVENTS_FROM, EVENTS_TO, client=client)
    raw = client.since(start)[0]["patient"]["eventList"]["events"][0]
    before = copy.deepcopy(raw)
    event = ro.Event.from_graphql(raw, patient_id="0001")
    assert raw == before
    runeq_event._reformat_event(raw)
    assert raw != before  # runeq edits the response in place
    as_object = {**before, "payload": json.loads(before["payload"])}
    assert ro.Event.from_graphql(as_object, patient_id="0001").payload == event.payload
    with pytest.raises(TypeError):
        runeq_event._reformat_event(copy.deepcopy(as_object))


FROM_GRAPHQL = {
    "patient": (
        lambda c: runeq_patient.get_patient("0001", c),
        "patient",
        lambda d: ro.Patient.from_graphql(d["patient"]),
    ),
    "streams": (
        lambda c: runeq_streams.get_patient_stream_metadata("0001", client=c),
        "streamList",
        lambda d: [ro.StreamMetadata.from_graphql(x) for x in d["streamList"]["streams"]],
    ),
    "projects": (
        lambda c: runeq_project.get_projects(c),
        "org",
        lambda d: [ro.Project.from_graphql(x) for x in d["org"]["projectList"]["projects"]],
    ),
    "project patients": (
        lambda c: runeq_project.get_project_patients(RETRO.id, c),
        "project",
        lambda d: [
            ro.ProjectPatientMetadata.from_graphql(x, org_id=d["project"]["organization_id"])
            for x in d["project"]["projectPatientList"]["projectPatients"]
        ],
    ),
}


@pytest.mark.parametrize("name", list(FROM_GRAPHQL))
def test_from_graphql_never_edits_its_input(name: str, client: g.RecordingClient) -> None:
    run, key, build = FROM_GRAPHQL[name]
    start = len(client.responses)
    run(client)
    responses = [r for r in client.since(start) if key in r]
    assert responses
    for response in responses:
        before = copy.deepcopy(response)
        assert build(response)
        assert response == before


# --- normalized patient ids -----------------------------------------------------------------------


def test_patient_ids_are_normalized_when_the_api_prefixes_them() -> None:
    prefixed = g.RecordingClient(settings=q.GraphSettings(prefixed_patient_ids=True))
    theirs, ours = g.patients_pair(prefixed)
    assert next(iter(theirs)).id == "patient-0001"  # runeq keeps the answer's form ...
    assert next(iter(theirs)).devices.to_list()[0]["patient_id"] == "0001"  # ... not its devices'
    assert list(ours.ids()) == [pid.removeprefix("patient-") for pid in theirs.ids()]
    patient = ours.get("0001")
    assert {d.patient_id for d in patient.devices} == {"0001"}
    t_streams, o_streams = g.patient_streams_pair(prefixed, "0001")
    assert len(t_streams.filter(patient_id=next(iter(theirs)).id)) == 0  # runeq finds none
    assert len(o_streams.filter(patient_id=patient.id)) == len(o_streams) > 0


def test_event_patient_id_is_normalized(client: g.RecordingClient) -> None:
    theirs, ours = g.events_pair(client, "patient-0001", EVENTS_FROM, EVENTS_TO)
    assert {e.patient_id for e in theirs} == {"patient-0001"}
    assert {e.patient_id for e in ours} == {"0001"}


# --- project patients -----------------------------------------------------------------------------


def _retro_page(client: g.RecordingClient) -> JSON:
    start = len(client.responses)
    runeq_project.get_project_patients(RETRO.id, client)
    (page,) = client.since(start)
    return page


def test_project_patient_without_an_access_entry_for_the_org(client: g.RecordingClient) -> None:
    page = _retro_page(client)
    entry = page["project"]["projectPatientList"]["projectPatients"][0]
    entry["patient"]["patientAccessList"]["patientAccess"][0]["org"]["id"] = "org-other,org"
    with pytest.raises(TypeError, match="start_time"):
        runeq_project.get_project_patients(RETRO.id, CannedClient(page))
    ours = ro.ProjectPatientMetadata.from_graphql(entry, org_id=page["project"]["organization_id"])
    assert ours.start_time is None and ours.end_time is None
    assert ours.project_code_name == "RETRO-001"


def test_project_patient_metrics_and_metadata_frame(client: g.RecordingClient) -> None:
    theirs, ours = g.project_patients_pair(client, WEARABLES.id)
    patient = next(iter(ours))
    assert not hasattr(next(iter(theirs)), "metrics")  # runeq 0.15+ dropped them
    with pytest.warns(DeprecationWarning, match="no longer has project metrics"):
        metrics = patient.metrics
    assert isinstance(metrics, ro.MetricSet) and len(metrics) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = patient.get_patient_metadata_dataframe()
    expected = ours.to_dataframe().iloc[[0]].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected)
    assert len(frame) == 1 and frame.loc[0, "id"] == patient.id


# --- stream parameters named like fields ----------------------------------------------------------


def test_a_parameter_named_like_a_field_does_not_overwrite_it(client: g.RecordingClient) -> None:
    start = len(client.responses)
    runeq_streams.get_patient_stream_metadata("0001", client=client)
    stream = client.since(start)[-1]["streamList"]["streams"][0]
    stream["parameters"].append({"key": "algorithm", "value": "spoofed"})
    page = {"streamList": {"pageInfo": {"endCursor": None}, "streams": [stream]}}
    theirs = runeq_streams.get_patient_stream_metadata(
        "0001", client=CannedClient(PATIENT_PAGE, page)
    )
    assert next(iter(theirs)).to_dict()["algorithm"] == "spoofed"  # runeq: overwritten
    ours = ro.StreamMetadata.from_graphql(stream)
    assert ours.algorithm == ours["algorithm"] == "phone-motion-1" != "spoofed"
    assert ours.parameters["algorithm"] == "spoofed"
    assert ours["category"] == ours.parameters["category"]  # others still flattened
    clash = copy.deepcopy(stream)
    clash["parameters"] = [{"key": "stream_type", "value": "x"}]
    with pytest.raises(TypeError, match="stream_type"):
        runeq_streams.get_patient_stream_metadata(
            "0001",
            client=CannedClient(
                PATIENT_PAGE,
                {"streamList": {"pageInfo": {"endCursor": None}, "streams": [clash]}},
            ),
        )
    assert ro.StreamMetadata.from_graphql(clash).stream_type.id == "angular_velocity"


# --- smaller fixes --------------------------------------------------------------------------------


def test_to_dict_is_a_copy(client: g.RecordingClient) -> None:
    theirs, ours = g.orgs_pair(client)
    t_org, o_org = next(iter(theirs)), next(iter(ours))
    t_org.to_dict()["name"] = "changed"
    o_org.to_dict()["name"] = "changed"
    assert t_org["name"] == "changed"  # runeq handed out its own dict
    assert o_org["name"] == o_org.name != "changed"


def test_update_adds_nothing_when_an_item_is_of_another_class(client: g.RecordingClient) -> None:
    theirs, ours = g.orgs_pair(client)
    t_user, o_user = g.user_pair(client)
    t_set, o_set = runeq_org.OrgSet(), ro.OrgSet()
    with pytest.raises(TypeError):
        t_set.update([next(iter(theirs)), t_user])
    with pytest.raises(TypeError):
        o_set.update([next(iter(ours)), o_user])  # type: ignore[list-item]
    assert len(t_set) == 1 and len(o_set) == 0


def test_a_user_without_an_active_org() -> None:
    data = {"user": {"id": "user-1,user", "created_at": 1.0, "name": "N", "email": "e"}}
    with pytest.raises(AttributeError):
        runeq_user.get_current_user(
            CannedClient({**data, "user": {**data["user"], "defaultMembership": None}})
        )
    user = ro.User.from_graphql({**data["user"], "defaultMembership": None})
    assert user.active_org_id is None and user.active_org_name is None and user.name == "N"


def test_an_org_with_null_tags() -> None:
    with pytest.raises(TypeError):
        runeq_org.Org(id="org-1,org", name="O", created_at=1.0, tags=None)
    assert (
        ro.Org.from_graphql({"id": "org-1,org", "name": "O", "created_at": 1.0, "tags": None}).tags
        == []
    )


def test_missing_item_error_is_a_runestream_value_error() -> None:
    with pytest.raises(ro.ItemNotFoundError) as error:
        ro.OrgSet().get("x")
    assert isinstance(error.value, ValueError) and isinstance(error.value, RunestreamError)
    with pytest.raises(ValueError, match="OrgSet does not contain Org with ID x"):
        runeq_org.OrgSet().get("x")


def test_pandas_is_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"runestream\[pandas\]") as error:
        ro.OrgSet().to_dataframe()
    assert "OrgSet.to_dataframe" in str(error.value)
    with pytest.raises(ImportError, match=r"EventSet\.to_dataframe"):
        ro.EventSet().to_dataframe()
    assert ro.OrgSet().to_list() == []
