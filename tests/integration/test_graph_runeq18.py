"""runeq 0.18.1's metadata functions and runestream's Session, side by side against the sandbox.

Both clients talk HTTP to one sandbox's ``/graphql`` (the sandbox's small page sizes make every
list cross pages); each pair of results must be equal — same dicts (values and key order), same
ids in the same order — except where runestream is deliberately right and runeq wrong, which
each test names: ``get_stream_metadata`` of one id is a set here, and project patients page
(runeq's loop never advances past the first page, so it is compared only where one page holds
every patient, and runestream alone on a project with more).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from runeq.resources import event as runeq_event
from runeq.resources import org as runeq_org
from runeq.resources import patient as runeq_patient
from runeq.resources import project as runeq_project
from runeq.resources import stream_metadata as runeq_streams
from runeq.resources import user as runeq_user

import runestream_sandbox as rs
from runestream import Config, NotFoundError, Session
from runestream.objects import Patient
from runestream_sandbox.graph.query import DEFAULT_SETTINGS
from runestream_sandbox.graph.world import WORLD

from ._runeq import runeq_against

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

EVENTS_FROM, EVENTS_TO = 1_704_067_200.0, 1_715_299_200.0  # 2024-01-01 .. 2024-05-10, > 90 days


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def session(server: rs.SandboxServer) -> Iterator[Session]:
    config = Config(
        stream_url=server.url,
        graph_url=server.url,
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
    )
    with Session(config) as s:
        yield s


@pytest.fixture(scope="module", autouse=True)
def runeq_initialized(
    server: rs.SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    with runeq_against(server.url, tmp_path_factory.mktemp("no-aws")):
        yield


def same(ours: Any, theirs: Any, where: str = "") -> None:
    """Equal values, equal types, and the same key order in every dict."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        assert list(ours) == list(theirs), f"key order at {where or 'top'}"
        for key in theirs:
            same(ours[key], theirs[key], f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            same(a, b, f"{where}[{i}]")
    else:
        assert ours == theirs, where
        assert type(ours) is type(theirs), where


def test_current_user(session: Session) -> None:
    ours, theirs = session.user.get_current_user(), runeq_user.get_current_user()
    same(ours.to_dict(), theirs.to_dict())
    assert repr(ours) == repr(theirs)


def test_orgs_get_org_and_set_active_org(session: Session) -> None:
    ours, theirs = session.org.get_orgs(), runeq_org.get_orgs()
    assert len(WORLD.orgs) > DEFAULT_SETTINGS.membership_page_size  # several pages
    same(ours.to_list(), theirs.to_list())
    last = theirs.to_list()[-1]["id"]
    same(session.org.get_org(last).to_dict(), runeq_org.get_org(last).to_dict())
    first = theirs.to_list()[0]["id"]
    try:
        # each client's credentials share one active org in the sandbox: switch with one,
        # read with both
        same(session.org.set_active_org(last).to_dict(), runeq_org.set_active_org(last).to_dict())
        assert session.user.get_current_user().active_org_id.endswith(last + ",org")
    finally:
        runeq_org.set_active_org(first)


def test_patients_with_every_device_page(session: Session) -> None:
    ours, theirs = session.patient.get_all_patients(), runeq_patient.get_all_patients()
    assert len(WORLD.patients) > DEFAULT_SETTINGS.patient_page_size
    assert max(len(p.devices) for p in WORLD.patients) > DEFAULT_SETTINGS.device_page_size
    same(ours.to_list(), theirs.to_list())
    for ours_p, theirs_p in zip(ours, theirs, strict=True):
        same(ours_p.devices.to_list(), theirs_p.devices.to_list())
    many = max(WORLD.patients, key=lambda p: len(p.devices)).id
    same(
        session.patient.get_patient(many).devices.to_list(),
        runeq_patient.get_patient(many).devices.to_list(),
    )
    device = next(iter(theirs.devices)).id
    patient = next(iter(theirs.devices)).patient_id
    same(
        session.patient.get_device(patient, device).to_dict(),
        runeq_patient.get_device(patient, device).to_dict(),
    )
    same(
        session.patient.get_all_devices([patient]).to_list(),
        runeq_patient.get_all_devices([patient]).to_list(),
    )


def test_unknown_patient_is_not_found_in_both(session: Session) -> None:
    with pytest.raises(NotFoundError, match="patient not found"):
        session.patient.get_patient("no-such-patient")
    with pytest.raises(Exception, match="not found"):
        runeq_patient.get_patient("no-such-patient")


def test_stream_types(session: Session) -> None:
    same(
        session.stream_metadata.get_all_stream_types().to_list(),
        runeq_streams.get_all_stream_types().to_list(),
    )


def test_patient_stream_metadata_with_filters(session: Session) -> None:
    patient = rs.PATIENT_ID
    cases: list[dict[str, Any]] = [
        {},
        {"category": "vitals"},
        {"device_id": rs.WATCH_ID, "measurement": "acceleration"},
        {"measurement": "acceleration", "axis": "x"},
    ]
    for filters in cases:
        ours = session.stream_metadata.get_patient_stream_metadata(patient, **filters)
        theirs = runeq_streams.get_patient_stream_metadata(patient, **filters)
        assert len(theirs) > 0, filters
        same(ours.to_list(), theirs.to_list(), str(filters))
    everything = runeq_streams.get_patient_stream_metadata(patient)
    assert len(everything) > DEFAULT_SETTINGS.stream_page_size


def test_stream_metadata_by_ids_and_one_id_is_a_set_here(session: Session) -> None:
    ids = list(runeq_streams.get_patient_stream_metadata(rs.PATIENT_ID).ids())
    same(
        session.stream_metadata.get_stream_metadata(ids).to_list(),
        runeq_streams.get_stream_metadata(ids).to_list(),
    )
    ours = session.stream_metadata.get_stream_metadata(ids[0])
    theirs = runeq_streams.get_stream_metadata(ids[0])  # runeq: a bare StreamMetadata
    assert type(ours).__name__ == "StreamMetadataSet" and type(theirs).__name__ == "StreamMetadata"
    same(ours.to_list(), [theirs.to_dict()])


def test_projects_and_cohort_patients(session: Session) -> None:
    ours, theirs = session.project.get_projects(), runeq_project.get_projects()
    assert len(theirs) > DEFAULT_SETTINGS.project_page_size
    same(ours.to_list(), theirs.to_list())
    for project in theirs:
        same(
            session.project.get_project(project.id).to_dict(),
            runeq_project.get_project(project.id).to_dict(),
        )
        for cohort in project.cohorts:
            members = WORLD.cohorts_by_id[cohort.id].patients
            ours_c = session.project.get_cohort_patients(cohort.id)
            assert sorted(ours_c.ids()) == sorted(m.patient_id for m in members)
            if len(members) <= DEFAULT_SETTINGS.project_patient_page_size:
                same(ours_c.to_list(), runeq_project.get_cohort_patients(cohort.id).to_list())


def test_project_patients_page_to_the_end_where_runeq_loops(session: Session) -> None:
    visible = set(session.project.get_projects().ids())
    projects = [p for p in WORLD.projects if p.id in visible]
    for project in projects:
        ours = session.project.get_project_patients(project.id)
        assert sorted(ours.ids()) == sorted(p.patient_id for p in project.patients)
        assert len(set(ours.ids())) == len(ours)
        if len(project.patients) <= DEFAULT_SETTINGS.project_patient_page_size:
            theirs = runeq_project.get_project_patients(project.id)
            same(ours.to_list(), theirs.to_list())
    biggest = max(len(p.patients) for p in projects)
    assert biggest > DEFAULT_SETTINGS.project_patient_page_size  # runeq would never return


def normalized(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """runeq's event dicts with the patient id normalized (runeq keeps the form it was given;
    runestream's objects normalize ids, a deliberate difference)."""
    return [{**e, "patient_id": Patient.normalize_id(e["patient_id"])} for e in events]


def test_patient_events_over_more_than_90_days(session: Session) -> None:
    assert rs.PATIENT_ID.startswith("patient-")
    ours = session.event.get_patient_events(rs.PATIENT_ID, EVENTS_FROM, EVENTS_TO)
    theirs = runeq_event.get_patient_events(rs.PATIENT_ID, EVENTS_FROM, EVENTS_TO)
    assert len(theirs) > DEFAULT_SETTINGS.event_page_size
    assert EVENTS_TO - EVENTS_FROM > 90 * 86_400
    assert {e["patient_id"] for e in theirs.to_list()} == {rs.PATIENT_ID}
    same(ours.to_list(), normalized(theirs.to_list()))
    for name in ("activity", "medication", "symptom", "wellbeing"):
        ours_c = getattr(session.event, f"get_patient_{name}_events")(
            rs.PATIENT_ID, EVENTS_FROM, EVENTS_TO
        )
        theirs_c = getattr(runeq_event, f"get_patient_{name}_events")(
            rs.PATIENT_ID, EVENTS_FROM, EVENTS_TO
        )
        same(ours_c.to_list(), normalized(theirs_c.to_list()), name)
