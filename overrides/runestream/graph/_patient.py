"""``session.patient``: runeq 0.18's ``runeq.resources.patient``.

Differences from runeq: a patient's devices beyond the first page come from the small
``getPatientDevices`` query (runeq re-read the whole patient); ``get_all_devices`` of a list of
ids fetches the patients concurrently; ids are checked before any request.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from runestream.core._errors import ValidationError
from runestream.core._parallel import run_parallel
from runestream.objects import Device, DeviceSet, Patient, PatientSet
from runestream_graphql.fragments import DevicePage

from ._api import GraphAPI, check_id, dump, missing
from ._paging import follow_cursor

__all__ = ["PatientNamespace"]


class PatientNamespace:
    """Patients the active organization can see, and their devices."""

    def __init__(self, api: GraphAPI) -> None:
        self._api = api

    def _devices_after(self, patient_id: str, page: DevicePage | None) -> Iterator[dict[str, Any]]:
        """Every device entry: those of ``page``, then of the pages after it."""

        def fetch(cursor: str | None) -> tuple[Iterable[dict[str, Any]], str | None]:
            patient = self._api.client.get_patient_devices(
                patient_id=patient_id, cursor=cursor
            ).patient
            if patient is None:
                missing(f"patient {patient_id}")
            return _page(patient.device_list)

        yield from follow_cursor(
            fetch, what=f"the devices of patient {patient_id}", first=_page(page)
        )

    def get_patient(self, patient_id: str) -> Patient:
        """The patient with this id (either form), with all its devices.

        Raises:
            NotFoundError: The active organization has no such patient.
        """
        check_id(patient_id, "patient_id")
        patient = self._api.client.get_patient(patient_id=patient_id).patient
        if patient is None:
            missing(f"patient {patient_id}")
        return self._patient(dump(patient), patient.device_list)

    def _patient(self, data: dict[str, Any], first: DevicePage | None) -> Patient:
        """A patient from its query's dict and typed first device page (more pages fetched)."""
        devices = list(self._devices_after(data["id"], first))
        data["deviceList"] = {"pageInfo": {"endCursor": None}, "devices": []}
        return Patient.from_graphql(data, more_devices=devices, _session=self._api.source)

    def get_all_patients(self) -> PatientSet:
        """Every patient the active organization can see, each with all its devices."""

        def fetch(cursor: str | None) -> tuple[Iterable[Any], str | None]:
            org = self._api.client.get_patient_list(patient_cursor=cursor).org
            listing = org.patient_access_list if org is not None else None
            if listing is None:
                return (), None
            found = [a.patient for a in listing.patient_access or () if a and a.patient]
            return found, listing.page_info.end_cursor

        patients = []
        for patient in follow_cursor(fetch, what="patients"):
            patients.append(self._patient(dump(patient), patient.device_list))
        return PatientSet(patients, _session=self._api.source)

    def get_device(self, patient: Patient | str, device_id: str) -> Device:
        """A patient's device by its id; a patient id is fetched first."""
        check_id(device_id, "device_id")
        return self._resolve(patient).device(device_id)

    def get_patient_devices(self, patient: Patient | str) -> DeviceSet:
        """All devices of a patient (a :class:`Patient` is used as is; an id is fetched)."""
        return self._resolve(patient).devices

    def get_all_devices(self, patients: PatientSet | Sequence[str] | None = None) -> DeviceSet:
        """The devices of ``patients`` (a set, or patient ids fetched concurrently), or of
        every patient of the active organization when ``patients`` is empty or ``None``."""
        if not patients:
            return self.get_all_patients().devices
        if isinstance(patients, PatientSet):
            return patients.devices
        if isinstance(patients, str) or not isinstance(patients, Sequence):
            raise ValidationError(
                "patients must be a PatientSet or a list of patient ids, not "
                f"{type(patients).__name__}",
                parameter="patients",
            )
        ids = [check_id(p, "patients") for p in patients]
        fetched = run_parallel(ids, self.get_patient, workers=self._api.workers)
        return PatientSet(fetched, _session=self._api.source).devices

    def _resolve(self, patient: Patient | str) -> Patient:
        if isinstance(patient, Patient):
            return patient
        if isinstance(patient, str):
            return self.get_patient(patient)
        raise ValidationError(
            f"patient must be a patient id or a Patient, not {type(patient).__name__}",
            parameter="patient",
        )

    def __repr__(self) -> str:
        return "PatientNamespace()"


def _page(page: DevicePage | None) -> tuple[list[dict[str, Any]], str | None]:
    if page is None:
        return [], None
    devices = [dump(d) for d in page.devices or () if d is not None]
    return devices, page.page_info.end_cursor
