"""Temporary files beside an output file, with the permissions the final file should have.

Every file runestream writes for the user (``to_csv``, ``to_parquet``, ``runestream fetch``,
session downloads, the demo's files) is first written to a temporary file in the target's
directory and then renamed onto the target. The temporary file is created here, so the final
file's permissions follow the same rule as ``cp`` and shell redirection:

* a new file gets ``0o666 & ~umask`` (``0644`` with the usual umask ``022``), applied by the
  kernel when the file is created;
* a file that is replaced keeps its permission bits (an ``0644`` file stays ``0644``, a ``0600``
  one stays ``0600``).

The configuration file is not written through this module: it holds secrets and stays ``0600``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import Final

__all__ = ["NEW_FILE_MODE", "create_temp_beside"]

#: Mode asked for when creating a file; the process umask is taken off it by the kernel.
NEW_FILE_MODE: Final = 0o666

_FLAGS: Final = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_ATTEMPTS: Final = 100


def create_temp_beside(target: Path, *, tag: str = "") -> tuple[int, Path]:
    """Create a new, empty temporary file in ``target``'s directory for writing.

    The file is named ``.<target name>.<tag><random>.part`` (hidden, never the target itself)
    and created exclusively. Its permissions are those ``target`` should end up with: the
    permission bits of ``target`` if it already exists as a regular file, else
    ``0o666 & ~umask``.

    Args:
        target: The final file the temporary file will be renamed onto.
        tag: Extra text in the name (e.g. a part number), to tell temporary files apart.

    Returns:
        ``(open file descriptor, path)``; the caller closes the descriptor and removes or renames
        the file.

    Raises:
        FileExistsError: No free name was found (practically impossible).
        OSError: The directory is missing or not writable.
    """
    for _ in range(_ATTEMPTS):
        path = target.parent / f".{target.name}.{tag}{secrets.token_hex(4)}.part"
        try:
            fd = os.open(path, _FLAGS, NEW_FILE_MODE)
        except FileExistsError:
            continue
        try:
            _keep_mode_of(target, fd)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return fd, path
    raise FileExistsError(f"no free temporary file name beside {target}")


def _keep_mode_of(target: Path, fd: int) -> None:
    """Give the new file the permission bits of the file it will replace, if there is one."""
    try:
        existing = target.stat()
    except OSError:
        return
    if stat.S_ISREG(existing.st_mode):
        os.fchmod(fd, stat.S_IMODE(existing.st_mode) & 0o777)
