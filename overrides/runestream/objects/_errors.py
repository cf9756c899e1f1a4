"""The errors the metadata objects raise, in runestream's exception tree.

``runestream.core._errors`` has no error for "this object has no session", nor for an item a set
lacks or a device short id two patients share, so they live here, derived from its classes.
Each also derives from the builtin runeq raised (or would have), so ``except ValueError`` code
written for runeq still catches them.
"""

from __future__ import annotations

from runestream.core._errors import RunestreamError, ValidationError

__all__ = ["AmbiguousDeviceError", "ItemNotFoundError", "NoSessionError"]


class NoSessionError(RunestreamError, RuntimeError):
    """A method that needs the network was called on an object no session is attached to.

    Objects fetched through a runestream session carry it; objects built by hand (or combined
    from several sessions) do not. The message names the method and the two ways out: fetch the
    objects through a session, or pass one as the method's ``stream_client=`` (``client=`` for
    :meth:`~runestream.objects.StreamMetadata.iter_stream_data`).
    """


class ItemNotFoundError(RunestreamError, ValueError):
    """A set has no item with the id asked for (runeq raised a plain ``ValueError`` here)."""


class AmbiguousDeviceError(ValidationError):
    """A bare device short id matches devices of more than one patient in a ``DeviceSet``.

    Give ``(patient_id, device_id)`` or the long form ``patient-<pid>,device-<short id>``.

    Attributes:
        device_id: The short id that was asked for.
        patient_ids: The patients that have a device with that short id, in set order.
    """

    def __init__(self, device_id: str, patient_ids: list[str]) -> None:
        super().__init__(
            f"device id {device_id!r} is ambiguous: patients {', '.join(patient_ids)} each have "
            f"a device with it; ask for (patient_id, device_id), e.g. "
            f"({patient_ids[0]!r}, {device_id!r})",
            parameter="device_id",
        )
        self.device_id = device_id
        self.patient_ids = patient_ids
