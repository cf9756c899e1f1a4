"""runeq's ``Patient``, ``PatientSet``, ``Device``, ``DeviceSet`` (``runeq/resources/patient.py``).

Different from runeq, deliberately:

* **A ``DeviceSet`` is keyed by ``(patient_id, device_id)``.** runeq keyed it by the short id
  alone, so two patients' devices with the same short id (two ``watch`` devices) collided and
  ``PatientSet.devices`` silently kept only the last one. ``Device.id`` stays the short id, as
  in runeq; ``DeviceSet.ids()`` yields each device's short id (repeats possible) and
  ``DeviceSet.keys()`` the ``(patient_id, device_id)`` pairs. ``get`` / ``set[...]`` /
  ``remove`` take ``(patient_id, device_id)``, the long form ``patient-<pid>,device-<id>``, or
  a bare short id, which must then name one device: if several patients have it,
  :class:`~runestream.objects.AmbiguousDeviceError` (a ``ValueError``) says which.
* **Devices are equal** when of the same patient and short id (runeq: the short id only).
* ``Patient.from_graphql`` keeps the patient id normalized (``0001``, not ``patient-0001``)
  whichever form the API answers; runeq kept the answer's form, which then no longer matched
  its devices' ``patient_id`` (normalized) or streams' ``patient_id``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import ItemBase, ItemSet
from ._errors import AmbiguousDeviceError, ItemNotFoundError
from ._frames import Kind, Schema

if TYPE_CHECKING:
    from ._hook import MetadataDataSource

__all__ = ["Device", "DeviceSet", "Patient", "PatientSet"]

DeviceKey = tuple[str, str]


class Device(ItemBase):
    """A patient's device (a sensor: neural implant, phone, wearable).

    Args:
        id: The device's short id (unique per patient; may contain ``#``, ``*``, ``_``).
        patient_id: ID of the patient the device belongs to.
        name: Human-readable name (``alias``).
        created_at: When the device was created (unix seconds).
        device_type_id: ID of the device type.
        **attributes: Other attributes (``disabled``, ``disabled_at``, ``updated_at``).
    """

    def __init__(
        self,
        id: str,
        patient_id: str,
        name: str | None,
        created_at: float | None,
        device_type_id: str | None,
        **attributes: Any,
    ) -> None:
        self.patient_id = patient_id
        self.name = name
        self.created_at = created_at
        self.device_type_id = device_type_id
        super().__init__(
            id=id,
            patient_id=patient_id,
            name=name,
            created_at=created_at,
            device_type_id=device_type_id,
            **attributes,
        )

    @property
    def key(self) -> DeviceKey:
        """``(patient_id, device_id)``: what identifies the device (its ``DeviceSet`` key)."""
        return (self.patient_id, self.id)

    @staticmethod
    def normalize_id(device_id: str) -> str:
        """The short id of a device id in any form (``patient-<pid>,device-<id>`` or bare)."""
        short = device_id.split(",")[-1]
        if short.startswith("device-"):
            short = short[7:]
        return short

    @staticmethod
    def denormalize_id(patient_id: str, device_id: str) -> str:
        """``patient-<pid>,device-<short id>``: the form GraphQL requests use."""
        return f"patient-{Patient.normalize_id(patient_id)},device-{Device.normalize_id(device_id)}"

    def __eq__(self, right: object) -> bool:
        """Equal when both are devices of the same patient with the same short id."""
        return type(self) is type(right) and self.key == right.key

    __hash__ = None

    def __repr__(self) -> str:
        """``Device(id="...", name="...", patient_id="...")``."""
        return (
            f'{type(self).__name__}(id="{self.id}", '
            f'name="{self.name}", patient_id="{self.patient_id}")'
        )

    @classmethod
    def from_graphql(
        cls,
        data: Mapping[str, Any],
        *,
        patient_id: str,
        _session: MetadataDataSource | None = None,
    ) -> Device:
        """Build from an entry of ``deviceList.devices`` in runeq's ``getPatient`` /
        ``getPatientList`` queries.

        ``data`` is ``{id, name, created_at, device_type: {id}, disabled, disabled_at,
        updated_at}`` (runeq's aliases; ``id`` is ``deviceShortId``); ``device_type`` becomes
        ``device_type_id``; other keys become attributes. ``patient_id`` may be in either form.
        """
        attrs = dict(data)
        device_type = attrs.pop("device_type", None) or {}
        attrs["device_type_id"] = device_type.get("id")
        return cls(patient_id=Patient.normalize_id(patient_id), _session=_session, **attrs)


def _parse_device_ref(ref: object) -> tuple[str | None, str]:
    """``(patient_id or None, short id)`` of a tuple, a long-form id or a bare short id."""
    if isinstance(ref, tuple) and len(ref) == 2 and all(isinstance(p, str) for p in ref):
        return Patient.normalize_id(ref[0]), Device.normalize_id(ref[1])
    if isinstance(ref, str):
        head, sep, tail = ref.partition(",")
        if sep and head.startswith("patient-") and tail.startswith("device-"):
            return Patient.normalize_id(head), tail[7:]
        return None, ref
    raise TypeError(
        f"a device is named by (patient_id, device_id), 'patient-<pid>,device-<id>' or a "
        f"short id, not {type(ref).__name__}"
    )


class DeviceSet(ItemSet[Device]):
    """A collection of devices, keyed by ``(patient_id, device_id)`` (module docstring)."""

    _item_class: ClassVar[type[ItemBase]] = Device
    _schema: ClassVar[Schema] = (
        ("patient_id", Kind.STR),
        ("name", Kind.STR),
        ("created_at", Kind.FLOAT),
        ("device_type_id", Kind.STR),
        ("disabled", Kind.BOOL),
        ("disabled_at", Kind.FLOAT),
        ("updated_at", Kind.FLOAT),
        ("id", Kind.STR),
    )

    _items: dict[Hashable, Device]

    def _key_of(self, item: Device) -> Hashable:
        return item.key

    def _key_for(self, ref: Any) -> Hashable | None:
        patient_id, short = _parse_device_ref(ref)
        if patient_id is not None:
            key = (patient_id, short)
            return key if key in self._items else None
        matches = [device.key for device in self._items.values() if device.id == short]
        if len(matches) > 1:
            raise AmbiguousDeviceError(short, [patient for patient, _ in matches])
        return matches[0] if matches else None

    def __getitem__(self, id: str | DeviceKey) -> Device | None:
        """The device named by ``id`` (see :meth:`get`), or ``None``.

        Raises:
            AmbiguousDeviceError: a bare short id that several patients' devices have.
        """
        key = self._key_for(id)
        return None if key is None else self._items[key]

    def get(self, id: str | DeviceKey) -> Device:
        """The device named by ``id``.

        Args:
            id: ``(patient_id, device_id)`` (exact), ``"patient-<pid>,device-<id>"`` (exact),
                or a bare short id (must be unique in the set).

        Raises:
            AmbiguousDeviceError: a bare short id that several patients' devices have.
            ItemNotFoundError: no such device (a ``ValueError``, as in runeq).
        """
        key = self._key_for(id)
        if key is None:
            raise ItemNotFoundError(f"DeviceSet does not contain Device with ID {id}")
        return self._items[key]

    def remove(self, *items: str | DeviceKey | Device) -> None:
        """Remove devices, given as devices or named as for :meth:`get`; absent ones are
        ignored.

        Raises:
            AmbiguousDeviceError: a bare short id that several patients' devices have
                (nothing after it is removed).
        """
        for item in items:
            key = item.key if isinstance(item, Device) else self._key_for(item)
            self._items.pop(key, None)

    def keys(self) -> Iterator[DeviceKey]:
        """Iterator over the ``(patient_id, device_id)`` keys, in set order."""
        return (device.key for device in self._items.values())


class Patient(ItemBase):
    """A patient: a person data was measured about, with their devices.

    Args:
        id: Patient ID (kept as given; :meth:`from_graphql` normalizes it).
        name: Display name (``codeName``).
        created_at: When the patient's record was created (unix seconds).
        devices: The patient's devices.
        **attributes: Other attributes.
    """

    def __init__(
        self,
        id: str,
        name: str | None,
        created_at: float | None,
        devices: DeviceSet,
        **attributes: Any,
    ) -> None:
        self.name = name
        self.created_at = created_at
        self.devices = devices
        super().__init__(id=id, name=name, created_at=created_at, devices=devices, **attributes)

    @staticmethod
    def normalize_id(patient_id: str) -> str:
        """Strip the ``patient-`` prefix, if present."""
        if patient_id.startswith("patient-"):
            patient_id = patient_id[8:]
        return patient_id

    @staticmethod
    def denormalize_id(patient_id: str) -> str:
        """Add the ``patient-`` prefix (the form GraphQL requests use)."""
        if not patient_id.startswith("patient-"):
            patient_id = f"patient-{patient_id}"
        return patient_id

    def device(self, device_id: str) -> Device:
        """The patient's device with this id (short or long form).

        Raises:
            ItemNotFoundError: the patient has no such device (a ``ValueError``, as in runeq).
        """
        short = Device.normalize_id(device_id)
        for device in self.devices:
            if device.id == short:
                return device
        raise ItemNotFoundError(f"Device not found with id: {short}")

    def to_dict(self) -> dict[str, Any]:
        """The attributes, ``devices`` as a list of device dicts."""
        attrs = dict(self._attributes)
        attrs["devices"] = self.devices.to_list()
        return attrs

    @classmethod
    def from_graphql(
        cls,
        data: Mapping[str, Any],
        *,
        more_devices: Iterable[Mapping[str, Any]] = (),
        _session: MetadataDataSource | None = None,
    ) -> Patient:
        """Build from the ``patient`` object of runeq's ``getPatient`` query (or a
        ``patientAccess`` entry's ``patient`` of ``getPatientList``).

        ``data`` is ``{id, name, created_at, deviceList: {pageInfo, devices: [...]}}`` (runeq's
        aliases); the devices are :meth:`Device.from_graphql`. ``more_devices`` are the device
        entries of the following ``deviceList`` pages, appended in order. Other keys become
        attributes. The id is normalized (module docstring).
        """
        attrs = dict(data)
        device_list = attrs.pop("deviceList", None) or {}
        patient_id = cls.normalize_id(attrs.pop("id"))
        entries = [*(device_list.get("devices") or ()), *more_devices]
        devices = DeviceSet(
            (Device.from_graphql(e, patient_id=patient_id, _session=_session) for e in entries),
            _session=_session,
        )
        return cls(id=patient_id, devices=devices, _session=_session, **attrs)


class PatientSet(ItemSet[Patient]):
    """A collection of patients."""

    _item_class: ClassVar[type[ItemBase]] = Patient
    _schema: ClassVar[Schema] = (
        ("name", Kind.STR),
        ("created_at", Kind.FLOAT),
        ("devices", Kind.OBJECT),
        ("id", Kind.STR),
    )

    @property
    def devices(self) -> DeviceSet:
        """Every device of the set's patients, in patient then device order; devices of
        different patients never replace each other (module docstring)."""
        all_devices = DeviceSet(_session=self._session)
        for patient in self._items.values():
            all_devices.update(patient.devices)
        return all_devices
