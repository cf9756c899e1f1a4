"""Cassettes: every GraphQL operation through ``Session``'s metadata namespaces.

Recorded from the sandbox's ``/graphql`` with its small page sizes, so the lists cross pages;
GraphQL requests match on operation name, variables and query text (whitespace aside), never on
raw bytes. Expected values come from the sandbox's synthetic world (``WORLD``), which is data
the tests import, not a server they start.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import runestream
from runestream import NotFoundError, PermissionDeniedError
from runestream.objects import Org, Patient
from runestream_sandbox.graph.query import DEFAULT_SETTINGS
from runestream_sandbox.graph.world import WORLD

from . import _world as w

pytestmark = pytest.mark.vcr

EVENTS_FROM, EVENTS_TO = 1_704_067_200.0, 1_715_299_200.0  # > 90 days: two windows
MANY_DEVICES = max(WORLD.patients, key=lambda p: len(p.devices))
ACTIVE_ORG = Org.normalize_id(WORLD.user.default_org_id)


@pytest.fixture
def session(token_config: runestream.Config) -> Iterator[runestream.Session]:
    # one request at a time, so that a recording's order is the replay's
    with runestream.Session(token_config, metadata_workers=1) as s:
        yield s


def test_user(session: runestream.Session) -> None:
    user = session.user.get_current_user()
    assert user.name == WORLD.user.display_name
    assert Org.normalize_id(user.active_org_id) == ACTIVE_ORG


def test_orgs_and_switching_back(session: runestream.Session) -> None:
    orgs = session.org.get_orgs()
    assert sorted(orgs.ids()) == sorted(o.short_id for o in WORLD.orgs)
    other = next(o for o in orgs.ids() if o != ACTIVE_ORG)
    assert session.org.set_active_org(other).id == other
    assert session.org.set_active_org(ACTIVE_ORG).id == ACTIVE_ORG


def test_patients_devices_and_one_patient(session: runestream.Session) -> None:
    patients = session.patient.get_all_patients()
    active = next(o for o in WORLD.orgs if o.short_id == ACTIVE_ORG)
    visible = [p for p in WORLD.patients if active.id in p.org_ids()]
    assert list(patients.ids()) == [p.id for p in visible]
    assert len(MANY_DEVICES.devices) > DEFAULT_SETTINGS.device_page_size
    one = session.patient.get_patient(MANY_DEVICES.id)
    assert [d.id for d in one.devices] == [d.short_id for d in MANY_DEVICES.devices]


def test_projects_and_their_patients(session: runestream.Session) -> None:
    projects = session.project.get_projects()
    assert len(projects) > DEFAULT_SETTINGS.project_page_size
    biggest = max(projects, key=lambda p: len(WORLD.projects_by_id[p.id].patients))
    expected = WORLD.projects_by_id[biggest.id]
    assert len(expected.patients) > DEFAULT_SETTINGS.project_patient_page_size
    members = session.project.get_project_patients(biggest.id)
    assert sorted(members.ids()) == sorted(p.patient_id for p in expected.patients)
    project = session.project.get_project(biggest.id)
    cohort = next(iter(project.cohorts))
    in_cohort = session.project.get_cohort_patients(cohort.id)
    assert sorted(in_cohort.ids()) == sorted(
        p.patient_id for p in WORLD.cohorts_by_id[cohort.id].patients
    )


def test_stream_types_and_stream_metadata(session: runestream.Session) -> None:
    types = session.stream_metadata.get_all_stream_types()
    assert sorted(types.ids()) == sorted(t.id for t in WORLD.stream_types)
    streams = session.stream_metadata.get_patient_stream_metadata(w.PATIENT_ID)
    assert len(streams) > DEFAULT_SETTINGS.stream_page_size
    accel = session.stream_metadata.get_patient_stream_metadata(
        w.PATIENT_ID, device_id=w.WATCH_ID, measurement="acceleration", axis="x"
    )
    assert list(accel.ids()) == [w.ACCEL_X_STREAM]
    by_id = session.stream_metadata.get_stream_metadata([w.HEART_STREAM, w.ACCEL_X_STREAM])
    assert list(by_id.ids()) == [w.HEART_STREAM, w.ACCEL_X_STREAM]


def test_events_over_two_windows(session: runestream.Session) -> None:
    events = session.event.get_patient_events(w.PATIENT_ID, EVENTS_FROM, EVENTS_TO)
    pid = Patient.normalize_id(w.PATIENT_ID)
    expected = [
        e for e in WORLD.events if e.patient_id == pid and EVENTS_FROM <= e.start_time < EVENTS_TO
    ]
    assert sorted(events.ids()) == sorted(e.id for e in expected)


def test_unknown_patient_is_not_found(session: runestream.Session) -> None:
    with pytest.raises(NotFoundError, match="patient not found") as raised:
        session.patient.get_patient("patient-9999")
    assert raised.value.error_type == "NotFoundError"


def test_a_client_key_reads_only_its_patient(key_config: runestream.Config) -> None:
    with runestream.Session(key_config) as session:
        streams = session.stream_metadata.get_patient_stream_metadata(w.PATIENT_ID)
        assert {s.patient_id for s in streams} == {Patient.normalize_id(w.PATIENT_ID)}
        with pytest.raises(PermissionDeniedError):
            session.org.get_orgs()


def test_bad_credentials_are_an_authentication_error(bad_config: runestream.Config) -> None:
    with (
        runestream.Session(bad_config) as session,
        pytest.raises(runestream.AuthenticationError) as raised,
    ):
        session.user.get_current_user()
    assert w.WRONG_SECRET not in str(raised.value) + repr(raised.value)
