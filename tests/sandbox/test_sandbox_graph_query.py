"""The GraphQL world's query layer: paging, filters, limits, not-found, org scoping, cursors."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import runestream_sandbox as rs
from runestream_sandbox.catalog import DATA_END_S, DATA_START_S
from runestream_sandbox.graph import query as q
from runestream_sandbox.graph.world import WORLD, build_world

from ._graph import walk

pytestmark = [pytest.mark.sandbox]

DAY = 86_400
LAB, CLINIC = WORLD.orgs
S = q.DEFAULT_SETTINGS


def fresh() -> q.GraphState:
    return q.GraphState.initial(WORLD)


def clinic_state() -> q.GraphState:
    st = fresh()
    q.update_default_membership(WORLD, st, CLINIC.id)
    return st


def assert_paged(
    fetch: Any,
    items_key: str,
    size: int,
    expect: list[Any],
    key: Any,
    cursor_key: str = "endCursor",
) -> None:
    """Every expected item exactly once, in order, pages of at most ``size``, > 1 page."""
    pages, cursors = walk(fetch, items_key, cursor_key)
    assert len(pages) > 1, "the list must cross a page boundary"
    assert all(0 < len(p) <= size for p in pages)
    assert all(len(p) == size for p in pages[:-1])
    got = [key(item) for page in pages for item in page]
    assert got == expect
    assert cursors[-1] is None and all(isinstance(c, str) for c in cursors[:-1])
    assert len(set(cursors[:-1])) == len(cursors) - 1


# --- paging -----------------------------------------------------------------------------------


def test_membership_list_pages_over_both_orgs() -> None:
    st = fresh()
    assert_paged(
        lambda c: q.membership_list(WORLD, st, c),
        "memberships",
        S.membership_page_size,
        [LAB.id, CLINIC.id],
        lambda m: m["org"]["id"],
    )


def test_patient_access_list_pages_over_the_active_orgs_patients() -> None:
    st = fresh()
    expect = [f"{n:04d}" for n in range(1, 10)]
    assert_paged(
        lambda c: q.patient_access_list(WORLD, st, c),
        "patientAccess",
        S.patient_page_size,
        expect,
        lambda e: e["patient"]["id"],
    )


def test_a_list_of_exactly_one_page_has_a_null_end_cursor() -> None:
    st = clinic_state()
    answer = q.patient_access_list(WORLD, st)
    assert len(answer["patientAccess"]) == S.patient_page_size == 5
    assert answer["pageInfo"]["endCursor"] is None
    clinic_project = next(p for p in WORLD.projects if p.org_id == CLINIC.id)
    assert len(clinic_project.patients) == S.project_patient_page_size
    rows = q.project_patient_list(WORLD, st, clinic_project.id)
    assert len(rows["projectPatients"]) == 5 and rows["pageInfo"]["codeNameEndCursor"] is None


def test_lists_dividing_evenly_into_pages_end_on_the_last_full_page() -> None:
    st = fresh()
    big = max(WORLD.projects, key=lambda p: len(p.patients))
    assert len(big.patients) == 9
    thirds = q.GraphSettings(project_patient_page_size=3, patient_page_size=3)
    pages, _ = walk(
        lambda c: q.project_patient_list(
            WORLD, st, big.id, None if c is None else {"codeNameCursor": c}, settings=thirds
        ),
        "projectPatients",
        "codeNameEndCursor",
    )
    assert [len(p) for p in pages] == [3, 3, 3]
    pages, _ = walk(lambda c: q.patient_access_list(WORLD, st, c, settings=thirds), "patientAccess")
    assert [len(p) for p in pages] == [3, 3, 3]


def test_device_list_pages_and_includes_disabled_devices() -> None:
    st = fresh()
    p3 = WORLD.patient("0003")
    assert p3 is not None and len(p3.devices) > S.device_page_size
    assert_paged(
        lambda c: q.device_list(WORLD, st, "patient-0003", c),
        "devices",
        S.device_page_size,
        [d.short_id for d in p3.devices],
        lambda d: d["deviceShortId"],
    )
    devices = q.device_list(WORLD, st, "0001")["devices"]
    short = {d["deviceShortId"]: d for d in devices}
    assert set(short) == {rs.WATCH_ID, rs.DBS_ID, rs.SPECIAL_DEVICE_ID, "old_watch#0001"}
    old = short["old_watch#0001"]
    assert old["disabled"] is True and isinstance(old["disabledAt"], float)
    assert short[rs.WATCH_ID]["disabled"] is False and short[rs.WATCH_ID]["disabledAt"] is None
    assert set(old) >= {"alias", "createdAt", "updatedAt", "deviceType"}
    assert old["deviceType"]["id"]


def test_project_list_pages_by_created_at_then_uuid() -> None:
    st = fresh()
    lab_projects = sorted(
        (p for p in WORLD.projects if p.org_id == LAB.id), key=lambda p: (p.created_at, p.id)
    )
    assert_paged(
        lambda c: q.project_list(WORLD, st, c),
        "projects",
        S.project_page_size,
        [p.id for p in lab_projects],
        lambda p: p["id"],
    )


def test_project_and_cohort_patients_page_by_code_name() -> None:
    st = fresh()
    big = max((p for p in WORLD.projects if p.org_id == LAB.id), key=lambda p: len(p.patients))
    assert_paged(
        lambda c: q.project_patient_list(
            WORLD, st, big.id, None if c is None else {"codeNameCursor": c}
        ),
        "projectPatients",
        S.project_patient_page_size,
        sorted(pp.code_name for pp in big.patients),
        lambda r: r["codeName"],
        "codeNameEndCursor",
    )
    cohort = max(big.cohorts, key=lambda c: len(c.patients))
    assert_paged(
        lambda c: q.cohort_patient_list(
            WORLD, st, cohort.id, None if c is None else {"codeNameCursor": c}
        ),
        "cohortPatients",
        S.project_patient_page_size,
        sorted(pp.code_name for pp in cohort.patients),
        lambda r: r["codeName"],
        "codeNameEndCursor",
    )


def test_project_patients_carry_runeqs_metadata_fields() -> None:
    st = fresh()
    big = next(p for p in WORLD.projects if p.org_id == LAB.id)
    row = q.project_patient_list(WORLD, st, big.id)["projectPatients"][0]
    assert set(row) >= {"patient", "codeName", "createdAt", "updatedAt", "createdBy", "updatedBy"}
    access = row["patient"]["patientAccessList"]["patientAccess"]
    mine = [a for a in access if a["org"]["id"] == big.org_id]
    assert len(mine) == 1 and isinstance(mine[0]["startTime"], float)
    assert "endTime" in mine[0]
    assert q.project(WORLD, st, big.id)["organizationId"] == big.org_id
    assert q.cohort(WORLD, st, big.cohorts[0].id)["organizationId"] == big.org_id


def test_stream_list_pages_over_every_visible_stream() -> None:
    st = fresh()
    assert_paged(
        lambda c: q.stream_list(WORLD, st, None, c),
        "streams",
        S.stream_page_size,
        list(rs.STREAMS),
        lambda s: s["id"],
    )


def test_event_list_pages_over_a_window() -> None:
    st = fresh()
    lo, hi = float(DATA_START_S), float(DATA_END_S)
    expect = [e.id for e in WORLD.events_by_patient["0001"] if lo <= e.start_time < hi]
    assert len(expect) > S.event_page_size
    assert_paged(
        lambda c: q.event_list(WORLD, st, "0001", lo, hi, c),
        "events",
        S.event_page_size,
        expect,
        lambda e: e["id"],
    )


def test_small_custom_page_sizes() -> None:
    st = fresh()
    tiny = q.GraphSettings(stream_page_size=1)
    pages, _ = walk(
        lambda c: q.stream_list(WORLD, st, {"patientId": "0002"}, c, settings=tiny), "streams"
    )
    assert len(pages) == len(rs.find_streams(patient_id=rs.OTHER_PATIENT_ID))


# --- cursors ----------------------------------------------------------------------------------


def test_cursors_are_stable_strings() -> None:
    a = q.stream_list(WORLD, fresh(), {"patientId": "0001"})["pageInfo"]["endCursor"]
    b = q.stream_list(build_world(), fresh(), {"patientId": "patient-0001"})["pageInfo"]
    assert isinstance(a, str) and a == b["endCursor"]


@pytest.mark.parametrize("cursor", ["", "garbage", "e30", "!!!", "eyJiIjogIngiLCAiaCI6ICJ5In0"])
def test_garbled_cursors_are_bad_requests(cursor: str) -> None:
    st = fresh()
    with pytest.raises(q.GraphBadRequest, match="cursor"):
        q.stream_list(WORLD, st, None, cursor)
    with pytest.raises(q.GraphBadRequest, match="cursor"):
        q.patient_access_list(WORLD, st, cursor)
    with pytest.raises(q.GraphBadRequest, match="cursor"):
        q.project_patient_list(WORLD, st, WORLD.projects[0].id, {"codeNameCursor": cursor})


def test_forged_or_tampered_cursors_are_bad_requests() -> None:
    st = fresh()
    forged = q.encode_cursor(q.GraphSettings(cursor_secret="other"), ("streamList",), 3)
    with pytest.raises(q.GraphBadRequest, match="invalid cursor"):
        q.stream_list(WORLD, st, None, forged)
    good = q.stream_list(WORLD, st)["pageInfo"]["endCursor"]
    tampered = good[:-3] + ("AAA" if good[-3:] != "AAA" else "BBB")
    with pytest.raises(q.GraphBadRequest):
        q.stream_list(WORLD, st, None, tampered)


def test_a_cursor_of_another_list_or_other_arguments_is_refused() -> None:
    st = fresh()
    streams = q.stream_list(WORLD, st, {"patientId": "0001"})["pageInfo"]["endCursor"]
    with pytest.raises(q.GraphBadRequest, match="does not belong"):
        q.stream_list(WORLD, st, {"patientId": "0001", "algorithm": "watch-motion-1"}, streams)
    with pytest.raises(q.GraphBadRequest, match="does not belong"):
        q.patient_access_list(WORLD, st, streams)
    events = q.event_list(WORLD, st, "0001", DATA_START_S, DATA_END_S)["pageInfo"]["endCursor"]
    with pytest.raises(q.GraphBadRequest, match="does not belong"):
        q.event_list(WORLD, st, "0001", DATA_START_S, DATA_END_S - 1, events)
    with pytest.raises(q.GraphBadRequest, match="does not belong"):
        q.event_list(WORLD, st, "0002", DATA_START_S, DATA_END_S, events)


# --- filters ----------------------------------------------------------------------------------


def ids(answer: dict[str, Any]) -> set[str]:
    return {s["id"] for s in answer["streams"]}


def all_streams(st: q.GraphState, filters: dict[str, Any]) -> set[str]:
    pages, _ = walk(lambda c: q.stream_list(WORLD, st, filters, c), "streams")
    return {s["id"] for p in pages for s in p}


def test_stream_filters_are_anded_exact_matches() -> None:
    st = fresh()
    device = "patient-0001,device-watch-0001"
    params = [
        {"key": "category", "value": "kinematics"},
        {"key": "measurement", "value": "acceleration"},
        {"key": "axis", "value": "x"},
    ]
    got = all_streams(
        st,
        {
            "patientId": "0001",
            "deviceId": device,
            "streamTypeId": "acceleration",
            "algorithm": "watch-motion-1",
            "parameters": params,
        },
    )
    want = rs.find_stream(
        patient_id=rs.PATIENT_ID, device_id=rs.WATCH_ID, measurement="acceleration", axis="x"
    )
    assert got == {want.id}
    # each filter alone selects more; together they intersect
    assert all_streams(st, {"deviceId": device}) > got
    assert all_streams(st, {"parameters": params}) == {
        s.id for s in rs.find_streams(category="kinematics", measurement="acceleration", axis="x")
    }
    # individually non-empty, jointly empty
    assert all_streams(st, {"deviceId": device, "streamTypeId": "voltage"}) == set()
    # exact matches only
    assert all_streams(st, {"algorithm": "watch-motion"}) == set()
    assert all_streams(st, {"deviceId": "watch-0001"}) == set()
    assert all_streams(st, {"parameters": [{"key": "axis", "value": "X"}]}) == set()


def test_null_filters_mean_no_filter_as_runeq_sends_them() -> None:
    st = fresh()
    runeq_style = {
        "patientId": "0002",
        "deviceId": None,
        "streamTypeId": None,
        "algorithm": None,
        "parameters": [],
    }
    assert all_streams(st, runeq_style) == {
        s.id for s in rs.find_streams(patient_id=rs.OTHER_PATIENT_ID)
    }


def test_bad_stream_filters_are_bad_requests() -> None:
    st = fresh()
    for filters in (
        {"patient": "0001"},
        {"patientId": 1},
        {"parameters": [{"key": "axis"}]},
        {"parameters": {"axis": "x"}},
    ):
        with pytest.raises(q.GraphBadRequest):
            q.stream_list(WORLD, st, filters)


def test_event_include_filters() -> None:
    st = fresh()
    lo, hi = DATA_START_S - 60 * DAY, DATA_START_S + 8 * DAY

    def kinds(filters: Any) -> Counter[str]:
        pages, _ = walk(lambda c: q.event_list(WORLD, st, "0001", lo, hi, c, filters), "events")
        return Counter(
            ".".join(x for x in e["classification"].values() if x) for p in pages for e in p
        )

    every = kinds(None)
    assert kinds([]) == every
    meds = kinds([{"namespace": "patient", "category": "medication", "enum": "*"}])
    assert set(meds) == {"patient.medication.levodopa", "patient.medication.propranolol"}
    assert meds == Counter({k: v for k, v in every.items() if ".medication." in k})
    levodopa = kinds([{"namespace": "patient", "category": "medication", "enum": "levodopa"}])
    assert set(levodopa) == {"patient.medication.levodopa"}
    # "*" also matches an event without an enum; filters are OR-ed
    both = kinds(
        [{"namespace": "patient", "category": "wellbeing", "enum": "*"}, {"namespace": "clinic"}]
    )
    assert set(both) == {"patient.wellbeing", "clinic.visit.in_person"}
    with pytest.raises(q.GraphBadRequest):
        q.event_list(WORLD, st, "0001", lo, hi, None, [{"kind": "x"}])


# --- limits -----------------------------------------------------------------------------------


def test_stream_list_by_ids_takes_at_most_100_ids() -> None:
    st = fresh()
    known = list(rs.STREAMS)
    hundred = (known * 2)[:100]
    assert len(q.stream_list_by_ids(WORLD, st, hundred)["streams"]) == len(set(hundred))
    with pytest.raises(q.GraphBadRequest, match="at most 100"):
        q.stream_list_by_ids(WORLD, st, (known * 2)[:101])


def test_stream_list_by_ids_keeps_order_and_omits_unknown_ids() -> None:
    st = fresh()
    a, b = list(rs.STREAMS)[3], list(rs.STREAMS)[40]
    answer = q.stream_list_by_ids(WORLD, st, [b, "0" * 64, a, b, None])
    assert [s["id"] for s in answer["streams"]] == [b, a]
    assert answer["pageInfo"]["endCursor"] is None
    assert q.stream_list_by_ids(WORLD, st, [])["streams"] == []


def test_event_list_refuses_more_than_90_days() -> None:
    st = fresh()
    start = DATA_START_S - 100 * DAY
    assert q.event_list(WORLD, st, "0001", start, start + 90 * DAY)["events"]
    with pytest.raises(q.GraphBadRequest, match="90 days"):
        q.event_list(WORLD, st, "0001", start, start + 90 * DAY + 1)
    with pytest.raises(q.GraphBadRequest, match="before"):
        q.event_list(WORLD, st, "0001", start, start - 1)
    with pytest.raises(q.GraphBadRequest):
        q.event_list(WORLD, st, "0001", "yesterday", start)  # type: ignore[arg-type]


def test_event_windows_are_start_inclusive_end_exclusive() -> None:
    st = fresh()
    first = WORLD.events_by_patient["0001"][0]
    t = first.start_time
    assert [e["id"] for e in q.event_list(WORLD, st, "0001", t, t + 1)["events"]] == [first.id]
    assert q.event_list(WORLD, st, "0001", t - 10, t)["events"] == []


# --- not found --------------------------------------------------------------------------------


def test_unknown_ids_are_not_found() -> None:
    st = fresh()
    for call in (
        lambda: q.patient(WORLD, st, "patient-9999"),
        lambda: q.device_list(WORLD, st, "9999"),
        lambda: q.event_list(WORLD, st, "9999", 0, 1),
        lambda: q.project(WORLD, st, "nope"),
        lambda: q.cohort(WORLD, st, "nope"),
        lambda: q.project_patient_list(WORLD, st, "nope"),
        lambda: q.cohort_patient_list(WORLD, st, "nope"),
        lambda: q.update_default_membership(WORLD, st, "org-0000,org"),
    ):
        with pytest.raises(q.GraphNotFound) as err:
            call()
        assert err.value.code == "NotFoundError" and "not found" in err.value.message
    assert q.GraphBadRequest("x").code != q.GraphNotFound.code


def test_another_orgs_resources_are_not_found() -> None:
    st = fresh()  # the lab
    clinic_project = next(p for p in WORLD.projects if p.org_id == CLINIC.id)
    with pytest.raises(q.GraphNotFound):
        q.patient(WORLD, st, "0010")
    with pytest.raises(q.GraphNotFound):
        q.project(WORLD, st, clinic_project.id)
    with pytest.raises(q.GraphNotFound):
        q.cohort(WORLD, st, clinic_project.cohorts[0].id)


# --- org scoping ------------------------------------------------------------------------------


def test_the_org_switch_changes_what_org_answers() -> None:
    st = fresh()
    assert q.org(WORLD, st)["id"] == LAB.id
    assert q.current_user(WORLD, st)["defaultMembership"]["org"]["id"] == LAB.id
    lab_patients = {e["patient"]["id"] for e in q.patient_access_list(WORLD, st)["patientAccess"]}
    lab_cursor = q.patient_access_list(WORLD, st)["pageInfo"]["endCursor"]

    answer = q.update_default_membership(WORLD, st, CLINIC.short_id)  # runeq sends Org.id
    assert answer["user"]["defaultMembership"]["org"]["id"] == CLINIC.id
    assert st.active_org_id == CLINIC.id
    assert q.org(WORLD, st) == {
        "id": CLINIC.id,
        "created": CLINIC.created,
        "displayName": CLINIC.name,
        "orgTags": [],
    }
    clinic = [e["patient"]["id"] for e in q.patient_access_list(WORLD, st)["patientAccess"]]
    assert clinic == ["0001", "0002", "0010", "0011", "0012"]
    assert set(clinic) != lab_patients
    assert q.patient(WORLD, st, "0010")["id"] == "0010"
    with pytest.raises(q.GraphNotFound):
        q.patient(WORLD, st, "0003")
    assert [p["id"] for p in q.project_list(WORLD, st)["projects"]] == [
        p.id for p in WORLD.projects if p.org_id == CLINIC.id
    ]
    # both catalogue patients are in both orgs: every stream stays visible
    assert all_streams(st, {}) == set(rs.STREAMS)
    # a cursor of the other org's list is refused
    with pytest.raises(q.GraphBadRequest, match="does not belong"):
        q.patient_access_list(WORLD, st, lab_cursor)
    # and back, with the full GraphQL id
    q.update_default_membership(WORLD, st, LAB.id)
    assert q.org(WORLD, st)["id"] == LAB.id
    # the switch is per state: another credential's state is untouched
    other = fresh()
    q.update_default_membership(WORLD, other, "org-" + CLINIC.short_id)
    assert st.active_org_id == LAB.id and other.active_org_id == CLINIC.id


def test_streams_of_patients_outside_the_active_org_are_invisible() -> None:
    # a world where a catalogue patient is seen by one org only
    import dataclasses

    only_lab = tuple(
        dataclasses.replace(p, access=tuple(a for a in p.access if a.org_id == LAB.id))
        if p.id == "0002"
        else p
        for p in WORLD.patients
    )
    world = dataclasses.replace(WORLD, patients=only_lab)
    st = q.GraphState.initial(world)
    q.update_default_membership(world, st, CLINIC.id)
    some = rs.find_streams(patient_id=rs.OTHER_PATIENT_ID)[0].id
    assert q.stream_list(world, st, {"patientId": "0002"})["streams"] == []
    assert q.stream_list_by_ids(world, st, [some])["streams"] == []
    with pytest.raises(q.GraphNotFound):
        q.patient(world, st, "0002")


def test_prefixed_patient_ids_setting() -> None:
    st = fresh()
    prefixed = q.GraphSettings(prefixed_patient_ids=True)
    assert q.patient(WORLD, st, "0001", settings=prefixed)["id"] == "patient-0001"
    assert q.patient(WORLD, st, "patient-0001")["id"] == "0001"
