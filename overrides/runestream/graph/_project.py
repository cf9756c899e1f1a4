"""``session.project``: runeq 0.18's ``runeq.resources.project``.

Difference from runeq: project and cohort patients page to the end. runeq passed the cursor as
``cursor_input=`` while its queries declare ``$cursorInput``, so the cursor never reached the
API and a project with more than one page of patients was fetched again and again forever.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from runestream.objects import (
    Project,
    ProjectPatientMetadata,
    ProjectPatientMetadataSet,
    ProjectSet,
)
from runestream_graphql.input_types import CursorInput

from ._api import GraphAPI, check_id, dump, missing
from ._paging import follow_cursor

__all__ = ["ProjectNamespace"]


def _cursor_input(cursor: str | None) -> CursorInput | None:
    return CursorInput(codeNameCursor=cursor) if cursor else None


class ProjectNamespace:
    """Projects of the active organization, their cohorts and patients."""

    def __init__(self, api: GraphAPI) -> None:
        self._api = api

    def get_projects(self) -> ProjectSet:
        """Every project of the active organization (all pages), with its cohorts."""

        def fetch(cursor: str | None) -> tuple[Iterable[Any], str | None]:
            org = self._api.client.get_projects(cursor=cursor).org
            listing = org.project_list if org is not None else None
            if listing is None:
                return (), None
            return [p for p in listing.projects or () if p], listing.page_info.end_cursor

        source = self._api.source
        projects = (
            Project.from_graphql(dump(p), _session=source)
            for p in follow_cursor(fetch, what="projects")
        )
        return ProjectSet(projects, _session=source)

    def get_project(self, project_id: str) -> Project:
        """The project with this id, with its cohorts.

        Raises:
            NotFoundError: The active organization has no such project.
        """
        check_id(project_id, "project_id")
        project = self._api.client.get_project(id=project_id).project
        if project is None:
            missing(f"project {project_id}")
        return Project.from_graphql(dump(project), _session=self._api.source)

    def get_project_patients(self, project_id: str) -> ProjectPatientMetadataSet:
        """Every patient of a project (all pages), with its code name and access times."""
        check_id(project_id, "project_id")

        def page(cursor: CursorInput | None) -> tuple[Any, Any, Any]:
            project = self._api.client.get_project_patients(
                id=project_id, cursor_input=cursor
            ).project
            if project is None:
                missing(f"project {project_id}")
            listing = project.project_patient_list
            rows = listing.project_patients if listing is not None else None
            return project.organization_id, listing, rows

        return self._members(page, f"project {project_id}")

    def get_cohort_patients(self, cohort_id: str) -> ProjectPatientMetadataSet:
        """Every patient of a cohort (all pages), with its code name and access times."""
        check_id(cohort_id, "cohort_id")

        def page(cursor: CursorInput | None) -> tuple[Any, Any, Any]:
            cohort = self._api.client.get_cohort_patients(id=cohort_id, cursor_input=cursor).cohort
            if cohort is None:
                missing(f"cohort {cohort_id}")
            listing = cohort.cohort_patient_list
            rows = listing.cohort_patients if listing is not None else None
            return cohort.organization_id, listing, rows

        return self._members(page, f"cohort {cohort_id}")

    def _members(
        self, page: Callable[[CursorInput | None], tuple[Any, Any, Any]], owner: str
    ) -> ProjectPatientMetadataSet:
        """Every patient of a project or cohort: ``page(cursor)`` answers (organization id,
        the patient list, its rows); pages follow ``codeNameEndCursor`` to the end."""
        org_ids: list[str | None] = []

        def fetch(cursor: str | None) -> tuple[Iterable[Any], str | None]:
            org_id, listing, rows = page(_cursor_input(cursor))
            org_ids.append(org_id)
            if listing is None:
                return (), None
            return [r for r in rows or () if r], listing.page_info.code_name_end_cursor

        found = list(follow_cursor(fetch, what=f"the patients of {owner}"))
        org_id = org_ids[0] if org_ids else None
        source = self._api.source
        members = (
            ProjectPatientMetadata.from_graphql(dump(row), org_id=org_id, _session=source)
            for row in found
        )
        return ProjectPatientMetadataSet(members, _session=source)

    def __repr__(self) -> str:
        return "ProjectNamespace()"
