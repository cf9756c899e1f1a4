"""Authentication: the ``X-Rune-*`` header pair, as an :class:`httpx.Auth`."""

from __future__ import annotations

from collections.abc import Generator, Mapping

import httpx

__all__ = ["RuneAuth", "origin_of"]


def origin_of(url: httpx.URL) -> tuple[str, str, int | None]:
    """Return the (scheme, host, port) origin of ``url``, default ports normalised.

    Args:
        url: An absolute URL.

    Returns:
        The origin triple; ``https://h`` and ``https://h:443`` compare equal.
    """
    return (url.scheme, url.host.lower(), url.port)


class RuneAuth(httpx.Auth):
    """Adds the credential header pair to every request sent to the Stream API's origin.

    Requests to any other origin (an absolute URL given by mistake) are sent without the
    headers, so credentials never leave for a foreign host.

    Args:
        headers: The header pair, e.g. :attr:`runestream.Config.auth_headers`.
        base_url: The Stream API base URL; its origin is the only one that gets the headers.
    """

    def __init__(self, headers: Mapping[str, str], base_url: str | httpx.URL) -> None:
        self._headers = dict(headers)
        self._origin = origin_of(httpx.URL(base_url))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Attach the headers when the request goes to the API's origin.

        Args:
            request: The outgoing request.

        Yields:
            The request, with the headers when its origin matches.
        """
        if origin_of(request.url) == self._origin:
            request.headers.update(self._headers)
        yield request

    def non_ascii_headers(self) -> list[str]:
        """Names of the headers whose values are not ASCII (such values cannot be sent)."""
        return sorted(name for name, value in self._headers.items() if not value.isascii())

    def __repr__(self) -> str:
        scheme, host, port = self._origin
        where = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
        return f"RuneAuth(headers={sorted(self._headers)!r}, origin={where!r})"
