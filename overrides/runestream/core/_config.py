"""Configuration: credentials and base URL, read the way runeq reads them, plus env vars.

Sources, highest precedence first:

1. keyword arguments to :class:`Config`;
2. environment variables ``RUNE_ACCESS_TOKEN_ID``, ``RUNE_ACCESS_TOKEN_SECRET``,
   ``RUNE_CLIENT_KEY_ID``, ``RUNE_CLIENT_ACCESS_KEY``, ``RUNE_STREAM_URL``, ``RUNE_GRAPH_URL``;
3. the YAML config file: the ``path`` argument, else ``$RUNE_CONFIG``, else ``~/.rune/config``
   (runeq's file and keys, so existing runeq users need nothing new);
4. defaults (``stream_url`` ``https://stream.runelabs.io``).

``stream_url`` and ``graph_url`` are taken key by key from the highest source that sets them.
Credentials are taken *as a set* from the highest source that holds any credential key, so a
client key passed as keyword arguments is never mixed with an access token from the file.
With an explicit ``auth_method``, the set comes from the highest source holding any key of that
method.

Four methods, as runeq's: an access token pair, a client key pair, a JWT (``jwt``, sent as
``X-Rune-User-Access-Token``; ``auth_method: jwt`` in the file) and ``custom_auth_headers``
(a mapping of header names to values, sent as is; ``auth_method: custom``). Cognito refresh
tokens (runeq's ``cognito_refresh``, which needs boto3) are refused with a clear error.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import httpx
import yaml

from ._errors import ConfigError
from ._logging import register_secret

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_GRAPH_URL",
    "DEFAULT_STREAM_URL",
    "AuthMethod",
    "Config",
    "default_config_path",
    "load_config_file",
    "save_config_file",
    "validate_value",
]

AuthMethod = Literal["access_token", "client_key", "jwt", "custom"]

DEFAULT_STREAM_URL: Final = "https://stream.runelabs.io"
DEFAULT_GRAPH_URL: Final = "https://graph.runelabs.io"
DEFAULT_CONFIG_PATH: Final = "~/.rune/config"
#: Keys runestream reads from (and writes to) the YAML file; others are ignored when read.
CONFIG_KEYS: Final = (
    "auth_method",
    "access_token_id",
    "access_token_secret",
    "client_key_id",
    "client_access_key",
    "jwt",
    "stream_url",
    "graph_url",
)
#: The file key holding custom auth headers (a mapping, so not in ``CONFIG_KEYS``).
CUSTOM_HEADERS_KEY: Final = "custom_auth_headers"
ENV_CONFIG_PATH: Final = "RUNE_CONFIG"
#: Environment variable for each config key that can come from the environment.
ENV_VARS: Final[Mapping[str, str]] = {
    "access_token_id": "RUNE_ACCESS_TOKEN_ID",
    "access_token_secret": "RUNE_ACCESS_TOKEN_SECRET",
    "client_key_id": "RUNE_CLIENT_KEY_ID",
    "client_access_key": "RUNE_CLIENT_ACCESS_KEY",
    "stream_url": "RUNE_STREAM_URL",
    "graph_url": "RUNE_GRAPH_URL",
}

ACCESS_TOKEN_HEADERS: Final = ("X-Rune-User-Access-Token-Id", "X-Rune-User-Access-Token-Secret")
CLIENT_KEY_HEADERS: Final = ("X-Rune-Client-Key-Id", "X-Rune-Client-Access-Key")
JWT_HEADER: Final = "X-Rune-User-Access-Token"
#: Header names custom auth headers may not set (the HTTP stack owns them).
_RESERVED_HEADERS: Final = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "te", "upgrade", "trailer"}
)
_TOKEN_CHARS: Final = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

_PAIRS: Final[Mapping[AuthMethod, tuple[str, str]]] = {
    "access_token": ("access_token_id", "access_token_secret"),
    "client_key": ("client_key_id", "client_access_key"),
}
#: The keys that make up each method's credentials.
_METHOD_KEYS: Final[Mapping[AuthMethod, tuple[str, ...]]] = {
    **_PAIRS,
    "jwt": ("jwt",),
    "custom": (CUSTOM_HEADERS_KEY,),
}
_PAIR_LABELS: Final[Mapping[AuthMethod, str]] = {
    "access_token": "access token",
    "client_key": "client key",
    "jwt": "JWT",
    "custom": "custom auth header",
}
# runeq writes "client_keys"; "client_key" is this package's name. Both are accepted.
_AUTH_METHOD_ALIASES: Final[Mapping[str, AuthMethod]] = {
    "access_token": "access_token",
    "client_key": "client_key",
    "client_keys": "client_key",
    "jwt": "jwt",
    "custom": "custom",
}
_RUNEQ_AUTH_METHOD: Final[Mapping[AuthMethod, str]] = {
    "access_token": "access_token",
    "client_key": "client_keys",
    "jwt": "jwt",
    "custom": "custom",
}
#: Credential keys holding one string (``validate_value`` checks them as header values).
_CREDENTIAL_KEYS: Final = (*_PAIRS["access_token"], *_PAIRS["client_key"], "jwt")
_ALL_CREDENTIAL_KEYS: Final = (*_CREDENTIAL_KEYS, CUSTOM_HEADERS_KEY)
_NULLS: Final = frozenset({"", "~", "null", "Null", "NULL"})


def default_config_path() -> Path:
    """Return the config file path used when none is given.

    Returns:
        ``$RUNE_CONFIG`` if set, else ``~/.rune/config`` (user directory expanded).
    """
    return Path(os.environ.get(ENV_CONFIG_PATH) or DEFAULT_CONFIG_PATH).expanduser()


def load_config_file(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read a runeq-format YAML config file.

    Scalars are read as strings exactly as written (a numeric-looking ID such as ``0123`` stays
    ``"0123"``); empty values and ``null`` read as absent.

    Args:
        path: The file; ``None`` means :func:`default_config_path`.

    Returns:
        The file's top-level mapping (all keys, including ones runestream ignores); ``{}`` for an
        empty file.

    Raises:
        ConfigError: The file is missing, unreadable, not YAML, or not a mapping.
    """
    file = Path(path).expanduser() if path is not None else default_config_path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {file}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {file}: {exc.strerror}") from None
    try:
        data: Any = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"config file {file} is not valid YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {file} must hold a mapping of key: value lines")
    return {str(k): (None if isinstance(v, str) and v in _NULLS else v) for k, v in data.items()}


def save_config_file(
    values: Mapping[str, str | Mapping[str, str] | None],
    path: str | os.PathLike[str] | None = None,
) -> Path:
    """Write a runeq-format YAML config file, readable only by its owner.

    The file is written to a temporary file in the same directory and renamed into place, with
    mode 0600. A directory that has to be created is created with mode 0700, and the default
    directory (``~/.rune``) is tightened to 0700.

    Args:
        values: Keys and string values to write (``None`` values are left out); a mapping of
            strings is written as a nested mapping (``custom_auth_headers``). Keys outside
            runeq's set are written as given.
        path: Target file; ``None`` means :func:`default_config_path`.

    Returns:
        The path written.

    Raises:
        ConfigError: A value is not a string, or the file cannot be written.
    """
    file = Path(path).expanduser() if path is not None else default_config_path()
    data: dict[str, str | dict[str, str]] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            data[key] = dict(value)
            continue
        if not isinstance(value, str):
            raise ConfigError(f"config value for {key!r} must be a string")
        data[key] = value
    directory = file.parent
    try:
        if not directory.exists():
            directory.mkdir(mode=0o700, parents=True)
        elif directory == Path(DEFAULT_CONFIG_PATH).expanduser().parent:
            directory.chmod(0o700)
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{file.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"cannot write config file {file}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            yaml.safe_dump(data, handle, default_flow_style=False, sort_keys=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, file)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise ConfigError(f"cannot write config file {file}: {exc.strerror}") from None
    return file


def _validate_url(key: str, value: str, source: str) -> str:
    """Return the URL without a trailing slash; refuse plain http:// to non-loopback hosts."""
    if _has_control_character(value):
        raise ConfigError(f"{_where(key, source)} contains a control character")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        raise ConfigError(f"{key} from {source} is not a valid URL") from None
    if url.scheme not in ("https", "http") or not url.host:
        raise ConfigError(f"{key} from {source} must be an https:// URL with a host")
    if url.userinfo:
        raise ConfigError(f"{key} from {source} must not contain a user name or password")
    if url.scheme == "http" and not is_loopback(url.host):
        raise ConfigError(
            f"{key} from {source} uses plain http:// to {url.host}; credentials would travel "
            "unencrypted. Use https://, or http:// only to a loopback host "
            "(localhost, 127.0.0.0/8, ::1)"
        )
    return str(url).rstrip("/")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is localhost or a loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _clean(value: Any, key: str, source: str) -> str | None:
    """A source's value with surrounding whitespace stripped (a pasted value, a CRLF file)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{key} in {source} must be a plain string value")
    value = value.strip()
    return None if value in _NULLS else value


def _where(key: str, source: str) -> str:
    """Name a value's origin for an error message: the variable, or the key and its source."""
    if source == "environment" and key in ENV_VARS:
        return f"{ENV_VARS[key]} in the environment"
    return f"{key} from {source}"


def _has_control_character(value: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)


def _check_header_value(key: str, value: str, source: str) -> str:
    """Refuse a credential that cannot travel in an HTTP header, naming the key, never the value.

    Surrounding whitespace has been stripped already; what remains (control characters such as
    CR, LF or NUL inside the value, or non-ASCII characters) would be refused by the HTTP stack,
    whose error message quotes the value in full.
    """
    if _has_control_character(value):
        problem = "a control character (CR, LF, NUL, tab, escape ...)"
    elif not value.isascii():
        problem = "a non-ASCII character"
    else:
        return value
    raise ConfigError(
        f"{_where(key, source)} contains {problem}, which cannot be sent in an HTTP header; "
        "check for a mangled copy-paste and set the value again"
    )


def validate_value(key: str, value: str, source: str) -> str:
    """Clean and check one config value the way :class:`Config` checks it when read.

    Used before a value is written (``runestream configure set``), so a bad value is refused
    where it is typed, not on the next request.

    Args:
        key: A config key (one of ``CONFIG_KEYS``).
        value: The value as given.
        source: Where it came from, for the message (e.g. ``"the command line"``).

    Returns:
        The value with surrounding whitespace stripped (URLs also lose a trailing slash).

    Raises:
        ConfigError: The value is empty, has control characters, is a refused URL, an unknown
            ``auth_method``, or a credential that cannot be sent in an HTTP header. The message
            names the key, never the value.
    """
    cleaned = _clean(value, key, source)
    if cleaned is None:
        raise ConfigError(f"{key} from {source} is empty")
    if key in ("stream_url", "graph_url"):
        return _validate_url(key, cleaned, source)
    if key in _CREDENTIAL_KEYS:
        return _check_header_value(key, cleaned, source)
    if _has_control_character(cleaned):
        raise ConfigError(f"{key} from {source} contains a control character")
    if key == "auth_method":
        _parse_auth_method(cleaned, source)
    return cleaned


class Config:
    """Credentials and API location for the Stream API, compatible with runeq's ``Config``.

    Examples:
        >>> cfg = Config()  # doctest: +SKIP
        # ~/.rune/config (or $RUNE_CONFIG), overridden by RUNE_* environment variables
        >>> cfg = Config("./example_config.yaml")  # doctest: +SKIP
        >>> cfg = Config(access_token_id="...", access_token_secret="...")  # doctest: +SKIP
        >>> cfg = Config(client_key_id="...", client_access_key="...")  # doctest: +SKIP
        >>> cfg = Config(jwt="eyJ...")  # doctest: +SKIP
        >>> cfg = Config(custom_auth_headers={"X-My-Auth": "..."})  # doctest: +SKIP

    Precedence: keyword arguments > environment variables > config file > defaults; see the
    module docstring for how credential sets are picked. The file is optional unless ``path`` or
    ``$RUNE_CONFIG`` names it.

    Args:
        path: YAML config file to read. Without it, ``$RUNE_CONFIG`` or ``~/.rune/config`` is
            read if it exists.
        auth_method: ``"access_token"``, ``"client_key"`` (runeq's ``"client_keys"`` is
            accepted), ``"jwt"`` or ``"custom"``. Inferred from the credentials present when
            omitted.
        access_token_id: User access token ID.
        access_token_secret: User access token secret.
        client_key_id: Client key ID.
        client_access_key: Client access key.
        jwt: A JWT, sent as ``X-Rune-User-Access-Token`` (no ``Bearer``).
        custom_auth_headers: Header names and values sent as is on every request (runeq's
            ``custom_auth_headers``); each value is treated as a secret.
        stream_url: Base URL of the Stream API; ``https://`` (``http://`` only to loopback).
        graph_url: Base URL of the GraphQL metadata API (requests go to ``{graph_url}/graphql``);
            the same rules as ``stream_url``.

    Raises:
        ConfigError: Credentials are missing, incomplete or ambiguous (the message names the
            missing key or variable), the file is unreadable, or a URL is refused.
    """

    __slots__ = (
        "_auth_method",
        "_graph_url",
        "_headers",
        "_key_id",
        "_secret",
        "_source",
        "_stream_url",
    )

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        auth_method: str | None = None,
        access_token_id: str | None = None,
        access_token_secret: str | None = None,
        client_key_id: str | None = None,
        client_access_key: str | None = None,
        jwt: str | None = None,
        custom_auth_headers: Mapping[str, str] | None = None,
        stream_url: str | None = None,
        graph_url: str | None = None,
    ) -> None:
        kwargs = {
            "auth_method": auth_method,
            "access_token_id": access_token_id,
            "access_token_secret": access_token_secret,
            "client_key_id": client_key_id,
            "client_access_key": client_access_key,
            "jwt": jwt,
            "stream_url": stream_url,
            "graph_url": graph_url,
        }
        keyword_layer: dict[str, Any] = {
            k: _clean(v, k, "keyword arguments") for k, v in kwargs.items()
        }
        keyword_layer[CUSTOM_HEADERS_KEY] = _custom_headers(
            custom_auth_headers, "keyword arguments"
        )
        layers: list[tuple[str, dict[str, Any]]] = [
            ("keyword arguments", keyword_layer),
            (
                "environment",
                {k: _clean(os.environ.get(var), k, "environment") for k, var in ENV_VARS.items()},
            ),
        ]
        file_layer = self._read_file_layer(path)
        if file_layer is not None:
            layers.append(file_layer)

        explicit = layers[0][1]["auth_method"]
        method: AuthMethod | None = _parse_auth_method(explicit, "keyword arguments")
        source_name, source = self._pick_credential_source(layers, method)
        if method is None:
            method = _parse_auth_method(source.get("auth_method"), source_name)
        if method is None:
            method = _infer_auth_method(source, source_name)
        self._auth_method: AuthMethod = method
        self._source: str = source_name
        self._key_id: str | None = None
        self._secret: str | None = None
        if method == "custom":
            headers = source.get(CUSTOM_HEADERS_KEY)
            if not headers:
                raise ConfigError(
                    f"auth_method 'custom' needs {CUSTOM_HEADERS_KEY} in {source_name}"
                )
            self._headers: dict[str, str] = dict(headers)
        elif method == "jwt":
            token = source.get("jwt")
            if not token:
                raise ConfigError(f"incomplete JWT credentials in {source_name}: missing jwt")
            self._secret = _check_header_value("jwt", token, source_name)
            self._headers = {JWT_HEADER: token}
        else:
            id_key, secret_key = _PAIRS[method]
            key_id, secret = source.get(id_key), source.get(secret_key)
            missing = [k for k, v in ((id_key, key_id), (secret_key, secret)) if not v]
            if missing or key_id is None or secret is None:
                names = ", ".join(_describe_key(k, source_name) for k in missing)
                raise ConfigError(
                    f"incomplete {_PAIR_LABELS[method]} credentials in {source_name}: "
                    f"missing {names}"
                )
            _check_header_value(id_key, key_id, source_name)
            _check_header_value(secret_key, secret, source_name)
            self._key_id, self._secret = key_id, secret
            names_ = ACCESS_TOKEN_HEADERS if method == "access_token" else CLIENT_KEY_HEADERS
            self._headers = {names_[0]: key_id, names_[1]: secret}
        for value in self._headers.values():
            register_secret(value)

        url_source, url = _first(layers, "stream_url")
        self._stream_url: str = _validate_url(
            "stream_url", url or DEFAULT_STREAM_URL, url_source or "defaults"
        )
        graph_source, graph = _first(layers, "graph_url")
        self._graph_url: str = (
            _validate_url("graph_url", graph, graph_source or "defaults")
            if graph
            else DEFAULT_GRAPH_URL
        )

    @staticmethod
    def _read_file_layer(
        path: str | os.PathLike[str] | None,
    ) -> tuple[str, dict[str, Any]] | None:
        explicit = path is not None or bool(os.environ.get(ENV_CONFIG_PATH))
        file = Path(path).expanduser() if path is not None else default_config_path()
        if not explicit and not file.exists():
            return None
        name = f"config file {file}"
        raw = load_config_file(file)
        values: dict[str, Any] = {k: _clean(raw.get(k), k, name) for k in CONFIG_KEYS}
        values[CUSTOM_HEADERS_KEY] = _custom_headers(raw.get(CUSTOM_HEADERS_KEY), name)
        return name, values

    @staticmethod
    def _pick_credential_source(
        layers: list[tuple[str, dict[str, Any]]], method: AuthMethod | None
    ) -> tuple[str, dict[str, Any]]:
        wanted = _METHOD_KEYS[method] if method is not None else _ALL_CREDENTIAL_KEYS
        for name, values in layers:
            if any(values.get(k) for k in wanted):
                return name, values
        searched = ", ".join(name for name, _ in layers)
        if len(layers) < 3:
            searched += f", config file {default_config_path()} (not found)"
        label = f"{_PAIR_LABELS[method]} credentials" if method is not None else "credentials"
        raise ConfigError(
            f"no {label} found (looked in {searched}). Pass access_token_id and "
            "access_token_secret, set RUNE_ACCESS_TOKEN_ID and RUNE_ACCESS_TOKEN_SECRET, or run "
            "`runestream configure setup`"
        )

    @property
    def auth_method(self) -> AuthMethod:
        """``"access_token"``, ``"client_key"``, ``"jwt"`` or ``"custom"``: which headers go."""
        return self._auth_method

    @property
    def stream_url(self) -> str:
        """Base URL of the Stream API, without a trailing slash."""
        return self._stream_url

    @property
    def graph_url(self) -> str:
        """Base URL of the Graph API (kept for runeq compatibility)."""
        return self._graph_url

    @property
    def access_token_id(self) -> str | None:
        """The access token ID (not secret), or ``None`` with client key auth."""
        return self._key_id if self._auth_method == "access_token" else None

    @property
    def client_key_id(self) -> str | None:
        """The client key ID (not secret), or ``None`` with access token auth."""
        return self._key_id if self._auth_method == "client_key" else None

    @property
    def auth_headers(self) -> dict[str, str]:
        """The headers that authenticate a request (they contain the secret).

        The ``X-Rune-*`` pair, ``X-Rune-User-Access-Token`` for a JWT, or the custom headers.
        """
        return dict(self._headers)

    @property
    def source(self) -> str:
        """Where the credentials came from, e.g. ``"environment"`` (for diagnostics)."""
        return self._source

    def to_file_values(self) -> dict[str, str | dict[str, str]]:
        """Return this configuration as runeq-format config file keys (contains the secret).

        Returns:
            ``auth_method`` (runeq spelling), the credentials (the pair, ``jwt``, or
            ``custom_auth_headers`` as a mapping), ``stream_url``, ``graph_url``.
        """
        values: dict[str, str | dict[str, str]] = {
            "auth_method": _RUNEQ_AUTH_METHOD[self._auth_method]
        }
        if self._auth_method == "custom":
            values[CUSTOM_HEADERS_KEY] = dict(self._headers)
        elif self._auth_method == "jwt":
            values["jwt"] = self._headers[JWT_HEADER]
        else:
            id_key, secret_key = _PAIRS[self._auth_method]
            values[id_key] = self._key_id or ""
            values[secret_key] = self._secret or ""
        values["stream_url"] = self._stream_url
        values["graph_url"] = self._graph_url
        return values

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write this configuration as a runeq-compatible YAML file (mode 0600).

        Args:
            path: Target file; ``None`` means ``$RUNE_CONFIG`` or ``~/.rune/config``.

        Returns:
            The path written.

        Raises:
            ConfigError: The file cannot be written.
        """
        return save_config_file(self.to_file_values(), path)

    def __repr__(self) -> str:
        return (
            f"Config(auth_method={self._auth_method!r}, stream_url={self._stream_url!r}, "
            f"source={self._source!r}, credentials=<redacted>)"
        )

    __str__ = __repr__


def _first(layers: list[tuple[str, dict[str, Any]]], key: str) -> tuple[str | None, str | None]:
    for name, values in layers:
        value = values.get(key)
        if value:
            return name, value
    return None, None


def _parse_auth_method(value: str | None, source: str) -> AuthMethod | None:
    if value is None:
        return None
    method = _AUTH_METHOD_ALIASES.get(value)
    if method is not None:
        return method
    if value == "cognito_refresh":
        raise ConfigError(
            f"auth_method 'cognito_refresh' from {source} is not supported (it needs boto3 and "
            "Cognito); use a JWT (auth_method: jwt), an access token or a client key"
        )
    raise ConfigError(
        f"auth_method {value!r} from {source} is invalid: expected 'access_token', "
        "'client_key', 'jwt' or 'custom'"
    )


def _infer_auth_method(values: Mapping[str, Any], source: str) -> AuthMethod:
    present = [m for m, keys in _METHOD_KEYS.items() if any(values.get(k) for k in keys)]
    if len(present) > 1:
        labels = [_PAIR_LABELS[m] for m in present]
        both = " and ".join(labels) if len(labels) == 2 else ", ".join(labels)
        raise ConfigError(
            f"both {both} credentials are set in {source}; "
            f"set auth_method to one of {', '.join(map(repr, present))} to choose"
        )
    return present[0]


def _custom_headers(value: Any, source: str) -> dict[str, str] | None:
    """Check runeq's ``custom_auth_headers``: header names to values, each value a secret."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{CUSTOM_HEADERS_KEY} in {source} must be a mapping of header names to values"
        )
    headers: dict[str, str] = {}
    for raw_name, raw_value in value.items():
        if not isinstance(raw_name, str) or not raw_name or set(raw_name) - _TOKEN_CHARS:
            raise ConfigError(
                f"{CUSTOM_HEADERS_KEY} in {source} has an invalid header name {raw_name!r}"
            )
        if raw_name.lower() in _RESERVED_HEADERS:
            raise ConfigError(
                f"{CUSTOM_HEADERS_KEY} in {source} may not set {raw_name!r} (set by the client)"
            )
        key = f"{CUSTOM_HEADERS_KEY}[{raw_name}]"
        cleaned = _clean(raw_value, key, source)
        if cleaned is None:
            raise ConfigError(f"{key} in {source} is empty")
        headers[raw_name] = _check_header_value(key, cleaned, source)
    return headers or None


def _describe_key(key: str, source: str) -> str:
    if source == "environment" and key in ENV_VARS:
        return ENV_VARS[key]
    return key
