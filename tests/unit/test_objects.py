"""runestream.objects beside runeq 0.18.1's own classes, built from the same GraphQL dicts.

Every pair comes from ``_graph_dicts``: runeq's resource function runs against the sandbox's
GraphQL world; runestream's objects are built with ``from_graphql`` from the very responses
runeq got. Where runestream deliberately differs, ``test_objects_fixes.py`` shows it; here the
two must agree (dicts, key order, frames, ids, order, get, filter, update/remove, repr).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from runeq.resources import common as runeq_common
from runeq.resources import stream_metadata as runeq_streams

from runestream import objects as ro
from runestream_sandbox.graph.world import WORLD

from . import _graph_dicts as g

RETRO = next(p for p in WORLD.projects if p.title == "Retrospective review")
WEARABLES = next(p for p in WORLD.projects if p.title == "Wearables feasibility")
SMALL_COHORT = next(c for c in WORLD.cohorts_by_id.values() if c.title == "Gait and balance")
EVENTS_FROM, EVENTS_TO = 1_704_067_200.0, 1_715_299_200.0  # 2024-01-01 .. 2024-05-10, > 90 days


def assert_same(ours: Any, theirs: Any, where: str = "") -> None:
    """Equal values and, for every dict inside, the same key order."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        assert list(ours) == list(theirs), f"key order at {where or 'top'}"
        for key in theirs:
            assert_same(ours[key], theirs[key], f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert ours == theirs, where
        assert type(ours) is type(theirs), where


def assert_frames_match(
    ours: pd.DataFrame, theirs: pd.DataFrame, dtype_fixes: dict[str, str] | None = None
) -> None:
    """Same columns in the same order and the same values; the same dtypes except the columns
    in ``dtype_fixes`` (column -> runestream's dtype), where runeq's must differ (and its
    values, cast to runestream's dtype, must equal runestream's)."""
    assert list(ours.columns) == list(theirs.columns)
    fixes = dtype_fixes or {}
    same = [c for c in theirs.columns if c not in fixes]
    pd.testing.assert_frame_equal(ours[same], theirs[same])
    for column, dtype in fixes.items():
        assert str(ours[column].dtype) == dtype
        assert theirs[column].dtype != ours[column].dtype, f"runeq already right: {column}"
        pd.testing.assert_series_equal(ours[column], theirs[column].astype(dtype))


@pytest.fixture
def client() -> g.RecordingClient:
    return g.RecordingClient()


# --- single items -------------------------------------------------------------------------------


def test_user(client: g.RecordingClient) -> None:
    theirs, ours = g.user_pair(client)
    assert_same(ours.to_dict(), theirs.to_dict())
    assert repr(ours) == repr(theirs)
    for attr in ("id", "name", "created_at", "active_org_id", "active_org_name"):
        assert getattr(ours, attr) == getattr(theirs, attr)
    assert ours["email"] == theirs["email"] == "sandbox.user@example.org"
    assert ours.get("nope", 7) == theirs.get("nope", 7) == 7
    assert ro.User.normalize_id(ours.id) == theirs.normalize_id(theirs.id)


def test_patient_with_more_devices_than_a_page(client: g.RecordingClient) -> None:
    theirs, ours = g.patient_pair(client, "patient-0003")
    assert len(ours.devices) == len(theirs.devices) == 7
    assert_same(ours.to_dict(), theirs.to_dict())
    assert repr(ours) == repr(theirs)
    assert [repr(d) for d in ours.devices] == [repr(d) for d in theirs.devices]
    for device_id in ("strive#0003", "patient-0003,device-aw_3*1"):
        assert_same(ours.device(device_id).to_dict(), theirs.device(device_id).to_dict())
    with pytest.raises(ValueError, match="Device not found with id: nope") as ours_error:
        ours.device("nope")
    with pytest.raises(ValueError) as their_error:
        theirs.device("nope")
    assert str(ours_error.value) == str(their_error.value)


def test_project_with_cohorts(client: g.RecordingClient) -> None:
    theirs, ours = g.project_pair(client, WEARABLES.id)
    assert len(ours.cohorts) == 1
    assert_same(ours.to_dict(), theirs.to_dict())
    assert repr(ours) == repr(theirs)
    assert [repr(c) for c in ours.cohorts] == [repr(c) for c in theirs.cohorts]
    assert ours.cohorts.to_dataframe().equals(theirs.cohorts.to_dataframe())


def test_id_helpers_agree_with_runeq() -> None:
    from runeq.resources.org import Org
    from runeq.resources.patient import Device, Patient

    for raw in ("org-abc,org", "abc", "org-abc", "abc,org"):
        assert ro.Org.normalize_id(raw) == Org.normalize_id(raw)
        assert ro.Org.denormalize_id(raw) == Org.denormalize_id(raw)
    for raw in ("patient-0001", "0001"):
        assert ro.Patient.normalize_id(raw) == Patient.normalize_id(raw)
        assert ro.Patient.denormalize_id(raw) == Patient.denormalize_id(raw)
    for raw in ("patient-0001,device-6*yEo_Mb2#phone", "device-x_1", "x#1"):
        assert ro.Device.normalize_id(raw) == Device.normalize_id(raw)
        assert ro.Device.denormalize_id("0001", raw) == Device.denormalize_id("0001", raw)


# --- sets: to_list, to_dataframe, ids, order, repr, get -------------------------------------------

PAIRS = {
    "orgs": lambda c: g.orgs_pair(c),
    "patients": lambda c: g.patients_pair(c),
    "devices": lambda c: tuple(s.devices for s in g.patients_pair(c)),
    "projects": lambda c: g.projects_pair(c),
    "project_patients": lambda c: g.project_patients_pair(c, WEARABLES.id),
    "cohort_patients": lambda c: g.cohort_patients_pair(c, SMALL_COHORT.id),
    "stream_types": lambda c: g.stream_types_pair(c),
    "patient_streams": lambda c: g.patient_streams_pair(c, "0001"),
    "streams_by_ids": lambda c: g.streams_by_ids_pair(c, [s.id for s in WORLD.streams]),
    "events": lambda c: g.events_pair(c, "0002", EVENTS_FROM, EVENTS_TO),
}


@pytest.mark.parametrize("name", list(PAIRS))
def test_sets_agree(name: str, client: g.RecordingClient) -> None:
    theirs, ours = PAIRS[name](client)
    assert len(ours) == len(theirs) > 1
    assert_same(ours.to_list(), theirs.to_list())
    assert list(ours.ids()) == list(theirs.ids())
    assert [repr(i) for i in ours] == [repr(i) for i in theirs]
    assert repr(ours) == repr(theirs)
    for item_id in list(theirs.ids())[:: max(1, len(theirs) // 5)]:
        assert_same(ours.get(item_id).to_dict(), theirs.get(item_id).to_dict())
        assert_same(ours[item_id].to_dict(), theirs[item_id].to_dict())
    assert ours["no-such-id"] is None and theirs["no-such-id"] is None
    with pytest.raises(ValueError) as ours_error:
        ours.get("no-such-id")
    with pytest.raises(ValueError) as their_error:
        theirs.get("no-such-id")
    assert str(ours_error.value) == str(their_error.value)


FRAME_PAIRS = {name: pair for name, pair in PAIRS.items() if name != "events"}
#: Where runeq's frame has a column of only ``None`` (``object``), runestream keeps the dtype.
DTYPE_FIXES = {"project_patients": {"end_time": "float64"}}


@pytest.mark.parametrize("name", list(FRAME_PAIRS))
def test_frames_agree(name: str, client: g.RecordingClient) -> None:
    theirs, ours = FRAME_PAIRS[name](client)
    assert_frames_match(ours.to_dataframe(), theirs.to_dataframe(), DTYPE_FIXES.get(name))


def test_event_frames_agree_but_for_float_noise(client: g.RecordingClient) -> None:
    theirs, ours = g.events_pair(client, "0001", EVENTS_FROM, EVENTS_TO)
    a, b = ours.to_dataframe(), theirs.to_dataframe()
    assert list(a.columns) == list(b.columns)
    assert list(a["id"]) == list(b["id"])  # the same time order
    times = ["start_time", "end_time", "created_at", "updated_at"]
    others = [c for c in b.columns if c not in times]
    pd.testing.assert_frame_equal(a[others], b[others])
    for column in times:
        gap = (a[column] - b[column].astype("datetime64[ns]")).abs()
        assert (gap.dropna() < pd.Timedelta(microseconds=1)).all(), column
        assert a[column].isna().equals(b[column].isna())


def test_two_orgs_sets_and_the_active_one(client: g.RecordingClient) -> None:
    _, ours_user = g.user_pair(client)
    theirs, ours = g.orgs_pair(client)
    active = ro.Org.normalize_id(ours_user.active_org_id or "")
    assert ours.get(active).name == theirs.get(active).name == ours_user.active_org_name


# --- set semantics --------------------------------------------------------------------------------


def _both_stream_sets(client: g.RecordingClient) -> tuple[Any, ro.StreamMetadataSet]:
    theirs, ours = g.patient_streams_pair(client, "0001")
    theirs2, ours2 = g.patient_streams_pair(client, "0002")
    theirs.update(theirs2)
    ours.update(ours2)
    return theirs, ours


def test_update_keeps_the_first_position_and_replaces_the_item(client: g.RecordingClient) -> None:
    theirs, ours = g.patient_streams_pair(client, "0001")
    order = list(ours.ids())
    t_again, o_again = g.patient_streams_pair(client, "0001")
    t_last, o_last = list(t_again)[-1], list(o_again)[-1]
    theirs.update([t_last])
    ours.update([o_last])
    assert list(ours.ids()) == list(theirs.ids()) == order
    assert ours.get(o_last.id) is o_last and theirs.get(t_last.id) is t_last
    ours.add(o_last)
    theirs.add(t_last)
    assert len(ours) == len(theirs) == len(order)


def test_add_and_update_refuse_another_class(client: g.RecordingClient) -> None:
    theirs, ours = g.patient_streams_pair(client, "0001")
    t_types, o_types = g.stream_types_pair(client)
    for target, wrong in ((theirs, next(iter(t_types))), (ours, next(iter(o_types)))):
        with pytest.raises(TypeError, match="must be type StreamMetadata"):
            target.add(wrong)
        with pytest.raises(TypeError, match="must be type StreamMetadata"):
            target.update([wrong])


def test_remove_by_id_by_item_and_absent(client: g.RecordingClient) -> None:
    theirs, ours = g.patient_streams_pair(client, "0001")
    ids = list(ours.ids())
    theirs.remove(ids[0], theirs.get(ids[1]), "absent")
    ours.remove(ids[0], ours.get(ids[1]), "absent")
    assert list(ours.ids()) == list(theirs.ids()) == ids[2:]


def test_iteration_and_len_follow_insertion(client: g.RecordingClient) -> None:
    theirs, ours = g.patient_streams_pair(client, "0001")
    reversed_theirs = runeq_streams.StreamMetadataSet(reversed(list(theirs)))
    reversed_ours = ro.StreamMetadataSet(reversed(list(ours)))
    assert list(reversed_ours.ids()) == list(reversed_theirs.ids()) == list(ours.ids())[::-1]
    assert len(reversed_ours) == len(ours)


def test_empty_sets_repr_and_len() -> None:
    for theirs, ours in (
        (runeq_streams.StreamMetadataSet(), ro.StreamMetadataSet()),
        (runeq_streams.StreamTypeSet(), ro.StreamTypeSet()),
    ):
        assert repr(ours) == repr(theirs)
        assert len(ours) == len(theirs) == 0
        assert list(ours) == list(theirs) == []


def test_item_equality_follows_runeq(client: g.RecordingClient) -> None:
    _, ours = g.patient_streams_pair(client, "0001")
    _, again = g.patient_streams_pair(client, "0001")
    a, b = next(iter(ours)), next(iter(again))
    assert a is not b and a == b
    assert a != list(again)[1]
    assert a != a.stream_type and a != "x"
    with pytest.raises(TypeError):
        hash(a)  # as runeq: items are compared by id and are not hashable
    with pytest.raises(TypeError):
        hash(runeq_common.ItemBase("x"))


# --- filter ---------------------------------------------------------------------------------------

FILTERS: dict[str, dict[str, Any]] = {
    "stream_id": {"stream_id": WORLD.streams[3].id},
    "patient_id": {"patient_id": "0002"},
    "device_id": {"device_id": "watch-0001"},
    "stream_type_id": {"stream_type_id": "acceleration"},
    "algorithm": {"algorithm": "watch-motion-1"},
    "category": {"category": "kinematics"},
    "measurement": {"measurement": "acceleration"},
    "parameter": {"axis": "x"},
    "two parameters": {"category": "kinematics", "axis": "y"},
    "AND of criteria": {"device_id": "watch-0001", "category": "kinematics", "axis": "z"},
    "no match": {"device_id": "watch-0001", "patient_id": "0002"},
    "falsy criterion ignored": {"category": "", "device_id": "watch-0001"},
    "a non-parameter attribute": {"created_at": WORLD.streams[0].created_at},
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_filter_agrees(name: str, client: g.RecordingClient) -> None:
    theirs, ours = _both_stream_sets(client)
    kwargs = FILTERS[name]
    ours_kept = ours.filter(**kwargs)
    theirs_kept = theirs.filter(**kwargs)
    assert isinstance(ours_kept, ro.StreamMetadataSet)
    assert list(ours_kept.ids()) == list(theirs_kept.ids())
    if name == "no match":
        assert len(ours_kept) == 0
    elif name == "a non-parameter attribute":
        assert len(ours_kept) == len(ours)
    else:
        assert 0 < len(ours_kept) < len(ours)
    assert len(ours) == len(theirs)  # filtering leaves the set alone


def test_filter_parameter_none_keeps_streams_without_it(client: g.RecordingClient) -> None:
    theirs, ours = _both_stream_sets(client)
    kept = ours.filter(axis=None)
    assert list(kept.ids()) == list(theirs.filter(axis=None).ids())
    assert 0 < len(kept) < len(ours)
    assert all("axis" not in s.parameters for s in kept)


def test_filter_function_and_criteria(client: g.RecordingClient) -> None:
    theirs, ours = _both_stream_sets(client)

    def late(stream: Any) -> bool:
        return bool(stream.max_time > WORLD.streams[0].max_time - 1)

    kept = ours.filter(category="kinematics", filter_function=late)
    their_kept = theirs.filter(category="kinematics", filter_function=late)
    assert list(kept.ids()) == list(their_kept.ids())
    assert 0 < len(kept) < len(ours.filter(category="kinematics"))
    assert all(late(s) and s["category"] == "kinematics" for s in kept)


def test_filter_is_exact(client: g.RecordingClient) -> None:
    theirs, ours = _both_stream_sets(client)
    assert len(ours.filter(category="kinematic")) == len(theirs.filter(category="kinematic")) == 0
    assert len(ours.filter(device_id="WATCH-0001")) == 0
