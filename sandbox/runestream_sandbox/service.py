"""One request, synchronously: credentials, parameters, plan, page, rendering and the cache."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .auth import authenticate
from .cache import CachedPage, PageCache
from .context import Ctx, check_common, check_required, content_disposition
from .csvfmt import render_csv
from .frame import Frame
from .operations import Operation
from .pagination import fingerprint, make_token, read_token
from .params import parse_query
from .plans import PLANNERS, BytesPlan, FixedPlan, ItemsPlan, RowsPlan
from .settings import SandboxSettings

NEXT_PAGE_HEADER = "X-Rune-Next-Page-Token"
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=utf-8"


def _exempt(op: Operation, raw: Mapping[str, str], patient_inferred: bool) -> set[str]:
    """Required parameters that this particular request may omit."""
    exempt = {"patient_id"} if patient_inferred else set()
    if op.resource == "state":
        expression = "".join(raw.get("expression", "").split()) or "state"
        if expression == "event_type":
            exempt |= {"event", "fields"}
        elif expression == "update":
            exempt.add("fields")
    return exempt


def handle(
    op: Operation,
    headers: Mapping[str, str],
    query: Sequence[tuple[str, str]],
    settings: SandboxSettings,
    cache: PageCache,
) -> CachedPage:
    """Answer one request or raise :class:`~.errors.ApiError`."""
    principal = authenticate(headers)
    values, raw = parse_query(query, op.params)
    ctx = Ctx(op, values, raw, principal, settings)
    check_required(ctx, _exempt(op, raw, principal.patient_id is not None))
    check_common(ctx)
    if not ctx.given("patient_id") and principal.patient_id is not None:
        values["patient_id"] = principal.patient_id  # inferred: part of the query identity

    if op.page_size is not None:
        page_size = int(values.get("page_size") or 0) or op.page_size[1]
    else:
        page_size = settings.span_page_size
    values["page_size"] = page_size
    query_fp = fingerprint(op.path, values)
    token_mode = ctx.given("next_page_token")
    if token_mode:
        offset = read_token(raw["next_page_token"], query_fp, settings.token_secret)
    else:
        offset = int(values.get("page") or 0) * page_size

    key = (principal.patient_id, op.path, query_fp, offset, page_size, token_mode)
    cached = cache.get(key)
    if cached is not None:
        return cached
    page = _render(ctx, offset, page_size, query_fp, token_mode)
    cache.put(key, page)
    return page


def _render(ctx: Ctx, offset: int, page_size: int, query_fp: str, token_mode: bool) -> CachedPage:
    op = ctx.op
    plan = PLANNERS[op.resource](ctx)
    headers: dict[str, str] = {}
    if ctx.given("filename"):
        headers["Content-Disposition"] = content_disposition(ctx.raw["filename"])
    if isinstance(plan, BytesPlan):
        return CachedPage(plan.body, "application/octet-stream", headers)
    if isinstance(plan, FixedPlan):
        return CachedPage(_json({"success": True, "result": plan.result}), JSON_TYPE, headers)

    total = plan.count() if isinstance(plan, RowsPlan) else len(plan.items)
    stop = min(total, offset + page_size)
    more = stop < total
    if more:
        headers[NEXT_PAGE_HEADER] = make_token(stop, query_fp, ctx.settings.token_secret)
    body: dict[str, Any] = {"success": True}
    if isinstance(plan, ItemsPlan):
        body["result"] = {plan.key: [plan.render(r) for r in plan.items[offset:stop]]}
    else:
        frame: Frame = plan.frame(offset, max(0, stop - offset))
        if op.fmt == "csv":
            if offset > 0 and offset >= total:
                return CachedPage(b"", CSV_TYPE, headers)  # legacy paging past the end
            return CachedPage(render_csv(frame, ctx.time_format), CSV_TYPE, headers)
        part = ctx.get("partition_size") if ctx.given("partition_size") else None
        body["result"] = plan.shape(frame, ctx.time_format, part)
    if more and not token_mode and op.resource != "span":
        body["next_page"] = offset // page_size + 1
    return CachedPage(_json(body), JSON_TYPE, headers)


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), allow_nan=False).encode()
