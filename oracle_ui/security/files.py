"""The data directory holds secrets: password and token hashes, the audit log, the key that signs browser
sessions, the sessions themselves and uploaded files. Only the account the server runs as may read it."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
"""Files this process creates from now on are 0600, directories 0700."""


def make_private(data_dir: Path) -> None:
    """Create files and directories private from now on (umask 077), create ``data_dir`` 0700 and tighten what it
    already holds (say from an older version): directories to 0700, files to 0600."""
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True)
    for path in (data_dir, *data_dir.rglob('*')):
        if path.is_symlink():
            continue
        try:
            path.chmod(0o700 if path.is_dir() else 0o600)
        except OSError as error:
            log.warning('could not make %s private: %s', path, error)
