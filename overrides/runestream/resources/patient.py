"""runeq's ``runeq.resources.patient``, on the default :class:`~runestream.Session` (or
``client=``)."""

from __future__ import annotations

from collections.abc import Sequence

from .._session_api import Session
from ..graph import PatientNamespace
from ..objects import Device, DeviceSet, Patient, PatientSet
from ._choose import namespace_of

__all__ = [
    "Device",
    "DeviceSet",
    "Patient",
    "PatientSet",
    "get_all_devices",
    "get_all_patients",
    "get_device",
    "get_patient",
    "get_patient_devices",
]

_Client = Session | PatientNamespace | None


def _ns(client: _Client) -> PatientNamespace:
    return namespace_of(client, PatientNamespace, "patient")


def get_patient(patient_id: str, client: _Client = None) -> Patient:
    """One patient with its devices; see :meth:`PatientNamespace.get_patient`."""
    return _ns(client).get_patient(patient_id)


def get_all_patients(client: _Client = None) -> PatientSet:
    """Every patient of the active org; see :meth:`PatientNamespace.get_all_patients`."""
    return _ns(client).get_all_patients()


def get_device(patient: Patient | str, device_id: str, client: _Client = None) -> Device:
    """A patient's device; see :meth:`PatientNamespace.get_device`."""
    return _ns(client).get_device(patient, device_id)


def get_patient_devices(patient: Patient | str, client: _Client = None) -> DeviceSet:
    """A patient's devices; see :meth:`PatientNamespace.get_patient_devices`."""
    return _ns(client).get_patient_devices(patient)


def get_all_devices(
    patients: PatientSet | Sequence[str] | None = None, client: _Client = None
) -> DeviceSet:
    """Devices of several patients; see :meth:`PatientNamespace.get_all_devices`."""
    return _ns(client).get_all_devices(patients)
