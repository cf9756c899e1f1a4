"""runeq's ``runeq.resources.project``, on the default :class:`~runestream.Session` (or
``client=``)."""

from __future__ import annotations

from .._session_api import Session
from ..graph import ProjectNamespace
from ..objects import (
    Cohort,
    CohortSet,
    Project,
    ProjectPatientMetadata,
    ProjectPatientMetadataSet,
    ProjectSet,
)
from ._choose import namespace_of

__all__ = [
    "Cohort",
    "CohortSet",
    "Project",
    "ProjectPatientMetadata",
    "ProjectPatientMetadataSet",
    "ProjectSet",
    "get_cohort_patients",
    "get_project",
    "get_project_patients",
    "get_projects",
]

_Client = Session | ProjectNamespace | None


def _ns(client: _Client) -> ProjectNamespace:
    return namespace_of(client, ProjectNamespace, "project")


def get_projects(client: _Client = None) -> ProjectSet:
    """Every project of the active org; see :meth:`ProjectNamespace.get_projects`."""
    return _ns(client).get_projects()


def get_project(project_id: str, client: _Client = None) -> Project:
    """One project with its cohorts; see :meth:`ProjectNamespace.get_project`."""
    return _ns(client).get_project(project_id)


def get_project_patients(project_id: str, client: _Client = None) -> ProjectPatientMetadataSet:
    """A project's patients; see :meth:`ProjectNamespace.get_project_patients`."""
    return _ns(client).get_project_patients(project_id)


def get_cohort_patients(cohort_id: str, client: _Client = None) -> ProjectPatientMetadataSet:
    """A cohort's patients; see :meth:`ProjectNamespace.get_cohort_patients`."""
    return _ns(client).get_cohort_patients(cohort_id)
