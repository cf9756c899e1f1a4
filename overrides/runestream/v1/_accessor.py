"""The base of every V1 accessor: default parameters, overrides, and the JSON methods.

An accessor holds default query parameters; every method takes keyword overrides of them
(``None`` removes a default). Parameters are validated before any request
(:func:`runestream.v1._params.prepare_params`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..core._errors import ValidationError
from ..core._pagination import AsyncPaginator, Page, Paginator, check_json_envelope
from ._params import (
    AVAILABILITY_EXPRESSIONS,
    Format,
    get_operation,
    prepare_params,
    unknown_parameter_error,
    valid_names,
)
from ._query import _Query

if TYPE_CHECKING:
    from ._client import V1Client


class _Accessor:
    """Base of the accessors: default parameters and the query they make."""

    #: Resource name in the API path (``/v1/<resource>.json``).
    resource: ClassVar[str]

    def __init__(self, client: V1Client, **defaults: Any) -> None:
        names = valid_names(self.resource)
        for name in defaults:
            if name not in names:
                raise unknown_parameter_error(name, sorted(names), f"{type(self).__name__}")
        self._client = client
        self._defaults = dict(defaults)

    @property
    def defaults(self) -> dict[str, Any]:
        """A copy of the accessor's default query parameters."""
        return dict(self._defaults)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._defaults.items())
        return f"{type(self).__name__}({shown})"

    def _query(
        self, fmt: Format, overrides: Mapping[str, Any], *, expression: str | None = None
    ) -> _Query:
        operation = get_operation(self.resource, fmt)
        params = {**self._defaults, **overrides}
        if expression is not None:
            given = overrides.get("expression")
            if given is not None and given != expression:
                raise ValidationError(
                    f"expression={given!r} conflicts with the availability expression "
                    f"{expression!r} of this method",
                    parameter="expression",
                )
            params["expression"] = expression
        self._client.check_open()
        kwargs = prepare_params(operation, params, auth_method=self._client.config.auth_method)
        return _Query(self._client, operation, kwargs, self._client.deadline)

    def pages(self, fmt: Format = "json", **params: Any) -> Paginator[Page]:
        """Return a paginator over the raw pages of ``GET /v1/<resource>.<fmt>``.

        Parameters are validated now; requests start when iterated. The paginator follows
        ``X-Rune-Next-Page-Token`` (each :class:`Page` shows its ``next_page_token`` for
        resuming later).

        Args:
            fmt: ``"json"`` or ``"csv"``.
            **params: Overrides of the accessor's defaults.

        Returns:
            A :class:`Paginator` yielding :class:`Page` objects.

        Raises:
            ValidationError: A parameter is invalid (before any request).
        """
        return self._query(fmt, params).pages()

    def async_pages(self, fmt: Format = "json", **params: Any) -> AsyncPaginator[Page]:
        """Return an async paginator over ``GET /v1/<resource>.<fmt>`` (``asyncio_detailed``).

        Args:
            fmt: ``"json"`` or ``"csv"``.
            **params: Overrides of the accessor's defaults.

        Returns:
            An :class:`AsyncPaginator` yielding :class:`Page` objects (``async for``).

        Raises:
            ValidationError: A parameter is invalid (before any request).
        """
        return self._query(fmt, params).async_pages()


class _JSONMixin(_Accessor):
    def iter_json_data(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield each page's ``result`` from ``GET /v1/<resource>.json`` (runeq semantics).

        Follows ``X-Rune-Next-Page-Token`` until the last page, sending every other parameter
        unchanged. Validation happens when this method is called, before any request.

        Args:
            **params: Overrides of the accessor's defaults (``None`` removes a default).

        Returns:
            An iterator of ``result`` dicts, one per page.

        Raises:
            ValidationError: A parameter is invalid.
            APIError: A page failed, or its body says ``success: false`` (never yielded).
            PaginationError: The server repeated a page token.
        """
        return self._iter_results(self._query("json", params))

    @staticmethod
    def _iter_results(query: _Query) -> Iterator[dict[str, Any]]:
        for page in query.pages().iter_pages():
            result: dict[str, Any] = check_json_envelope(page)["result"]
            yield result


class _AvailabilityJSONMixin(_JSONMixin):
    def iter_json_availability(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield each page's ``result`` of the resource's availability expression (JSON).

        Like :meth:`iter_json_data` with ``expression=availability(...)`` for this resource
        (``GET /v1/<resource>.json``), following page tokens until the last page.

        Args:
            **params: Overrides of the accessor's defaults; ``expression`` is set for you.

        Returns:
            An iterator of ``result`` dicts, one per page.

        Raises:
            ValidationError: A parameter is invalid.
            APIError: A page failed (never yielded).
            PaginationError: The server repeated a page token.
        """
        query = self._query("json", params, expression=AVAILABILITY_EXPRESSIONS[self.resource])
        return self._iter_results(query)
