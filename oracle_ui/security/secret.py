"""The storage secret that signs browser sessions, created once per data directory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def storage_secret(data_dir: Path) -> str:
    """Read ``data_dir/.storage_secret`` or create it (mode 0600) with 256 random bits."""
    path = Path(data_dir) / '.storage_secret'
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'w') as handle:
        handle.write(value)
    return value
