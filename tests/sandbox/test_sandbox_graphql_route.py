"""``POST /graphql`` over HTTP: the spec's operations, paging, limits, errors, auth, faults.

One sandbox per module, with page sizes smaller than the defaults so every list crosses several
pages. The queries are the files of ``spec/graphql/operations/`` (sent whole, with
``operationName``), and each answer is checked against the query's selection (exactly the keys
selected, recursively) and the generated client's model of that operation; values are compared
with the sandbox's world (``runestream_sandbox.graph.world.WORLD``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import parse
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

import runestream_graphql
import runestream_sandbox as rs
from runestream_sandbox.catalog import DATA_END_S, DATA_START_S
from runestream_sandbox.graph import GraphSettings
from runestream_sandbox.graph import routing as graph_routing
from runestream_sandbox.graph.route import GraphStates
from runestream_sandbox.graph.world import WORLD

from ._graph import walk
from ._helpers import KEY_HEADERS, TOKEN_HEADERS

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

JSON = dict[str, Any]
DAY = 86_400
OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "spec" / "graphql" / "operations"
JWT_HEADERS = {"X-Rune-User-Access-Token": rs.JWT}
LAB, CLINIC = WORLD.orgs
#: Smaller than the defaults: every list below crosses at least two page boundaries.
SMALL = GraphSettings(
    membership_page_size=1,
    patient_page_size=2,
    device_page_size=2,
    project_page_size=1,
    project_patient_page_size=2,
    stream_page_size=7,
    event_page_size=9,
)
DBS_PILOT = next(p for p in WORLD.projects if p.title == "Adaptive DBS pilot")
TREMOR = next(c for c in DBS_PILOT.cohorts if c.title == "Tremor dominant")
MANY_DEVICES = max(WORLD.patients, key=lambda p: len(p.devices))
#: The last 90 days of patient 0001's events (history and the data window).
WINDOW = {"startTime": float(DATA_END_S - 90 * DAY), "endTime": float(DATA_END_S)}


# --- the operations' text and the shape of their answers --------------------------------------


@cache
def operations() -> dict[str, tuple[str, DocumentNode]]:
    """Operation name -> (the text of its file, the parsed file)."""
    out: dict[str, tuple[str, DocumentNode]] = {}
    for path in sorted(OPERATIONS_DIR.glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        doc = parse(text)
        for d in doc.definitions:
            if isinstance(d, OperationDefinitionNode):
                assert d.name is not None, f"anonymous operation in {path.name}"
                out[d.name.value] = (text, doc)
    return out


def _selected(sel: SelectionSetNode, doc: DocumentNode) -> dict[str, SelectionSetNode | None]:
    """Response key -> sub-selection of one selection set (fragments expanded)."""
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    out: dict[str, SelectionSetNode | None] = {}
    for node in sel.selections:
        if isinstance(node, FieldNode):
            out[(node.alias or node.name).value] = node.selection_set
        elif isinstance(node, FragmentSpreadNode):
            out.update(_selected(fragments[node.name.value].selection_set, doc))
        else:
            assert isinstance(node, InlineFragmentNode)
            out.update(_selected(node.selection_set, doc))
    return out


def _check_shape(value: Any, sel: SelectionSetNode | None, doc: DocumentNode, path: str) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_shape(item, sel, doc, f"{path}[{i}]")
        return
    if sel is None:
        assert not isinstance(value, dict), f"{path}: an object where a scalar was selected"
        return
    assert isinstance(value, dict), f"{path}: {value!r} is not an object"
    keys = _selected(sel, doc)
    assert set(value) == set(keys), f"{path}: keys {sorted(value)} != selected {sorted(keys)}"
    for k, sub in keys.items():
        _check_shape(value[k], sub, doc, f"{path}.{k}")


def assert_shape(name: str, data: JSON) -> None:
    """``data`` has exactly the keys operation ``name`` selects and fits its generated model."""
    _, doc = operations()[name]
    op = next(
        d
        for d in doc.definitions
        if isinstance(d, OperationDefinitionNode) and d.name and d.name.value == name
    )
    _check_shape(data, op.selection_set, doc, name)
    model = getattr(runestream_graphql, name[0].upper() + name[1:])
    model.model_validate(data)


# --- fixtures and requests --------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer(rs.SandboxSettings(graph=SMALL)) as srv:
        yield srv


def test_sandbox_settings_choose_the_graph_page_sizes(server: rs.SandboxServer) -> None:
    states = server.app.state.graph_states
    assert isinstance(states, GraphStates)
    assert rs.SandboxServer().app.state.graph_states.settings == GraphSettings()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        page = post(client, "getPatientList").json()["data"]["org"]["patientAccessList"]
    assert len(page["patientAccess"]) == SMALL.patient_page_size


@pytest.fixture(scope="module")
def http(server: rs.SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture
def fresh_orgs(server: rs.SandboxServer) -> Iterator[None]:
    """Every credential starts at the default org, and the test's switches do not leak."""
    server.app.state.graph_states = GraphStates(SMALL)
    yield
    server.app.state.graph_states = GraphStates(SMALL)


def post(
    http: httpx.Client, name: str, headers: dict[str, str] | None = None, **variables: Any
) -> httpx.Response:
    text, _ = operations()[name]
    body = {"query": text, "operationName": name, "variables": variables}
    return http.post("/graphql", json=body, headers=TOKEN_HEADERS if headers is None else headers)


def data(
    http: httpx.Client, name: str, headers: dict[str, str] | None = None, **variables: Any
) -> JSON:
    """The ``data`` of a successful operation (shape checked)."""
    r = post(http, name, headers, **variables)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"data"}, body
    assert_shape(name, body["data"])
    return body["data"]  # type: ignore[no-any-return]


def error(
    http: httpx.Client,
    name: str,
    code: str,
    headers: dict[str, str] | None = None,
    **variables: Any,
) -> JSON:
    """The first error of an operation answered 200 with ``errors`` (``code`` checked)."""
    r = post(http, name, headers, **variables)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["errors"][0]["extensions"] == {"code": code}, body
    assert body["errors"][0]["message"]
    assert "data" in body
    return body["errors"][0]  # type: ignore[no-any-return]


def graphql_errors(r: httpx.Response, status: int, code: str) -> str:
    """Assert an HTTP-level GraphQL-shaped error; return its message."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"errors"}, body
    assert body["errors"] and all(e["extensions"]["code"] == code for e in body["errors"]), body
    message = body["errors"][0]["message"]
    assert isinstance(message, str) and message
    return message


def assert_paged(
    fetch: Callable[[str | None], JSON],
    items_key: str,
    size: int,
    expect: list[Any],
    key: Callable[[JSON], Any],
    cursor_key: str = "endCursor",
) -> None:
    """Paging terminates, every expected item exactly once and in order, full pages, > 2 pages."""
    pages, cursors = walk(fetch, items_key, cursor_key)
    assert len(pages) == math.ceil(len(expect) / size) >= 2
    assert all(len(p) == size for p in pages[:-1]) and 0 < len(pages[-1]) <= size
    got = [key(item) for page in pages for item in page]
    assert got == expect
    assert len(set(got)) == len(got)
    assert cursors[-1] is None and len(set(cursors[:-1])) == len(cursors) - 1


def lab_patients() -> list[str]:
    return [p.id for p in WORLD.patients if LAB.id in p.org_ids()]


def clinic_patients() -> list[str]:
    return [p.id for p in WORLD.patients if CLINIC.id in p.org_ids()]


# --- every operation, shapes and values -------------------------------------------------------

HEART = rs.find_stream(device_id=rs.WATCH_ID, measurement="heart_rate")

#: Variables of one successful call of each operation in spec/graphql/operations/.
CALLS: dict[str, JSON] = {
    "getUser": {},
    "getOrgMemberships": {},
    "updateDefaultMembership": {"input": {"orgId": LAB.short_id}},
    "getPatient": {"patientId": "patient-0001"},
    "getPatientDevices": {"patientId": MANY_DEVICES.id},
    "getPatientList": {},
    "getProject": {"id": DBS_PILOT.id},
    "getProjects": {},
    "getProjectPatients": {"id": DBS_PILOT.id},
    "getCohortPatients": {"id": TREMOR.id},
    "getStreamTypes": {},
    "getStreamListByIds": {"streamIds": [HEART.id]},
    "getStreamList": {"filters": {"patientId": "0001"}},
    "getEventList": {"patientId": "0001", **WINDOW},
}


def test_every_operation_of_the_spec_is_exercised() -> None:
    assert set(CALLS) == set(operations())


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_operation_answers_its_selection(http: httpx.Client, name: str) -> None:
    answer = data(http, name, **CALLS[name])
    assert answer and all(v is not None for v in answer.values())


def test_get_user_values(http: httpx.Client) -> None:
    user = data(http, "getUser")["user"]
    u = WORLD.user
    assert user == {
        "id": u.id,
        "created_at": u.created,
        "name": u.display_name,
        "email": u.email,
        "defaultMembership": {"org": {"id": LAB.id, "name": LAB.name}},
    }


def test_get_patient_values(http: httpx.Client) -> None:
    patient = data(http, "getPatient", patientId="patient-0001")["patient"]
    p = WORLD.patients_by_id["0001"]
    assert (patient["id"], patient["name"], patient["created_at"]) == (
        p.id,
        p.code_name,
        p.created_at,
    )
    first = patient["deviceList"]["devices"]
    assert [d["id"] for d in first] == [d.short_id for d in p.devices[: SMALL.device_page_size]]


def test_get_project_values(http: httpx.Client) -> None:
    project = data(http, "getProject", id=DBS_PILOT.id)["project"]
    assert (project["id"], project["title"], project["type"], project["status"]) == (
        DBS_PILOT.id,
        DBS_PILOT.title,
        DBS_PILOT.type,
        DBS_PILOT.status,
    )
    cohorts = project["cohortList"]["cohorts"]
    assert [c["id"] for c in cohorts] == [c.id for c in DBS_PILOT.cohorts]


def test_stream_types_and_streams_by_ids(http: httpx.Client) -> None:
    types = data(http, "getStreamTypes")["streamTypeList"]["streamTypes"]
    assert [t["id"] for t in types] == [t.id for t in WORLD.stream_types]
    ids = [s.id for s in WORLD.streams[:5]][::-1]
    streams = data(http, "getStreamListByIds", streamIds=ids)["streamListByIds"]
    assert [s["id"] for s in streams["streams"]] == ids
    assert streams["pageInfo"] == {"endCursor": None}
    s = WORLD.streams_by_id[ids[0]]
    got = streams["streams"][0]
    assert (got["patient_id"], got["device_id"], got["algorithm"]) == (
        s.patient_id,
        s.device_id,
        s.algorithm,
    )
    assert [(p["key"], p["value"]) for p in got["parameters"]] == list(s.parameters)


# --- paging -----------------------------------------------------------------------------------


def test_memberships_page(http: httpx.Client) -> None:
    assert_paged(
        lambda c: data(http, "getOrgMemberships", cursor=c)["user"]["membershipList"],
        "memberships",
        SMALL.membership_page_size,
        [m.org_id for m in WORLD.user.memberships],
        lambda m: m["org"]["id"],
    )


def test_patient_access_pages(http: httpx.Client) -> None:
    assert_paged(
        lambda c: data(http, "getPatientList", patientCursor=c)["org"]["patientAccessList"],
        "patientAccess",
        SMALL.patient_page_size,
        lab_patients(),
        lambda a: a["patient"]["id"],
    )


def test_devices_page(http: httpx.Client) -> None:
    p = MANY_DEVICES
    assert len(p.devices) > 2 * SMALL.device_page_size
    assert_paged(
        lambda c: data(http, "getPatientDevices", patientId=p.graph_id, cursor=c)["patient"][
            "deviceList"
        ],
        "devices",
        SMALL.device_page_size,
        [(d.short_id, d.disabled) for d in p.devices],
        lambda d: (d["id"], d["disabled"]),
    )
    # getPatient pages the same list
    assert_paged(
        lambda c: data(http, "getPatient", patientId=p.id, cursor=c)["patient"]["deviceList"],
        "devices",
        SMALL.device_page_size,
        [d.short_id for d in p.devices],
        lambda d: d["id"],
    )


def test_events_page(http: httpx.Client) -> None:
    lo, hi = WINDOW["startTime"], WINDOW["endTime"]
    expect = [e.id for e in WORLD.events_by_patient["0001"] if lo <= e.start_time < hi]
    assert_paged(
        lambda c: data(http, "getEventList", patientId="0001", cursor=c, **WINDOW)["patient"][
            "eventList"
        ],
        "events",
        SMALL.event_page_size,
        expect,
        lambda e: e["id"],
    )


def test_filtered_events_page(http: httpx.Client) -> None:
    filters = [{"namespace": "clinic", "category": "*"}, {"category": "wellbeing"}]
    lo, hi = float(DATA_START_S - 90 * DAY), float(DATA_START_S)
    expect = [
        e.id
        for e in WORLD.events_by_patient["0003"]
        if lo <= e.start_time < hi and (e.namespace == "clinic" or e.category == "wellbeing")
    ]
    assert_paged(
        lambda c: data(
            http,
            "getEventList",
            patientId="0003",
            cursor=c,
            startTime=lo,
            endTime=hi,
            includeFilters=filters,
        )["patient"]["eventList"],
        "events",
        SMALL.event_page_size,
        expect,
        lambda e: e["id"],
    )


def test_streams_page(http: httpx.Client) -> None:
    assert_paged(
        lambda c: data(http, "getStreamList", cursor=c)["streamList"],
        "streams",
        SMALL.stream_page_size,
        [s.id for s in WORLD.streams],
        lambda s: s["id"],
    )
    mine = [s.id for s in WORLD.streams if s.patient_id == "0001"]
    assert_paged(
        lambda c: data(http, "getStreamList", cursor=c, filters={"patientId": "patient-0001"})[
            "streamList"
        ],
        "streams",
        SMALL.stream_page_size,
        mine,
        lambda s: s["id"],
    )


def test_projects_page(http: httpx.Client) -> None:
    lab = sorted((p for p in WORLD.projects if p.org_id == LAB.id), key=lambda p: p.created_at)
    assert_paged(
        lambda c: data(http, "getProjects", cursor=c)["org"]["projectList"],
        "projects",
        SMALL.project_page_size,
        [p.id for p in lab],
        lambda p: p["id"],
    )


def test_project_patients_page_with_cursor_input(http: httpx.Client) -> None:
    def fetch(cursor: str | None) -> JSON:
        given = None if cursor is None else {"codeNameCursor": cursor}
        answer = data(http, "getProjectPatients", id=DBS_PILOT.id, cursorInput=given)["project"]
        assert answer["organization_id"] == DBS_PILOT.org_id
        return answer["projectPatientList"]  # type: ignore[no-any-return]

    members = sorted(DBS_PILOT.patients, key=lambda pp: pp.code_name)
    assert_paged(
        fetch,
        "projectPatients",
        SMALL.project_patient_page_size,
        [(pp.code_name, pp.patient_id) for pp in members],
        lambda pp: (pp["project_code_name"], pp["patient"]["id"]),
        cursor_key="codeNameEndCursor",
    )


def test_cohort_patients_page_with_cursor_input(http: httpx.Client) -> None:
    def fetch(cursor: str | None) -> JSON:
        given = None if cursor is None else {"codeNameCursor": cursor}
        answer = data(http, "getCohortPatients", id=TREMOR.id, cursorInput=given)["cohort"]
        assert answer["id"] == TREMOR.id
        return answer["cohortPatientList"]  # type: ignore[no-any-return]

    members = sorted(TREMOR.patients, key=lambda pp: pp.code_name)
    assert_paged(
        fetch,
        "cohortPatients",
        SMALL.project_patient_page_size,
        [pp.code_name for pp in members],
        lambda pp: pp["project_code_name"],
        cursor_key="codeNameEndCursor",
    )


def test_a_foreign_cursor_is_a_bad_request(http: httpx.Client) -> None:
    streams = data(http, "getStreamList")["streamList"]
    cursor = streams["pageInfo"]["endCursor"]
    err = error(
        http, "getPatientDevices", "BadRequestError", patientId=MANY_DEVICES.id, cursor=cursor
    )
    assert err["path"] == ["patient", "deviceList"]
    error(http, "getStreamList", "BadRequestError", cursor="not-a-cursor")


# --- limits and not found ---------------------------------------------------------------------


def test_stream_list_by_ids_refuses_101_ids(http: httpx.Client) -> None:
    ids = [s.id for s in WORLD.streams]
    ids = (ids * 2)[:101]
    err = error(http, "getStreamListByIds", "BadRequestError", streamIds=ids)
    assert "100" in err["message"]
    assert len(data(http, "getStreamListByIds", streamIds=ids[:100])["streamListByIds"]["streams"])


def test_event_list_refuses_more_than_90_days(http: httpx.Client) -> None:
    lo = float(DATA_END_S - 90 * DAY)
    err = error(
        http,
        "getEventList",
        "BadRequestError",
        patientId="0001",
        startTime=lo - 1,
        endTime=DATA_END_S,
    )
    assert "90 days" in err["message"]
    assert err["path"] == ["patient", "eventList"]
    assert data(http, "getEventList", patientId="0001", startTime=lo, endTime=DATA_END_S)


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("getPatient", {"patientId": "patient-9999"}),
        ("getPatientDevices", {"patientId": "9999"}),
        ("getEventList", {"patientId": "9999", **WINDOW}),
        ("getProject", {"id": "00000000-0000-0000-0000-000000000000"}),
        ("getProjectPatients", {"id": "no-such-project"}),
        ("getCohortPatients", {"id": "no-such-cohort"}),
        ("updateDefaultMembership", {"input": {"orgId": "org-" + "0" * 40 + ",org"}}),
        # another org's objects look exactly like unknown ones
        ("getPatient", {"patientId": clinic_patients()[-1]}),
        ("getProject", {"id": next(p.id for p in WORLD.projects if p.org_id == CLINIC.id)}),
    ],
)
def test_unknown_ids_are_not_found(http: httpx.Client, name: str, variables: JSON) -> None:
    err = error(http, name, "NotFoundError", **variables)
    assert "not found" in err["message"]


def test_unknown_stream_ids_are_omitted_not_errors(http: httpx.Client) -> None:
    """Unknown stream ids are left out (runeq compares and raises its own "not found")."""
    unknown = "f" * 64
    answer = data(http, "getStreamListByIds", streamIds=[unknown, HEART.id])["streamListByIds"]
    assert [s["id"] for s in answer["streams"]] == [HEART.id]
    answer = data(http, "getStreamList", filters={"patientId": "9999"})["streamList"]
    assert answer == {"pageInfo": {"endCursor": None}, "streams": []}


# --- auth -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Rune-User-Access-Token-Id": rs.ACCESS_TOKEN_ID},
        {**TOKEN_HEADERS, "X-Rune-User-Access-Token-Secret": "wrong"},
        {"X-Rune-Client-Key-Id": rs.CLIENT_KEY_ID, "X-Rune-Client-Access-Key": "wrong"},
        {"X-Rune-User-Access-Token": "not-the-jwt"},
    ],
    ids=["none", "half-pair", "wrong-token", "wrong-key", "wrong-jwt"],
)
def test_bad_credentials_are_401_graphql_shaped(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    graphql_errors(post(http, "getUser", headers), 401, "InvalidAuthentication")
    # credentials are checked before the body
    r = http.post("/graphql", content=b"not json", headers=headers)
    graphql_errors(r, 401, "InvalidAuthentication")


def test_jwt_and_access_token_are_accepted(http: httpx.Client) -> None:
    for headers in (TOKEN_HEADERS, JWT_HEADERS):
        assert data(http, "getUser", headers)["user"]["id"] == WORLD.user.id
        walked = [
            a["patient"]["id"]
            for page in walk(
                lambda c, h=headers: data(http, "getPatientList", h, patientCursor=c)["org"][
                    "patientAccessList"
                ],
                "patientAccess",
            )[0]
            for a in page
        ]
        assert walked == lab_patients()


def test_client_key_reads_its_own_patient(http: httpx.Client) -> None:
    own = rs.PATIENT_ID.removeprefix("patient-")
    patient = data(http, "getPatient", KEY_HEADERS, patientId=rs.PATIENT_ID)["patient"]
    assert patient["id"] == own
    assert data(http, "getStreamTypes", KEY_HEADERS)["streamTypeList"]["streamTypes"]
    events = data(http, "getEventList", KEY_HEADERS, patientId=own, **WINDOW)
    assert events["patient"]["eventList"]["events"]
    # streamList without a patient filter: only its own patient's streams, paged
    mine = [s.id for s in WORLD.streams if s.patient_id == own]
    assert len(mine) < len(WORLD.streams)
    assert_paged(
        lambda c: data(http, "getStreamList", KEY_HEADERS, cursor=c)["streamList"],
        "streams",
        SMALL.stream_page_size,
        mine,
        lambda s: s["id"],
    )


def test_client_key_sees_no_other_patient(http: httpx.Client) -> None:
    other = rs.OTHER_PATIENT_ID
    error(http, "getPatient", "NotFoundError", KEY_HEADERS, patientId=other)
    error(http, "getEventList", "NotFoundError", KEY_HEADERS, patientId=other, **WINDOW)
    answer = data(http, "getStreamList", KEY_HEADERS, filters={"patientId": other})["streamList"]
    assert answer["streams"] == []
    theirs = next(s.id for s in WORLD.streams if s.patient_id == other.removeprefix("patient-"))
    answer = data(http, "getStreamListByIds", KEY_HEADERS, streamIds=[theirs, HEART.id])
    assert [s["id"] for s in answer["streamListByIds"]["streams"]] == [HEART.id]


@pytest.mark.parametrize(
    "name",
    [
        "getUser",
        "getOrgMemberships",
        "updateDefaultMembership",
        "getPatientList",
        "getProject",
        "getProjects",
        "getProjectPatients",
        "getCohortPatients",
    ],
)
def test_client_key_other_root_fields_are_permission_denied(http: httpx.Client, name: str) -> None:
    err = error(http, name, "PermissionDeniedError", KEY_HEADERS, **CALLS[name])
    assert len(err["path"]) == 1


# --- HTTP-level errors ------------------------------------------------------------------------


def test_get_is_405_graphql_shaped(http: httpx.Client) -> None:
    r = http.get("/graphql", headers=TOKEN_HEADERS)
    assert "POST" in graphql_errors(r, 405, "MethodNotAllowed")
    assert r.headers["allow"] == "POST"


@pytest.mark.parametrize(
    "content",
    [b"not json", b"\xff\xfe", b"", b"[1, 2]", b'"query"', b"null"],
    ids=["text", "bytes", "empty", "list", "string", "null"],
)
def test_a_body_that_is_not_a_json_object_is_400(http: httpx.Client, content: bytes) -> None:
    r = http.post("/graphql", content=content, headers=TOKEN_HEADERS)
    graphql_errors(r, 400, "BAD_REQUEST")


def test_a_query_that_does_not_parse_is_400(http: httpx.Client) -> None:
    r = http.post("/graphql", json={"query": "{ user { id "}, headers=TOKEN_HEADERS)
    graphql_errors(r, 400, "GRAPHQL_PARSE_FAILED")


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ user { idx } }"},
        {"query": "{ patient { id } }"},  # a required argument missing
        # a variable of the wrong type
        {
            "query": "query q($c: Float) "
            "{ user { membershipList(cursor: $c) { pageInfo { endCursor } } } }"
        },
        {"query": "{ nosuchfield }"},
        # variables that do not coerce: missing, null for non-null, of another type
        {"query": "query q($id: ID!) { patient(id: $id) { id } }"},
        {"query": "query q($id: ID!) { patient(id: $id) { id } }", "variables": {"id": None}},
        {
            "query": "query q($id: ID!, $t: Float!) "
            "{ patient(id: $id) { eventList(startTime: $t, endTime: $t) { events { id } } } }",
            "variables": {"id": "0001", "t": "yesterday"},
        },
        {"query": "{ user { id } }", "variables": [1]},
        {"query": 5},
        {"query": "query a { user { id } } query b { org { id } }"},  # which one?
    ],
)
def test_a_query_that_does_not_validate_is_400(http: httpx.Client, body: JSON) -> None:
    graphql_errors(
        http.post("/graphql", json=body, headers=TOKEN_HEADERS), 400, "GRAPHQL_VALIDATION_FAILED"
    )


def test_an_unexpected_failure_is_an_internal_error_without_details(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(graph_routing.q, "stream_type_list", boom)
    err = error(http, "getStreamTypes", "InternalError")
    assert err["message"] == "internal sandbox error"
    assert "secret" not in post(http, "getStreamTypes").text


def test_answers_are_not_logged_failures_are_logged_once(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A not-found id or a bad query is an answer (no log); a sandbox failure is one record."""
    caplog.set_level(logging.DEBUG)
    error(http, "getPatient", "NotFoundError", patientId="9999")
    error(http, "getStreamListByIds", "BadRequestError", streamIds=["x"] * 101)
    http.post("/graphql", json={"query": "{ user { id "}, headers=TOKEN_HEADERS)
    http.post("/graphql", json={"query": "{ user { idx } }"}, headers=TOKEN_HEADERS)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(graph_routing.q, "stream_type_list", boom)
    error(http, "getStreamTypes", "InternalError")
    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.name == "runestream_sandbox" and record.exc_info is not None


# --- the active org, per credential -----------------------------------------------------------


@pytest.mark.usefixtures("fresh_orgs")
def test_update_default_membership_switches_that_credential_only(http: httpx.Client) -> None:
    def active(headers: dict[str, str]) -> str:
        return str(data(http, "getUser", headers)["user"]["defaultMembership"]["org"]["id"])

    def patients(headers: dict[str, str]) -> list[str]:
        pages, _ = walk(
            lambda c: data(http, "getPatientList", headers, patientCursor=c)["org"][
                "patientAccessList"
            ],
            "patientAccess",
        )
        return [a["patient"]["id"] for page in pages for a in page]

    lab_cursor = data(http, "getPatientList")["org"]["patientAccessList"]["pageInfo"]["endCursor"]
    switched = data(http, "updateDefaultMembership", input={"orgId": CLINIC.short_id})
    org = switched["updateDefaultMembership"]["user"]["defaultMembership"]["org"]
    assert org == {"id": CLINIC.id, "created_at": CLINIC.created, "name": CLINIC.name, "tags": []}
    assert active(TOKEN_HEADERS) == CLINIC.id
    assert active(JWT_HEADERS) == LAB.id  # the other credential keeps its org
    assert patients(TOKEN_HEADERS) == clinic_patients()
    assert patients(JWT_HEADERS) == lab_patients()
    clinic_projects = data(http, "getProjects")["org"]["projectList"]["projects"]
    assert [p["id"] for p in clinic_projects] == [
        p.id for p in WORLD.projects if p.org_id == CLINIC.id
    ]
    # the lab's patients and cursors are no longer the token's
    error(http, "getPatient", "NotFoundError", patientId=lab_patients()[-1])
    error(http, "getPatientList", "BadRequestError", patientCursor=lab_cursor)
    # the JWT switches on its own; the full id form works too
    data(http, "updateDefaultMembership", JWT_HEADERS, input={"orgId": CLINIC.id})
    assert active(JWT_HEADERS) == CLINIC.id
    data(http, "updateDefaultMembership", input={"orgId": LAB.id})
    assert (active(TOKEN_HEADERS), active(JWT_HEADERS)) == (LAB.id, CLINIC.id)


# --- faults -----------------------------------------------------------------------------------


def test_faults_from_the_controller_apply_to_graphql(
    server: rs.SandboxServer, http: httpx.Client
) -> None:
    faults = server.app.state.faults
    try:
        faults.add(rs.FaultRule("503", count=1, path="/graphql", retry_after_s=2))
        r = post(http, "getUser")
        graphql_errors(r, 503, "ServiceUnavailable")
        assert r.headers["retry-after"] == "2"
        assert data(http, "getUser")  # once only
        faults.add(rs.FaultRule("429", count=1, skip=1))  # path None matches /graphql too
        assert data(http, "getUser")
        graphql_errors(post(http, "getUser"), 429, "RateLimited")
        assert data(http, "getUser")
    finally:
        faults.clear()


def test_fault_header_applies_to_graphql(http: httpx.Client) -> None:
    def with_fault(value: str) -> httpx.Response:
        return post(http, "getUser", {**TOKEN_HEADERS, "X-Sandbox-Fault": value})

    r = with_fault("429;retry-after=3")
    graphql_errors(r, 429, "RateLimited")
    assert r.headers["retry-after"] == "3"
    graphql_errors(with_fault("503"), 503, "ServiceUnavailable")
    with pytest.raises(httpx.RemoteProtocolError):
        with_fault("drop")
    start = time.perf_counter()
    assert with_fault("latency=0.3").status_code == 200
    assert time.perf_counter() - start >= 0.3
    assert data(http, "getUser")  # a fresh connection after the drop
