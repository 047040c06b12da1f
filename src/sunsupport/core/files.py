"""Private files: the database (password hashes, every chat) and the logs are readable by
the service's own user only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sunsupport.core.config import Settings

PRIVATE_UMASK = 0o077
"""Files 0600, directories 0700 for everything the process creates from now on."""


def make_private(settings: Settings) -> None:
    """Set the umask, and take group and others' access away from what exists already
    (a database or log made before this version, or copied in with a loose umask)."""
    os.umask(PRIVATE_UMASK)
    paths: list[Path] = []
    database = settings.sqlite_path()
    if database is not None:
        paths += [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    log_dir = Path(settings.log_dir)
    paths.append(log_dir)
    if log_dir.is_dir():
        paths += [p for p in log_dir.iterdir() if p.is_file()]
    for path in paths:
        if path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(mode & 0o700)
