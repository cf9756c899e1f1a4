"""``runestream configure``: create, read and edit the runeq-format config file."""

from __future__ import annotations

import argparse
import difflib
import getpass
import sys
from pathlib import Path
from typing import TextIO

from ..core._config import (
    CONFIG_KEYS,
    default_config_path,
    load_config_file,
    save_config_file,
    validate_value,
)
from ..core._errors import ConfigError
from ._exit import OK, UsageError

SECRET_KEYS = frozenset({"access_token_secret", "client_access_key", "jwt"})


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``configure`` and its sub-commands."""
    parser = subparsers.add_parser(
        "configure",
        help="create or edit the config file (~/.rune/config, runeq's format)",
        description="Create or edit the config file. runeq's file works as is.",
    )
    parser.add_argument(
        "--config", metavar="PATH", help="config file (default: $RUNE_CONFIG or ~/.rune/config)"
    )
    sub = parser.add_subparsers(dest="configure_command", metavar="COMMAND", required=True)
    setup = sub.add_parser("setup", help="prompt for an access token ID and secret and save them")
    setup.add_argument(
        "--force", action="store_true", help="overwrite an existing file without asking"
    )
    setup.set_defaults(handler=run_setup)
    get = sub.add_parser("get", help="print the file's values (secrets masked)")
    get.add_argument("key", nargs="?", help="print only this key")
    get.add_argument("--show-secrets", action="store_true", help="print secrets in full")
    get.set_defaults(handler=run_get)
    set_ = sub.add_parser(
        "set",
        help="set one value (values may contain '='); secrets are prompted for",
        description=(
            "Set one value, checked as the client checks it (URL rules, no control characters). "
            "Leave out VALUE to be prompted (hidden input for secrets; a line of stdin when not "
            "on a terminal): a secret typed on the command line stays in the shell history and "
            "is visible to other users in the process list."
        ),
    )
    set_.add_argument("key", help=f"one of: {', '.join(CONFIG_KEYS)}")
    set_.add_argument("value", nargs="?", help="the value (omit to be prompted)")
    set_.set_defaults(handler=run_set)
    path = sub.add_parser("path", help="print the config file's path")
    path.set_defaults(handler=run_path)


def _path(args: argparse.Namespace) -> Path:
    return Path(args.config).expanduser() if args.config else default_config_path()


def _read_existing(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    return {k: str(v) for k, v in load_config_file(path).items() if v is not None}


def mask(value: str) -> str:
    """Hide a secret, keeping only its length class and last two characters."""
    return "********" + value[-2:] if len(value) > 8 else "********"


def _prompt(text: str, *, secret: bool, stdin: TextIO) -> str:
    if secret and stdin.isatty():
        return getpass.getpass(text)
    sys.stderr.write(text)
    sys.stderr.flush()
    line = stdin.readline()
    if not line:
        raise UsageError(
            "no input: run `runestream configure setup` on a terminal or pipe the values"
        )
    return line.strip()


def run_setup(args: argparse.Namespace) -> int:
    """Prompt for an access token and write it (asks before overwriting)."""
    path = _path(args)
    stdin = sys.stdin
    if path.exists() and not args.force:
        answer = _prompt(f"{path} exists. Overwrite? [y/N] ", secret=False, stdin=stdin)
        if answer.lower() not in ("y", "yes"):
            sys.stderr.write("Left the config file unchanged.\n")
            return OK
    token_id = _prompt("Access token ID: ", secret=False, stdin=stdin)
    secret = _prompt("Access token secret: ", secret=True, stdin=stdin)
    if not token_id or not secret:
        raise UsageError("both the access token ID and the secret are needed")
    token_id = validate_value("access_token_id", token_id, "the prompt")
    secret = validate_value("access_token_secret", secret, "the prompt")
    existing = _read_existing(path)
    values = {k: v for k, v in existing.items() if k in ("stream_url", "graph_url")}
    values.update(auth_method="access_token", access_token_id=token_id, access_token_secret=secret)
    written = save_config_file(values, path)
    sys.stderr.write(f"Saved access token to {written} (readable only by you).\n")
    return OK


def _check_key(key: str) -> None:
    if key not in CONFIG_KEYS:
        close = difflib.get_close_matches(key, CONFIG_KEYS, n=1)
        hint = (
            f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(CONFIG_KEYS)}"
        )
        raise UsageError(f"unknown config key {key!r}{hint}")


def run_get(args: argparse.Namespace) -> int:
    """Print the config file's values, secrets masked unless asked."""
    path = _path(args)
    if not path.exists():
        raise ConfigError(f"config file not found: {path} (run `runestream configure setup`)")
    values = _read_existing(path)
    if args.key is not None:
        _check_key(args.key)
        if args.key not in values:
            raise ConfigError(f"{args.key} is not set in {path}")
        keys = [args.key]
    else:
        keys = [k for k in CONFIG_KEYS if k in values]
    for key in keys:
        value = values[key]
        shown = value if (args.show_secrets or key not in SECRET_KEYS) else mask(value)
        print(shown if args.key is not None else f"{key}: {shown}")
    return OK


def run_set(args: argparse.Namespace) -> int:
    """Set one key, keeping the rest of the file."""
    _check_key(args.key)
    secret = args.key in SECRET_KEYS
    if args.value is None:
        raw = _prompt(f"{args.key}: ", secret=secret, stdin=sys.stdin)
        source = "the prompt"
    else:
        raw = args.value
        source = "the command line"
        if secret:
            sys.stderr.write(
                f"warning: {args.key} given on the command line stays in your shell history and "
                "is visible in the process list; run `runestream configure set "
                f"{args.key}` without a value to be prompted instead\n"
            )
    value = validate_value(args.key, raw, source)
    path = _path(args)
    values = _read_existing(path)
    values[args.key] = value
    written = save_config_file(values, path)
    shown = mask(value) if secret else value
    sys.stderr.write(f"Set {args.key} = {shown} in {written}\n")
    return OK


def run_path(args: argparse.Namespace) -> int:
    """Print the config file path in use."""
    print(_path(args))
    return OK
