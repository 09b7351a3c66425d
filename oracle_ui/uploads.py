"""Each user's uploaded bar files, in their own folder of the data directory, within a quota.

The server names every file (``<random id>.csv``); the name it was uploaded as is kept only to show it. A user
sees and replaces only their own files: ``data_dir/uploads/<user>/``. Keeping a new file past the quota (files or
bytes per user) removes that user's oldest ones. Problems with a file are reported under the name it was uploaded
as, never its path on the server.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .engine.bars import Bars, BarsError, load_bars
from .logs import escape_controls

log = logging.getLogger(__name__)

INDEX = 'index.json'
_PLAIN_NAME = re.compile(r'[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,63}')
_ID = re.compile(r'[0-9a-f]{32}')


class UploadError(ValueError):
    """An upload that cannot be kept; the message names the file as uploaded."""


@dataclass(frozen=True, slots=True)
class StoredUpload:
    """One kept file: ``id`` names it on disk, ``name`` is what it was uploaded as (for display only)."""

    id: str
    name: str
    size: int
    time: float


def display_name(uploaded_as: str) -> str:
    """A name to show for a file uploaded as ``uploaded_as``: its last path part, printable, at most 80 characters."""
    name = re.split(r'[/\\]', uploaded_as)[-1].strip()
    return escape_controls(name)[:80] or 'upload.csv'


class Uploads:
    """The uploaded files of every user under ``root``.

    :param root: the folder of all users' uploads (``data_dir/uploads``)
    :param max_files: files each user keeps at most
    :param max_bytes: bytes each user's files take at most, together
    """

    def __init__(self, root: Path, max_files: int, max_bytes: int) -> None:
        self.root = root
        self.max_files = max_files
        self.max_bytes = max_bytes

    def folder(self, user: str) -> Path:
        """``user``'s folder: named after the user if that is a plain file name, else after a hash of it."""
        name = user if _PLAIN_NAME.fullmatch(user) else 'user-' + hashlib.sha256(user.encode()).hexdigest()[:32]
        return self.root / name

    def listing(self, user: str) -> list[StoredUpload]:
        """``user``'s files, oldest first."""
        return sorted(self._index(user).values(), key=lambda u: u.time)

    def new_path(self, user: str) -> Path:
        """Where to write an upload of ``user`` before :meth:`keep` (a fresh name in their folder)."""
        folder = self.folder(user)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f'{secrets.token_hex(16)}.csv.part'

    def check_size(self, written: Path, uploaded_as: str) -> None:
        """Refuse a file that alone is over the quota (before reading it)."""
        size = written.stat().st_size
        if size > self.max_bytes:
            name = display_name(uploaded_as)
            raise UploadError(f'{name}: {size:,} bytes is over the upload quota of {self.max_bytes:,} bytes')

    def keep(self, user: str, written: Path, uploaded_as: str) -> tuple[StoredUpload, list[StoredUpload]]:
        """Keep ``written`` (from :meth:`new_path`) as ``user``'s upload named ``uploaded_as``; returns it and the
        older files removed to stay within the quota."""
        self.check_size(written, uploaded_as)
        name = display_name(uploaded_as)
        size = written.stat().st_size
        index = self._index(user)
        removed: list[StoredUpload] = []
        for old in sorted(index.values(), key=lambda u: u.time):
            if len(index) < self.max_files and sum(u.size for u in index.values()) + size <= self.max_bytes:
                break
            self.path(user, old.id).unlink(missing_ok=True)
            removed.append(index.pop(old.id))
        upload = StoredUpload(written.name.split('.')[0], name, size, time.time())
        written.replace(self.path(user, upload.id))
        index[upload.id] = upload
        self._save(user, index)
        return upload, removed

    def path(self, user: str, upload_id: str) -> Path:
        """Where ``user``'s upload ``upload_id`` lives (only an id of theirs names a file of theirs)."""
        if not _ID.fullmatch(upload_id):
            raise UploadError('no such upload')
        return self.folder(user) / f'{upload_id}.csv'

    def _index(self, user: str) -> dict[str, StoredUpload]:
        path = self.folder(user) / INDEX
        try:
            entries = json.loads(path.read_text())
            return {e['id']: StoredUpload(**e) for e in entries if self.path(user, e['id']).exists()}
        except FileNotFoundError:
            return {}
        except (ValueError, TypeError, KeyError, UploadError) as error:
            log.warning('ignoring the unreadable upload index %s: %s', path, error)
            return {}

    def _save(self, user: str, index: dict[str, StoredUpload]) -> None:
        path = self.folder(user) / INDEX
        part = path.with_suffix('.part')
        part.write_text(json.dumps([asdict(u) for u in index.values()]))
        part.replace(path)


def load_named(path: Path, shown_as: str) -> Bars:
    """:func:`~oracle_ui.engine.bars.load_bars`, with problems reported under ``shown_as`` instead of ``path``."""
    try:
        return load_bars(path)
    except BarsError as error:
        raise BarsError(str(error).replace(str(path), shown_as)) from None


def read_bars(path: Path, shown_as: str) -> Bars | str:
    """:func:`load_named` for another process: the bars, or the problem as text (what a worker process returns
    crosses back more simply than an exception)."""
    try:
        return load_named(path, shown_as)
    except BarsError as error:
        return str(error)
