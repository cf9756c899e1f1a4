from typing import Any, Optional, Union

from .base_client import BaseClient
from .base_model import UNSET, UnsetType
from .get_cohort_patients import GetCohortPatients
from .get_event_list import GetEventList
from .get_org_memberships import GetOrgMemberships
from .get_patient import GetPatient
from .get_patient_devices import GetPatientDevices
from .get_patient_list import GetPatientList
from .get_project import GetProject
from .get_project_patients import GetProjectPatients
from .get_projects import GetProjects
from .get_stream_list import GetStreamList
from .get_stream_list_by_ids import GetStreamListByIds
from .get_stream_types import GetStreamTypes
from .get_user import GetUser
from .input_types import (
    CursorInput,
    EventClassificationFilter,
    StreamQueryFilters,
    UpdateDefaultMembershipInput,
)
from .update_default_membership import UpdateDefaultMembership


def gql(q: str) -> str:
    return q


class GraphClient(BaseClient):
    def get_event_list(
        self,
        patient_id: str,
        start_time: float,
        end_time: float,
        cursor: Union[Optional[str], UnsetType] = UNSET,
        include_filters: Union[
            Optional[list[Optional[EventClassificationFilter]]], UnsetType
        ] = UNSET,
        **kwargs: Any,
    ) -> GetEventList:
        query = gql("""
            query getEventList($patientId: ID!, $cursor: Cursor, $startTime: Float!, $endTime: Float!, $includeFilters: [EventClassificationFilter]) {
              patient(id: $patientId) {
                eventList(
                  startTime: $startTime
                  endTime: $endTime
                  cursor: $cursor
                  includeFilters: $includeFilters
                ) {
                  events {
                    id
                    display_name: displayName
                    custom_detail: customDetail {
                      display_name: displayName
                    }
                    duration {
                      start_time: startTime
                      end_time: endTime
                      end_time_max: endTimeMax
                    }
                    payload
                    classification {
                      namespace
                      category
                      enum
                    }
                    tags {
                      name
                    }
                    method
                    created_at: createdAt
                    updated_at: updatedAt
                  }
                  pageInfo {
                    endCursor
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "patientId": patient_id,
            "cursor": cursor,
            "startTime": start_time,
            "endTime": end_time,
            "includeFilters": include_filters,
        }
        response = self.execute(
            query=query, operation_name="getEventList", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetEventList.model_validate(data)

    def get_org_memberships(
        self, cursor: Union[Optional[str], UnsetType] = UNSET, **kwargs: Any
    ) -> GetOrgMemberships:
        query = gql("""
            query getOrgMemberships($cursor: Cursor) {
              user {
                membershipList(cursor: $cursor) {
                  pageInfo {
                    endCursor
                  }
                  memberships {
                    org {
                      ...OrgFields
                    }
                  }
                }
              }
            }

            fragment OrgFields on Org {
              id
              created_at: created
              name: displayName
              tags: orgTags
            }
            """)
        variables: dict[str, object] = {"cursor": cursor}
        response = self.execute(
            query=query,
            operation_name="getOrgMemberships",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return GetOrgMemberships.model_validate(data)

    def update_default_membership(
        self, input: UpdateDefaultMembershipInput, **kwargs: Any
    ) -> UpdateDefaultMembership:
        query = gql("""
            mutation updateDefaultMembership($input: UpdateDefaultMembershipInput!) {
              updateDefaultMembership(input: $input) {
                user {
                  defaultMembership {
                    org {
                      ...OrgFields
                    }
                  }
                }
              }
            }

            fragment OrgFields on Org {
              id
              created_at: created
              name: displayName
              tags: orgTags
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = self.execute(
            query=query,
            operation_name="updateDefaultMembership",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return UpdateDefaultMembership.model_validate(data)

    def get_patient(
        self,
        patient_id: str,
        cursor: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> GetPatient:
        query = gql("""
            query getPatient($patientId: ID!, $cursor: Cursor) {
              patient(id: $patientId) {
                id
                name: codeName
                created_at: createdAt
                deviceList(cursor: $cursor) {
                  ...DevicePage
                }
              }
            }

            fragment DeviceFields on Device {
              id: deviceShortId
              name: alias
              created_at: createdAt
              device_type: deviceType {
                id
              }
              disabled
              disabled_at: disabledAt
              updated_at: updatedAt
            }

            fragment DevicePage on DeviceList {
              pageInfo {
                endCursor
              }
              devices {
                ...DeviceFields
              }
            }
            """)
        variables: dict[str, object] = {"patientId": patient_id, "cursor": cursor}
        response = self.execute(
            query=query, operation_name="getPatient", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetPatient.model_validate(data)

    def get_patient_devices(
        self,
        patient_id: str,
        cursor: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> GetPatientDevices:
        query = gql("""
            query getPatientDevices($patientId: ID!, $cursor: Cursor) {
              patient(id: $patientId) {
                id
                deviceList(cursor: $cursor) {
                  ...DevicePage
                }
              }
            }

            fragment DeviceFields on Device {
              id: deviceShortId
              name: alias
              created_at: createdAt
              device_type: deviceType {
                id
              }
              disabled
              disabled_at: disabledAt
              updated_at: updatedAt
            }

            fragment DevicePage on DeviceList {
              pageInfo {
                endCursor
              }
              devices {
                ...DeviceFields
              }
            }
            """)
        variables: dict[str, object] = {"patientId": patient_id, "cursor": cursor}
        response = self.execute(
            query=query,
            operation_name="getPatientDevices",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return GetPatientDevices.model_validate(data)

    def get_patient_list(
        self, patient_cursor: Union[Optional[str], UnsetType] = UNSET, **kwargs: Any
    ) -> GetPatientList:
        query = gql("""
            query getPatientList($patientCursor: Cursor) {
              org {
                patientAccessList(cursor: $patientCursor) {
                  pageInfo {
                    endCursor
                  }
                  patientAccess {
                    patient {
                      id
                      name: codeName
                      created_at: createdAt
                      deviceList {
                        ...DevicePage
                      }
                    }
                  }
                }
              }
            }

            fragment DeviceFields on Device {
              id: deviceShortId
              name: alias
              created_at: createdAt
              device_type: deviceType {
                id
              }
              disabled
              disabled_at: disabledAt
              updated_at: updatedAt
            }

            fragment DevicePage on DeviceList {
              pageInfo {
                endCursor
              }
              devices {
                ...DeviceFields
              }
            }
            """)
        variables: dict[str, object] = {"patientCursor": patient_cursor}
        response = self.execute(
            query=query, operation_name="getPatientList", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetPatientList.model_validate(data)

    def get_project(
        self, id: Union[Optional[str], UnsetType] = UNSET, **kwargs: Any
    ) -> GetProject:
        query = gql("""
            query getProject($id: ID) {
              project(id: $id) {
                ...ProjectFields
              }
            }

            fragment CohortFields on Cohort {
              id
              title
              description
              created_at: createdAt
              updated_at: updatedAt
              created_by: createdBy
              updated_by: updatedBy
            }

            fragment ProjectFields on Project {
              id
              title
              status
              description
              type
              cohortList {
                cohorts {
                  ...CohortFields
                }
              }
              created_at: createdAt
              updated_at: updatedAt
              started_at: startedAt
              created_by: createdBy
              updated_by: updatedBy
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = self.execute(
            query=query, operation_name="getProject", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetProject.model_validate(data)

    def get_projects(
        self, cursor: Union[Optional[str], UnsetType] = UNSET, **kwargs: Any
    ) -> GetProjects:
        query = gql("""
            query getProjects($cursor: DateTimeUUIDCursor) {
              org {
                id
                projectList(cursor: $cursor) {
                  projects {
                    ...ProjectFields
                  }
                  pageInfo {
                    endCursor
                  }
                }
              }
            }

            fragment CohortFields on Cohort {
              id
              title
              description
              created_at: createdAt
              updated_at: updatedAt
              created_by: createdBy
              updated_by: updatedBy
            }

            fragment ProjectFields on Project {
              id
              title
              status
              description
              type
              cohortList {
                cohorts {
                  ...CohortFields
                }
              }
              created_at: createdAt
              updated_at: updatedAt
              started_at: startedAt
              created_by: createdBy
              updated_by: updatedBy
            }
            """)
        variables: dict[str, object] = {"cursor": cursor}
        response = self.execute(
            query=query, operation_name="getProjects", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetProjects.model_validate(data)

    def get_project_patients(
        self,
        id: Union[Optional[str], UnsetType] = UNSET,
        cursor_input: Union[Optional[CursorInput], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> GetProjectPatients:
        query = gql("""
            query getProjectPatients($id: ID, $cursorInput: CursorInput) {
              project(id: $id) {
                organization_id: organizationId
                projectPatientList(cursorInput: $cursorInput) {
                  projectPatients {
                    ...ProjectPatientFields
                  }
                  pageInfo {
                    codeNameEndCursor
                  }
                }
              }
            }

            fragment ProjectPatientFields on ProjectPatient {
              patient {
                id
                patientAccessList {
                  patientAccess {
                    org {
                      id
                    }
                    start_time: startTime
                    end_time: endTime
                  }
                }
              }
              project_code_name: codeName
              created_at: createdAt
              updated_at: updatedAt
              created_by: createdBy
              updated_by: updatedBy
            }
            """)
        variables: dict[str, object] = {"id": id, "cursorInput": cursor_input}
        response = self.execute(
            query=query,
            operation_name="getProjectPatients",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return GetProjectPatients.model_validate(data)

    def get_cohort_patients(
        self,
        id: Union[Optional[str], UnsetType] = UNSET,
        cursor_input: Union[Optional[CursorInput], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> GetCohortPatients:
        query = gql("""
            query getCohortPatients($id: ID, $cursorInput: CursorInput) {
              cohort(id: $id) {
                id
                organization_id: organizationId
                cohortPatientList(cursorInput: $cursorInput) {
                  cohortPatients {
                    ...ProjectPatientFields
                  }
                  pageInfo {
                    codeNameEndCursor
                  }
                }
              }
            }

            fragment ProjectPatientFields on ProjectPatient {
              patient {
                id
                patientAccessList {
                  patientAccess {
                    org {
                      id
                    }
                    start_time: startTime
                    end_time: endTime
                  }
                }
              }
              project_code_name: codeName
              created_at: createdAt
              updated_at: updatedAt
              created_by: createdBy
              updated_by: updatedBy
            }
            """)
        variables: dict[str, object] = {"id": id, "cursorInput": cursor_input}
        response = self.execute(
            query=query,
            operation_name="getCohortPatients",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return GetCohortPatients.model_validate(data)

    def get_stream_types(self, **kwargs: Any) -> GetStreamTypes:
        query = gql("""
            query getStreamTypes {
              streamTypeList {
                streamTypes {
                  ...StreamTypeFields
                }
              }
            }

            fragment StreamTypeFields on StreamType {
              id
              name
              description
              shape {
                dimensions {
                  id: identifier
                  data_type: dataType
                  quantity_name: quantityName
                  quantity_abbrev: quantityAbbrev
                  unit_name: unitName
                  unit_abbrev: unitAbbrev
                }
              }
            }
            """)
        variables: dict[str, object] = {}
        response = self.execute(
            query=query, operation_name="getStreamTypes", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetStreamTypes.model_validate(data)

    def get_stream_list_by_ids(
        self,
        stream_ids: Union[Optional[list[Optional[str]]], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> GetStreamListByIds:
        query = gql("""
            query getStreamListByIds($streamIds: [String]) {
              streamListByIds(streamIds: $streamIds) {
                pageInfo {
                  endCursor
                }
                streams {
                  ...StreamFields
                }
              }
            }

            fragment StreamFields on Stream {
              id
              created_at: createdAt
              algorithm
              device_id: deviceId
              patient_id: patientId
              streamType {
                ...StreamTypeFields
              }
              parameters {
                key
                value
              }
              min_time: minTime
              max_time: maxTime
            }

            fragment StreamTypeFields on StreamType {
              id
              name
              description
              shape {
                dimensions {
                  id: identifier
                  data_type: dataType
                  quantity_name: quantityName
                  quantity_abbrev: quantityAbbrev
                  unit_name: unitName
                  unit_abbrev: unitAbbrev
                }
              }
            }
            """)
        variables: dict[str, object] = {"streamIds": stream_ids}
        response = self.execute(
            query=query,
            operation_name="getStreamListByIds",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return GetStreamListByIds.model_validate(data)

    def get_stream_list(
        self,
        cursor: Union[Optional[str], UnsetType] = UNSET,
        filters: Union[Optional[StreamQueryFilters], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> GetStreamList:
        query = gql("""
            query getStreamList($cursor: Cursor, $filters: StreamQueryFilters) {
              streamList(filters: $filters, cursor: $cursor) {
                pageInfo {
                  endCursor
                }
                streams {
                  ...StreamFields
                }
              }
            }

            fragment StreamFields on Stream {
              id
              created_at: createdAt
              algorithm
              device_id: deviceId
              patient_id: patientId
              streamType {
                ...StreamTypeFields
              }
              parameters {
                key
                value
              }
              min_time: minTime
              max_time: maxTime
            }

            fragment StreamTypeFields on StreamType {
              id
              name
              description
              shape {
                dimensions {
                  id: identifier
                  data_type: dataType
                  quantity_name: quantityName
                  quantity_abbrev: quantityAbbrev
                  unit_name: unitName
                  unit_abbrev: unitAbbrev
                }
              }
            }
            """)
        variables: dict[str, object] = {"cursor": cursor, "filters": filters}
        response = self.execute(
            query=query, operation_name="getStreamList", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetStreamList.model_validate(data)

    def get_user(self, **kwargs: Any) -> GetUser:
        query = gql("""
            query getUser {
              user {
                id
                created_at: created
                name: displayName
                defaultMembership {
                  org {
                    id
                    name: displayName
                  }
                }
                email
              }
            }
            """)
        variables: dict[str, object] = {}
        response = self.execute(
            query=query, operation_name="getUser", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetUser.model_validate(data)
