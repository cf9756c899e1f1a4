"""runeq 0.18.1's own query functions run against the sandbox's GraphQL world, recording the
response dicts, and runestream's objects built from exactly those dicts.

Each ``*_pair`` function returns ``(runeq's result, runestream's result)``: runeq's value is what
its resource function returned; runestream's is built with the ``from_graphql`` classmethods
from deep copies of the responses runeq received (runeq edits them in place), walking them the
way runeq walks them (pages, one ``getPatient`` per patient with more devices than a page).
"""

from __future__ import annotations

import copy
from typing import Any

from runeq.resources import event as runeq_event
from runeq.resources import org as runeq_org
from runeq.resources import patient as runeq_patient
from runeq.resources import project as runeq_project
from runeq.resources import stream_metadata as runeq_streams
from runeq.resources import user as runeq_user

from runestream import objects as ro
from tests.sandbox._graph import FakeGraphClient

JSON = dict[str, Any]


class RecordingClient(FakeGraphClient):
    """A :class:`FakeGraphClient` that keeps a deep copy of every response it gives."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.responses: list[JSON] = []

    def execute(self, statement: str, **variables: Any) -> JSON:
        result = super().execute(statement, **variables)
        self.responses.append(copy.deepcopy(result))
        return result

    def since(self, start: int) -> list[JSON]:
        """The responses recorded from index ``start`` on."""
        return self.responses[start:]


def user_pair(client: RecordingClient) -> tuple[Any, ro.User]:
    start = len(client.responses)
    theirs = runeq_user.get_current_user(client)
    (response,) = client.since(start)
    return theirs, ro.User.from_graphql(response["user"])


def orgs_pair(client: RecordingClient) -> tuple[Any, ro.OrgSet]:
    start = len(client.responses)
    theirs = runeq_org.get_orgs(client)
    ours = ro.OrgSet()
    for response in client.since(start):
        for membership in response["user"]["membershipList"]["memberships"]:
            ours.add(ro.Org.from_graphql(membership["org"]))
    return theirs, ours


def _patient_from_pages(pages: list[JSON]) -> ro.Patient:
    first, *rest = pages
    more = [d for page in rest for d in page["patient"]["deviceList"]["devices"]]
    return ro.Patient.from_graphql(first["patient"], more_devices=more)


def patient_pair(client: RecordingClient, patient_id: str) -> tuple[Any, ro.Patient]:
    start = len(client.responses)
    theirs = runeq_patient.get_patient(patient_id, client)
    return theirs, _patient_from_pages(client.since(start))


def patients_pair(client: RecordingClient) -> tuple[Any, ro.PatientSet]:
    start = len(client.responses)
    theirs = runeq_patient.get_all_patients(client)
    responses = client.since(start)
    ours = ro.PatientSet()
    i = 0
    while i < len(responses):
        access_list = responses[i]["org"]["patientAccessList"]
        i += 1
        for entry in access_list["patientAccess"]:
            patient = entry["patient"]
            if patient["deviceList"]["pageInfo"]["endCursor"] is None:
                ours.add(ro.Patient.from_graphql(patient))
                continue
            # runeq fetched this patient again, page by page
            pages = []
            while i < len(responses) and "patient" in responses[i]:
                pages.append(responses[i])
                i += 1
                if pages[-1]["patient"]["deviceList"]["pageInfo"]["endCursor"] is None:
                    break
            ours.add(_patient_from_pages(pages))
    return theirs, ours


def _project(data: JSON) -> ro.Project:
    return ro.Project.from_graphql(data)


def projects_pair(client: RecordingClient) -> tuple[Any, ro.ProjectSet]:
    start = len(client.responses)
    theirs = runeq_project.get_projects(client)
    ours = ro.ProjectSet()
    for response in client.since(start):
        for project in response["org"]["projectList"]["projects"]:
            ours.add(_project(project))
    return theirs, ours


def project_pair(client: RecordingClient, project_id: str) -> tuple[Any, ro.Project]:
    start = len(client.responses)
    theirs = runeq_project.get_project(project_id, client)
    (response,) = client.since(start)
    return theirs, _project(response["project"])


def project_patients_pair(
    client: RecordingClient, project_id: str
) -> tuple[Any, ro.ProjectPatientMetadataSet]:
    """Only for projects of one page of patients: past one, runeq loops forever."""
    start = len(client.responses)
    theirs = runeq_project.get_project_patients(project_id, client)
    ours = ro.ProjectPatientMetadataSet()
    for response in client.since(start):
        project = response["project"]
        for entry in project["projectPatientList"]["projectPatients"]:
            ours.add(
                ro.ProjectPatientMetadata.from_graphql(entry, org_id=project["organization_id"])
            )
    return theirs, ours


def cohort_patients_pair(
    client: RecordingClient, cohort_id: str
) -> tuple[Any, ro.ProjectPatientMetadataSet]:
    """Only for cohorts of one page of patients (as :func:`project_patients_pair`)."""
    start = len(client.responses)
    theirs = runeq_project.get_cohort_patients(cohort_id, client)
    ours = ro.ProjectPatientMetadataSet()
    for response in client.since(start):
        cohort = response["cohort"]
        for entry in cohort["cohortPatientList"]["cohortPatients"]:
            ours.add(
                ro.ProjectPatientMetadata.from_graphql(entry, org_id=cohort["organization_id"])
            )
    return theirs, ours


def stream_types_pair(client: RecordingClient) -> tuple[Any, ro.StreamTypeSet]:
    start = len(client.responses)
    theirs = runeq_streams.get_all_stream_types(client)
    (response,) = client.since(start)
    ours = ro.StreamTypeSet(
        ro.StreamType.from_graphql(t) for t in response["streamTypeList"]["streamTypes"]
    )
    return theirs, ours


def patient_streams_pair(
    client: RecordingClient, patient_id: str, **filters: Any
) -> tuple[Any, ro.StreamMetadataSet]:
    start = len(client.responses)
    theirs = runeq_streams.get_patient_stream_metadata(patient_id, client=client, **filters)
    ours = ro.StreamMetadataSet()
    for response in client.since(start):
        if "streamList" in response:  # runeq first checks the patient exists
            for stream in response["streamList"]["streams"]:
                ours.add(ro.StreamMetadata.from_graphql(stream))
    return theirs, ours


def streams_by_ids_pair(
    client: RecordingClient, stream_ids: list[str]
) -> tuple[Any, ro.StreamMetadataSet]:
    start = len(client.responses)
    theirs = runeq_streams.get_stream_metadata(stream_ids, client=client)
    ours = ro.StreamMetadataSet()
    for response in client.since(start):
        for stream in response["streamListByIds"]["streams"]:
            ours.add(ro.StreamMetadata.from_graphql(stream))
    return theirs, ours


def events_pair(
    client: RecordingClient, patient_id: str, start_time: float, end_time: float
) -> tuple[Any, ro.EventSet]:
    start = len(client.responses)
    theirs = runeq_event.get_patient_events(patient_id, start_time, end_time, client=client)
    ours = ro.EventSet()
    for response in client.since(start):
        event_list = response["patient"]["eventList"] or {}
        for event in event_list.get("events") or ():
            ours.add(ro.Event.from_graphql(event, patient_id=patient_id))
    return theirs, ours
