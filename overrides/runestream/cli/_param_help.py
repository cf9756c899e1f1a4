"""``runestream fetch --help RESOURCE``: the resource's documented parameters, from the spec.

The list comes from ``runestream_api.params.PARAMETERS`` (generated from ``spec/stream-api.yaml``
by ``scripts/regenerate``): names, types, whether required or deprecated, defaults and the
documented meaning, for the operation ``fetch`` calls (``.csv``) and, where it differs, the one
``--format jsonl`` calls (``.json``).
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from runestream_api.params import PARAMETERS, Parameter

from ..v1._params import OPERATIONS, Operation

__all__ = ["ResourceHelpAction", "render_parameters"]


def _operation_id(operation: Operation) -> str:
    return str(operation.module.__name__).rsplit(".", 1)[-1]


def _cli_type(annotation: str) -> str:
    """A parameter's type as a command line user sees it: ``one of unix|datetime|iso``, ``list``."""
    if annotation.startswith("Literal["):
        inside = annotation[len("Literal[") : annotation.index("]")]
        values = ast.literal_eval(f"[{inside}]")
        return "one of " + "|".join(repr(v) if v == "" else str(v) for v in values)
    return annotation.replace("Sequence[str | int]", "list").replace("TimeLike", "time")


#: Options whose destination is not the parameter's name (``--start`` sets ``start_time``).
_OPTION_DESTS = {"start_time": "start", "end_time": "end"}


def _options(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Parameter name -> the dedicated option that sets it (``patient_id`` -> ``--patient-id``)."""
    by_dest = {a.dest: a.option_strings[-1] for a in parser._actions if a.option_strings}
    names = {name: by_dest[name] for name in by_dest}
    names.update({name: by_dest[dest] for name, dest in _OPTION_DESTS.items() if dest in by_dest})
    return names


def render_parameters(
    resource: str, parser: argparse.ArgumentParser | None = None, width: int | None = None
) -> str:
    """The help text listing ``resource``'s parameters.

    Args:
        resource: A ``fetch`` resource, e.g. ``"accel"``.
        parser: The ``fetch`` parser, to name the options that set a parameter directly.
        width: Line width (default: the terminal's, at most 100).

    Returns:
        The text, ending with a newline.
    """
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 100)
    csv, json = OPERATIONS.get(f"{resource}.csv"), OPERATIONS.get(f"{resource}.json")
    main = csv or json
    if main is None:
        raise KeyError(resource)
    options = _options(parser) if parser is not None else {}
    listed: dict[str, tuple[Parameter, list[str]]] = {}
    for operation in (op for op in (csv, json) if op is not None):
        for param in PARAMETERS[_operation_id(operation)]:
            listed.setdefault(param.name, (param, []))[1].append(operation.format)
    title = f"parameters of {resource}: GET {main.path}"
    if csv is not None and json is not None:
        title += f" (with --format jsonl: GET {json.path})"
    lines = [
        title,
        "give each as --param NAME=VALUE (or with its own option, where shown); times also take",
        "ISO-8601 or a date (--start/--end), lists a comma-separated string",
        "",
    ]
    for name, (param, formats) in listed.items():
        notes = [_cli_type(param.type)]
        if param.required:
            notes.append("required")
        if param.deprecated:
            notes.append("deprecated")
        if param.default not in (None, ""):
            notes.append(f"default {param.default!r}")
        if len(formats) == 1 and csv is not None and json is not None:
            notes.append("only with --format jsonl" if formats == ["json"] else "not with jsonl")
        option = options.get(name)
        head = f"  {name} ({', '.join(notes)})" + (f" [{option}]" if option else "")
        lines.append(head)
        lines += textwrap.wrap(
            param.description or "(undocumented)",
            width=width,
            initial_indent="      ",
            subsequent_indent="      ",
            break_on_hyphens=False,
        )
    return "\n".join(lines) + "\n"


class ResourceHelpAction(argparse.Action):
    """``-h/--help [RESOURCE]``: the usual help, then RESOURCE's parameters when one is named.

    The resource may follow ``--help`` or precede it (``fetch accel --help``).
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("default", argparse.SUPPRESS)
        super().__init__(option_strings, dest, nargs="?", metavar="RESOURCE", **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        resource = values if isinstance(values, str) else getattr(namespace, "resource", None)
        if resource is not None and f"{resource}.json" not in OPERATIONS:
            choices = ", ".join(sorted({op.resource for op in OPERATIONS.values()}))
            parser.error(f"--help: unknown resource {resource!r} (choose from {choices})")
        parser.print_help()
        if resource is None:
            sys.stdout.write("\nrun with --help RESOURCE to list a resource's parameters\n")
        else:
            sys.stdout.write("\n" + render_parameters(resource, parser))
        parser.exit()
