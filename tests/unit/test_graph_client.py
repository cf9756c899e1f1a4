"""The GraphQL client layer: transport, errors, retries, cursors and validation (mock server).

Each test answers the generated client's POSTs with ``httpx.MockTransport`` and checks what
runestream sent and raised: where requests go (``graph_url`` + ``/graphql``, credentials for
that origin only), GraphQL ``errors`` → the APIError tree, a query retried on 5xx and a mutation
not, a repeated cursor refused, pages followed to the end, bad input refused before any request.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import runestream
from runestream import (
    APIError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    ServerError,
    Session,
    SessionClosedError,
    ValidationError,
)
from runestream.core import _transport
from runestream.graph._http import is_mutation
from runestream.objects import ItemNotFoundError

from .conftest import BASE_URL, FAKE_TOKEN_ID, FAKE_TOKEN_SECRET, cut_response

GRAPH_URL = "https://graph.example.test"
Answer = Callable[[dict[str, Any]], httpx.Response]


def ok(data: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json={"data": data})


def user_data() -> dict[str, Any]:
    return {
        "user": {
            "id": "user-1,user",
            "created_at": 1.0,
            "name": "U",
            "defaultMembership": {"org": {"id": "org-a,org", "name": "A"}},
            "email": "u@example.test",
        }
    }


class Server:
    """A mock GraphQL server: records each request body and answers with ``answer``."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        self.bodies.append(body)
        return self.answer(body)

    def session(self, **kwargs: Any) -> Session:
        config = runestream.Config(
            access_token_id=FAKE_TOKEN_ID,
            access_token_secret=FAKE_TOKEN_SECRET,
            stream_url=BASE_URL,
            graph_url=GRAPH_URL,
        )
        kwargs.setdefault("sleep", lambda _s: None)
        return Session(config, transport=httpx.MockTransport(self), **kwargs)


def test_a_query_goes_to_graph_url_with_the_credentials_and_operation() -> None:
    server = Server(lambda body: ok(user_data()))
    with server.session() as session:
        user = session.user.get_current_user()
    assert (user.id, user.name, user.active_org_id) == ("user-1,user", "U", "org-a,org")
    (request,) = server.requests
    assert str(request.url) == f"{GRAPH_URL}/graphql"
    assert request.method == "POST"
    assert request.headers["X-Rune-User-Access-Token-Id"] == FAKE_TOKEN_ID
    assert server.bodies[0]["operationName"] == "getUser"
    assert server.bodies[0]["query"].lstrip().startswith("query getUser")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("NotFoundError", NotFoundError),
        ("PermissionDeniedError", PermissionDeniedError),
        ("BadRequestError", BadRequestError),
        ("GRAPHQL_VALIDATION_FAILED", BadRequestError),
        ("InternalError", ServerError),
        ("SomethingNew", runestream.APIStatusError),
    ],
)
def test_graphql_errors_raise_the_error_tree_with_code_and_message(
    code: str, error: type[APIError]
) -> None:
    answer = {
        "data": {"patient": None},
        "errors": [
            {"message": "patient not found: 9", "path": ["patient"], "extensions": {"code": code}},
            {"message": "second", "extensions": {"code": "Other"}},
        ],
    }
    server = Server(lambda body: httpx.Response(200, json=answer))
    with server.session() as session, pytest.raises(error) as raised:
        session.patient.get_patient("9")
    assert type(raised.value) is error
    assert raised.value.error_type == code
    assert raised.value.message == "patient not found: 9 (at patient); and 1 more error(s)"
    assert FAKE_TOKEN_SECRET not in str(raised.value) + repr(raised.value)


def test_an_http_error_with_a_graphql_body_keeps_its_code_and_message() -> None:
    body = {"errors": [{"message": "bad credentials", "extensions": {"code": "InvalidAuth"}}]}
    server = Server(lambda _b: httpx.Response(401, json=body))
    with server.session() as session, pytest.raises(AuthenticationError) as raised:
        session.user.get_current_user()
    assert raised.value.status_code == 401
    assert raised.value.error_type == "InvalidAuth"
    assert raised.value.message == "bad credentials"


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>proxy</html>"),
        httpx.Response(200, json={"unexpected": 1}),
        httpx.Response(200, json={"data": None}),
        httpx.Response(200, json={"data": None, "errors": "boom"}),
    ],
)
def test_an_answer_that_is_not_a_graphql_result_is_an_error_not_data(
    response: httpx.Response,
) -> None:
    server = Server(lambda _b: response)
    with server.session() as session, pytest.raises(APIError, match="GraphQL API answered"):
        session.user.get_current_user()


def test_a_query_is_retried_on_5xx_and_429() -> None:
    answers = iter([httpx.Response(503), httpx.Response(429), ok(user_data())])
    server = Server(lambda _b: next(answers))
    with server.session() as session:
        assert session.user.get_current_user().name == "U"
    assert len(server.requests) == 3


def test_a_mutation_is_not_retried_after_it_was_sent() -> None:
    server = Server(lambda _b: httpx.Response(503))
    with server.session() as session, pytest.raises(ServerError):
        session.org.set_active_org("org-b,org")
    assert len(server.requests) == 1
    assert server.bodies[0]["variables"] == {"input": {"orgId": "org-b,org"}}


def test_is_mutation_reads_the_first_operation_keyword() -> None:
    assert is_mutation("mutation m { x }")
    assert is_mutation("# comment\n  mutation m { x }")
    assert not is_mutation("query q { x }")
    assert not is_mutation("{ x }")
    assert not is_mutation("  query mutationLike { x }")


def memberships(pages: list[tuple[list[str], str | None]]) -> Answer:
    by_cursor = {}
    cursor = None
    for orgs, end in pages:
        by_cursor[cursor] = (orgs, end)
        cursor = end

    def answer(body: dict[str, Any]) -> httpx.Response:
        orgs, end = by_cursor[body["variables"].get("cursor")]
        entries = [
            {"org": {"id": f"org-{o},org", "created_at": 1.0, "name": o, "tags": []}} for o in orgs
        ]
        listing = {"pageInfo": {"endCursor": end}, "memberships": entries}
        return ok({"user": {"membershipList": listing}})

    return answer


def test_pages_are_followed_until_the_cursor_is_null() -> None:
    server = Server(memberships([(["a"], "c1"), (["b"], "c2"), (["c"], None)]))
    with server.session() as session:
        orgs = session.org.get_orgs()
    assert [o.id for o in orgs] == ["a", "b", "c"]
    assert [b["variables"].get("cursor") for b in server.bodies] == [None, "c1", "c2"]


def test_a_repeated_cursor_raises_instead_of_looping() -> None:
    def answer(body: dict[str, Any]) -> httpx.Response:
        listing = {"pageInfo": {"endCursor": "same"}, "memberships": []}
        return ok({"user": {"membershipList": listing}})

    server = Server(answer)
    with server.session() as session, pytest.raises(PaginationError, match="repeated"):
        session.org.get_orgs()
    assert len(server.requests) == 2


def test_get_org_not_a_member_is_item_not_found_a_value_error() -> None:
    server = Server(memberships([(["a"], None)]))
    with server.session() as session:
        assert session.org.get_org("org-a,org").id == "a"
        with pytest.raises(ItemNotFoundError, match="Org not found") as raised:
            session.org.get_org("zzz")
    assert isinstance(raised.value, ValueError)


def test_project_patients_send_the_cursor_as_cursor_input() -> None:
    def answer(body: dict[str, Any]) -> httpx.Response:
        cursor = (body["variables"].get("cursorInput") or {}).get("codeNameCursor")
        code, end = {None: ("A", "A"), "A": ("B", None)}[cursor]
        row = {
            "patient": {"id": f"p{code}", "patientAccessList": {"patientAccess": []}},
            "project_code_name": code,
            "created_at": 1.0,
            "updated_at": 1.0,
            "created_by": "x",
            "updated_by": "x",
        }
        listing = {"projectPatients": [row], "pageInfo": {"codeNameEndCursor": end}}
        return ok({"project": {"organization_id": "org-a,org", "projectPatientList": listing}})

    server = Server(answer)
    with server.session() as session:
        patients = session.project.get_project_patients("proj")
    assert [p.project_code_name for p in patients] == ["A", "B"]
    assert [b["variables"].get("cursorInput") for b in server.bodies] == [
        None,
        {"codeNameCursor": "A"},
    ]


def stream(i: int) -> dict[str, Any]:
    return {
        "id": f"{i:064x}",
        "created_at": 1.0,
        "algorithm": "alg",
        "device_id": "patient-p,device-d",
        "patient_id": "p",
        "streamType": {"id": "t", "name": "T", "description": "", "shape": {"dimensions": []}},
        "parameters": [{"key": "category", "value": "vitals"}],
        "min_time": 0.0,
        "max_time": 1.0,
    }


def test_stream_metadata_batches_of_100_ids_each_id_once_always_a_set() -> None:
    def answer(body: dict[str, Any]) -> httpx.Response:
        ids = body["variables"]["streamIds"]
        found = [stream(int(i, 16)) for i in ids if int(i, 16) != 150]
        return ok({"streamListByIds": {"pageInfo": {"endCursor": None}, "streams": found}})

    server = Server(answer)
    ids = [f"{i:064x}" for i in range(1, 150)]
    with server.session() as session:
        found = session.stream_metadata.get_stream_metadata([*ids, ids[0]])
        assert list(found.ids()) == ids
        one = session.stream_metadata.get_stream_metadata(ids[3])
        assert type(one).__name__ == "StreamMetadataSet" and len(one) == 1
        with pytest.raises(NotFoundError, match=f"1 stream id.*{150:064x}"):
            session.stream_metadata.get_stream_metadata([ids[0], f"{150:064x}"])
    sizes = sorted(len(b["variables"]["streamIds"]) for b in server.bodies[:2])
    assert sizes == [49, 100]


def test_patient_stream_metadata_filters() -> None:
    server = Server(
        lambda _b: ok({"streamList": {"pageInfo": {"endCursor": None}, "streams": [stream(1)]}})
    )
    with server.session() as session:
        found = session.stream_metadata.get_patient_stream_metadata(
            "patient-p", device_id="d", category="vitals", measurement="heart_rate", axis="x"
        )
    assert len(found) == 1
    (body,) = server.bodies
    assert body["variables"]["filters"] == {
        "patientId": "p",
        "deviceId": "patient-p,device-d",
        "streamTypeId": None,
        "algorithm": None,
        "parameters": [
            {"key": "axis", "value": "x"},
            {"key": "category", "value": "vitals"},
            {"key": "measurement", "value": "heart_rate"},
        ],
    }


def test_events_are_fetched_in_90_day_windows_each_paged() -> None:
    def answer(body: dict[str, Any]) -> httpx.Response:
        v = body["variables"]
        event = {
            "id": f"e{v['startTime']}-{v.get('cursor')}",
            "display_name": "x",
            "custom_detail": None,
            "duration": {"start_time": v["startTime"], "end_time": None, "end_time_max": None},
            "payload": "{}",
            "classification": {"namespace": "patient", "category": "activity", "enum": None},
            "tags": [],
            "method": None,
            "created_at": 1.0,
            "updated_at": 1.0,
        }
        end = "next" if v.get("cursor") is None else None
        listing = {"events": [event], "pageInfo": {"endCursor": end}}
        return ok({"patient": {"eventList": listing}})

    server = Server(answer)
    day = 86_400.0
    with server.session() as session:
        events = session.event.get_patient_activity_events("p", 0, 200 * day)
    windows = sorted(
        {(b["variables"]["startTime"], b["variables"]["endTime"]) for b in server.bodies}
    )
    assert windows == [(0, 90 * day), (90 * day, 180 * day), (180 * day, 200 * day)]
    assert len(server.requests) == 6
    assert [e.start_time for e in events] == [0, 0, 90 * day, 90 * day, 180 * day, 180 * day]
    assert server.bodies[0]["variables"]["includeFilters"] == [
        {"namespace": "patient", "category": "activity", "enum": "*"}
    ]


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda s: s.patient.get_patient(""), "patient_id"),
        (lambda s: s.patient.get_patient(12), "patient_id"),
        (lambda s: s.patient.get_device("p", None), "device_id"),
        (lambda s: s.patient.get_all_devices("p1"), "patients"),
        (lambda s: s.org.get_org(None), "org_id"),
        (lambda s: s.org.set_active_org(3), "org"),
        (lambda s: s.project.get_project(""), "project_id"),
        (lambda s: s.project.get_cohort_patients(None), "cohort_id"),
        (lambda s: s.stream_metadata.get_stream_metadata([]), "stream_ids"),
        (lambda s: s.stream_metadata.get_stream_metadata(["a", 3]), "stream_ids"),
        (lambda s: s.stream_metadata.get_stream_metadata(7), "stream_ids"),
        (lambda s: s.stream_metadata.get_patient_stream_metadata("p", axis=1), "axis"),
        (lambda s: s.event.get_patient_events("p", 10, 5), "start_time"),
        (lambda s: s.event.get_patient_events("p", "soon", 5), "start_time"),
        (lambda s: s.event.get_patient_events("p", 0, 5, [{"kind": "x"}]), "include_filters"),
        (lambda s: s.event.get_patient_events("p", 0, 5, "patient"), "include_filters"),
    ],
)
def test_bad_input_is_refused_before_any_request(
    call: Callable[[Session], Any], parameter: str
) -> None:
    server = Server(lambda _b: pytest.fail("no request expected"))
    with server.session() as session, pytest.raises(ValidationError) as raised:
        call(session)
    assert raised.value.parameter == parameter
    assert server.requests == []


def test_a_closed_session_refuses_metadata_calls() -> None:
    server = Server(lambda _b: ok(user_data()))
    session = server.session()
    session.close()
    with pytest.raises(SessionClosedError):
        session.user.get_current_user()
    assert server.requests == []


def test_close_inside_an_event_loop_closes_the_metadata_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The GraphQL API is used synchronously only: metadata calls build no async httpx client
    (none to leak), and ``close()`` closes the one pooled client even inside an event loop."""
    built: list[object] = []

    def no_async_client(*args: object, **kwargs: object) -> None:
        built.append(args)

    monkeypatch.setattr(_transport, "_AsyncClient", no_async_client)
    server = Server(lambda _b: ok(user_data()))
    session = server.session()
    session.user.get_current_user()
    graph = session.graph_httpx_client()

    async def close_in_loop() -> None:
        session.close()

    asyncio.run(close_in_loop())
    assert graph.is_closed
    assert built == []
    with pytest.raises(SessionClosedError):
        session.graph_httpx_client()


def test_metadata_workers_is_checked_first() -> None:
    with pytest.raises(ValidationError, match="metadata_workers"):
        Server(lambda _b: ok({})).session(metadata_workers=0)


def _raises(exc: Exception) -> Answer:
    def answer(_body: dict[str, Any]) -> httpx.Response:
        raise exc

    return answer


@pytest.mark.parametrize(
    "fault",
    [
        _raises(httpx.ConnectError("refused")),
        _raises(httpx.ReadError("reset")),
        _raises(httpx.ReadTimeout("slow")),
        lambda _b: cut_response(json.dumps({"data": user_data()}).encode(), 20),
    ],
    ids=["connect", "reset", "timeout", "cut-body"],
)
def test_a_query_is_retried_after_a_connection_fault_or_a_cut_body(fault: Answer) -> None:
    answers = iter([fault, lambda _b: ok(user_data())])
    server = Server(lambda body: next(answers)(body))
    with server.session() as session:
        assert session.user.get_current_user().name == "U"
    assert len(server.requests) == 2


def test_a_mutation_is_retried_only_when_nothing_was_sent() -> None:
    payload = {
        "updateDefaultMembership": {
            "user": {
                "defaultMembership": {
                    "org": {"id": "org-b,org", "created_at": 1.0, "name": "B", "tags": []}
                }
            }
        }
    }
    answers = iter([_raises(httpx.ConnectError("refused")), lambda _b: ok(payload)])
    server = Server(lambda body: next(answers)(body))
    with server.session() as session:
        assert session.org.set_active_org("org-b,org").id == "b"
    assert len(server.requests) == 2
    server = Server(_raises(httpx.ReadError("reset after the body was sent")))
    with server.session() as session, pytest.raises(runestream.APIConnectionError):
        session.org.set_active_org("org-b,org")
    assert len(server.requests) == 1


def test_a_query_failing_every_attempt_raises_a_connection_error() -> None:
    server = Server(_raises(httpx.ConnectError("refused")))
    with server.session() as session, pytest.raises(runestream.APIConnectionError):
        session.patient.get_all_patients()
    assert len(server.requests) == runestream.RetryPolicy().max_attempts


def test_frame_workers_reach_the_data_source_and_are_checked_first() -> None:
    server = Server(lambda _b: ok({}))
    with server.session(frame_workers=7) as session:
        assert session.metadata_source.workers == 7  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="frame_workers"):
        server.session(frame_workers=11)
