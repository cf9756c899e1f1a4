"""runeq's ``Project`` / ``ProjectSet``, ``Cohort`` / ``CohortSet`` and
``ProjectPatientMetadata`` / ``ProjectPatientMetadataSet`` (``runeq/resources/project.py``).

Different from runeq, deliberately:

* ``ProjectPatientMetadata.from_graphql`` gives ``start_time`` / ``end_time`` ``None`` when the
  patient has no access entry for the project's org (runeq's constructor call then failed with
  ``TypeError``), and keeps the patient id normalized.
* Kept from runeq <= 0.14, which the quickstart still uses: ``ProjectPatientMetadata.metrics``
  is an empty :class:`MetricSet` with a ``DeprecationWarning`` (the API dropped metrics; runeq
  0.15 removed them), and ``get_patient_metadata_dataframe()`` is one row of the
  project-patient fields.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import ItemBase, ItemSet
from ._frames import Kind, Schema, records_frame, require_pandas
from ._org import Org
from ._patient import Patient

if TYPE_CHECKING:
    import pandas

    from ._hook import MetadataDataSource

__all__ = [
    "Cohort",
    "CohortSet",
    "Metric",
    "MetricSet",
    "Project",
    "ProjectPatientMetadata",
    "ProjectPatientMetadataSet",
    "ProjectSet",
]


class Metric(ItemBase):
    """A project data metric of runeq <= 0.14 (the API no longer has them; kept for imports).

    Args:
        id: Metric ID.
        type: Metric type (``TOTAL_HOURS``, ``LATEST_DATA``, ``LAST_UPLOAD``).
        data_type: Processed data type measured.
        time_interval: Period the metric covers.
        updated_at: Last update (unix seconds).
        created_at: Creation (unix seconds).
        value: The value, if any.
    """

    def __init__(
        self,
        id: str,
        type: str,
        data_type: str,
        time_interval: str,
        updated_at: float,
        created_at: float,
        value: float | None = None,
    ) -> None:
        self.type = type
        self.data_type = data_type
        self.time_interval = time_interval
        self.created_at = created_at
        self.updated_at = updated_at
        self.value = value
        super().__init__(
            id=id,
            type=type,
            data_type=data_type,
            value=value,
            time_interval=time_interval,
            created_at=created_at,
            updated_at=updated_at,
        )


class MetricSet(ItemSet[Metric]):
    """A collection of metrics (runeq <= 0.14; always empty now)."""

    _item_class: ClassVar[type[ItemBase]] = Metric
    _schema: ClassVar[Schema] = (
        ("type", Kind.STR),
        ("data_type", Kind.STR),
        ("value", Kind.FLOAT),
        ("time_interval", Kind.STR),
        ("created_at", Kind.FLOAT),
        ("updated_at", Kind.FLOAT),
        ("id", Kind.STR),
    )


class ProjectPatientMetadata(ItemBase):
    """A patient placed in a project (or a cohort), with its project-level fields.

    Args:
        id: Patient ID.
        project_code_name: The patient's code name within the project.
        start_time: The patient's start in the project (unix seconds), from their access entry
            for the project's org.
        end_time: The patient's end in the project (unix seconds), likewise.
        updated_at: When the record was last updated (unix seconds).
        created_at: When the patient was added (unix seconds).
        created_by: Who added the patient.
        updated_by: Who last updated the record.
        **attributes: Other attributes.
    """

    def __init__(
        self,
        id: str,
        project_code_name: str | None,
        start_time: float | None,
        end_time: float | None,
        updated_at: float | None,
        created_at: float | None,
        created_by: str | None,
        updated_by: str | None,
        **attributes: Any,
    ) -> None:
        self.start_time = start_time
        self.end_time = end_time
        self.created_at = created_at
        self.updated_at = updated_at
        self.created_by = created_by
        self.updated_by = updated_by
        self.project_code_name = project_code_name
        super().__init__(
            id=id,
            project_code_name=project_code_name,
            start_time=start_time,
            end_time=end_time,
            created_at=created_at,
            updated_at=updated_at,
            created_by=created_by,
            updated_by=updated_by,
            **attributes,
        )

    def __repr__(self) -> str:
        """``ProjectPatientMetadata(patient_id="...", project_code_name="...")``."""
        return (
            f'{type(self).__name__}(patient_id="{self.id}", '
            f'project_code_name="{self.project_code_name}")'
        )

    @property
    def metrics(self) -> MetricSet:
        """An empty :class:`MetricSet`, with a ``DeprecationWarning`` (module docstring)."""
        warnings.warn(
            "ProjectPatientMetadata.metrics is always empty: Rune's API no longer has project "
            "metrics (runeq 0.15 removed them); use the stream availability instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return MetricSet(_session=self._session)

    def get_patient_metadata_dataframe(self) -> pandas.DataFrame:
        """One row of this patient's project fields (the columns of
        ``ProjectPatientMetadataSet.to_dataframe()``); runeq <= 0.14 added a row per metric,
        and there are none now."""
        require_pandas("ProjectPatientMetadata.get_patient_metadata_dataframe")
        return records_frame([self.to_dict()], ProjectPatientMetadataSet._schema)

    @classmethod
    def from_graphql(
        cls,
        data: Mapping[str, Any],
        *,
        org_id: str | None,
        _session: MetadataDataSource | None = None,
    ) -> ProjectPatientMetadata:
        """Build from a ``projectPatients`` (or ``cohortPatients``) entry of runeq's project /
        cohort patient queries.

        ``data`` is ``{patient: {id, patientAccessList: {patientAccess: [{org: {id},
        start_time, end_time}]}}, project_code_name, created_at, updated_at, created_by,
        updated_by}`` (runeq's aliases). ``org_id`` is the project's (cohort's)
        ``organization_id``, any form: the first access entry of that org gives the start and
        end time.
        """
        attrs = dict(data)
        patient = attrs.pop("patient", None) or {}
        attrs["id"] = Patient.normalize_id(patient["id"])
        attrs.setdefault("start_time", None)
        attrs.setdefault("end_time", None)
        wanted = Org.normalize_id(org_id) if org_id is not None else None
        access_list = patient.get("patientAccessList") or {}
        for access in access_list.get("patientAccess") or ():
            access_org = (access.get("org") or {}).get("id")
            if (
                wanted is not None
                and access_org is not None
                and Org.normalize_id(access_org) == wanted
            ):
                attrs["start_time"] = access.get("start_time")
                attrs["end_time"] = access.get("end_time")
                break
        return cls(**attrs, _session=_session)


class ProjectPatientMetadataSet(ItemSet[ProjectPatientMetadata]):
    """A collection of project (or cohort) patients."""

    _item_class: ClassVar[type[ItemBase]] = ProjectPatientMetadata
    _schema: ClassVar[Schema] = (
        ("project_code_name", Kind.STR),
        ("start_time", Kind.FLOAT),
        ("end_time", Kind.FLOAT),
        ("created_at", Kind.FLOAT),
        ("updated_at", Kind.FLOAT),
        ("created_by", Kind.STR),
        ("updated_by", Kind.STR),
        ("id", Kind.STR),
    )


class Cohort(ItemBase):
    """A group of patients within a project.

    Args:
        id: Cohort ID.
        title: Human-readable name.
        updated_at: Last update (unix seconds).
        created_at: Creation (unix seconds).
        created_by: Who created it.
        updated_by: Who last updated it.
        **attributes: Other attributes (``description``).
    """

    def __init__(
        self,
        id: str,
        title: str | None,
        updated_at: float | None,
        created_at: float | None,
        created_by: str | None,
        updated_by: str | None,
        **attributes: Any,
    ) -> None:
        self.title = title
        self.created_at = created_at
        self.updated_at = updated_at
        self.created_by = created_by
        self.updated_by = updated_by
        super().__init__(
            id=id,
            title=title,
            created_at=created_at,
            updated_at=updated_at,
            created_by=created_by,
            updated_by=updated_by,
            **attributes,
        )

    def __repr__(self) -> str:
        """``Cohort(id="...", title="...")``."""
        return f'{type(self).__name__}(id="{self.id}", title="{self.title}")'

    @classmethod
    def from_graphql(
        cls, data: Mapping[str, Any], *, _session: MetadataDataSource | None = None
    ) -> Cohort:
        """Build from a ``cohortList.cohorts`` entry: ``{id, title, description, created_at,
        updated_at, created_by, updated_by}`` (runeq's aliases)."""
        return cls(**{**data, "_session": _session})


class CohortSet(ItemSet[Cohort]):
    """A collection of cohorts."""

    _item_class: ClassVar[type[ItemBase]] = Cohort
    _schema: ClassVar[Schema] = (
        ("title", Kind.STR),
        ("created_at", Kind.FLOAT),
        ("updated_at", Kind.FLOAT),
        ("created_by", Kind.STR),
        ("updated_by", Kind.STR),
        ("description", Kind.STR),
        ("id", Kind.STR),
    )


class Project(ItemBase):
    """A project: a group of patients with workflow metadata, and its cohorts.

    Args:
        id: Project ID.
        title: Human-readable name.
        status: Status of the project.
        type: ``EXPLORATORY``, ``CLINICAL_TRIAL``, ``RETROSPECTIVE_STUDY``,
            ``PROSPECTIVE_STUDY`` or ``SANDBOX``.
        started_at: When the project started (unix seconds).
        updated_at: Last update (unix seconds).
        created_at: Creation (unix seconds).
        created_by: Who created it.
        updated_by: Who last updated it.
        cohorts: The project's cohorts.
        **attributes: Other attributes (``description``).
    """

    def __init__(
        self,
        id: str,
        title: str | None,
        status: str | None,
        type: str | None,
        started_at: float | None,
        updated_at: float | None,
        created_at: float | None,
        created_by: str | None,
        updated_by: str | None,
        cohorts: CohortSet,
        **attributes: Any,
    ) -> None:
        self.title = title
        self.created_at = created_at
        self.started_at = started_at
        self.updated_at = updated_at
        self.created_by = created_by
        self.updated_by = updated_by
        self.status = status
        self.type = type
        self.cohorts = cohorts
        super().__init__(
            id=id,
            title=title,
            created_at=created_at,
            started_at=started_at,
            updated_at=updated_at,
            created_by=created_by,
            updated_by=updated_by,
            status=status,
            type=type,
            cohorts=cohorts,
            **attributes,
        )

    def __repr__(self) -> str:
        """``Project(id="...", title="...")``."""
        return f'{type(self).__name__}(id="{self.id}", title="{self.title}")'

    def to_dict(self) -> dict[str, Any]:
        """The attributes, ``cohorts`` as a list of cohort dicts."""
        attrs = dict(self._attributes)
        attrs["cohorts"] = self.cohorts.to_list()
        return attrs

    @classmethod
    def from_graphql(
        cls, data: Mapping[str, Any], *, _session: MetadataDataSource | None = None
    ) -> Project:
        """Build from runeq's ``getProject`` ``project`` object or a ``projectList.projects``
        entry: ``{id, title, status, description, type, cohortList: {cohorts: [...]},
        created_at, updated_at, started_at, created_by, updated_by}`` (runeq's aliases)."""
        attrs = dict(data)
        cohort_list = attrs.pop("cohortList", None) or {}
        cohorts = CohortSet(
            (Cohort.from_graphql(c, _session=_session) for c in cohort_list.get("cohorts") or ()),
            _session=_session,
        )
        return cls(**attrs, cohorts=cohorts, _session=_session)


class ProjectSet(ItemSet[Project]):
    """A collection of projects."""

    _item_class: ClassVar[type[ItemBase]] = Project
    _schema: ClassVar[Schema] = (
        ("title", Kind.STR),
        ("created_at", Kind.FLOAT),
        ("started_at", Kind.FLOAT),
        ("updated_at", Kind.FLOAT),
        ("created_by", Kind.STR),
        ("updated_by", Kind.STR),
        ("status", Kind.STR),
        ("type", Kind.STR),
        ("cohorts", Kind.OBJECT),
        ("description", Kind.STR),
        ("id", Kind.STR),
    )
