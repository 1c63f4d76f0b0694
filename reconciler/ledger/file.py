"""The ledger file: append sealed records, safely against crashes and other writers.

Each append (one record, or a group from `reconciler.ledger.commit`) takes an exclusive `flock`,
reads the chain head from the last line (only the tail of the file is read, and not at all when
nobody else wrote since), seals the entries after it, writes them with one `write` on an
`O_APPEND` descriptor, unlocks and `fsync`s. Because the head is read under the lock, two gcbctl
processes appending at once take turns and the chain stays whole. A last line without its newline
means a writer died mid-record: appending after it would bury the damage, so this refuses instead.

It must not decide what goes into a record (that is `reconciler.ledger.ledger`) nor redact.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from reconciler.core.ledger_records import ChainHead, Entry, head_of, parse_line, seal, to_line
from reconciler.errors import LedgerError, RefusedError

LOCK_TIMEOUT_S: Final = 30.0
_LOCK_POLL_S: Final = 0.002
_TAIL_CHUNK: Final = 8192


def append(path: Path, entry: Entry, *, time_text: str, actor: Mapping[str, str]) -> dict[str, Any]:
    """Seal `entry` after the current head of the ledger at `path` and write it durably."""
    return append_many(path, [(entry, time_text)], actor=actor)[0]


def append_many(
    path: Path, entries: Sequence[tuple[Entry, str]], *, actor: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Seal and write `(entry, time)` pairs in order under one lock, then fsync once."""
    appender = Appender(path)
    try:
        return appender.append_many(entries, actor=actor)
    finally:
        appender.close()


class Appender:
    """The ledger file kept open between appends, remembering the head it wrote last.

    The head is re-read from the file whenever its size or inode is not what this appender left
    (another process appended, or the file was moved or replaced), so the cache never outlives the
    lock's protection; it only saves a read when nobody else wrote in between.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._left: tuple[int, int, ChainHead] | None = None

    def append_many(
        self, entries: Sequence[tuple[Entry, str]], *, actor: Mapping[str, str], sync: bool = True
    ) -> list[dict[str, Any]]:
        """Seal and write `(entry, time)` pairs in order under one lock; fsync unless `sync` is
        False (then `sync()` must follow: the lines are written, not yet durable)."""
        try:
            fd = self._descriptor()
            _lock(fd, self.path)
            try:
                sealed = self._write_locked(fd, entries, actor)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
            if sync:
                os.fsync(fd)
        except OSError as exc:
            self.close()
            raise _write_error(self.path, exc) from exc
        return sealed

    def sync(self) -> None:
        """fsync what this appender wrote."""
        if self._fd is None:
            return
        try:
            os.fsync(self._fd)
        except OSError as exc:
            self.close()
            raise _write_error(self.path, exc) from exc

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._left = None, None

    def _write_locked(
        self, fd: int, entries: Sequence[tuple[Entry, str]], actor: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        stat = os.fstat(fd)
        left = self._left
        if left is not None and left[:2] == (stat.st_ino, stat.st_size):
            head = left[2]
        else:
            head = read_head(fd, self.path)
        sealed = []
        for entry, time_text in entries:
            sealed.append(seal(entry, head=head, time=time_text, actor=actor))
            head = head_of(sealed[-1])
        data = b"".join(to_line(record) for record in sealed)
        _write_all(fd, data)
        self._left = (stat.st_ino, stat.st_size + len(data), head)
        return sealed

    def _descriptor(self) -> int:
        """The open ledger; reopened when the file at `path` is no longer the one held."""
        if self._fd is not None:
            try:
                same = os.stat(self.path).st_ino == os.fstat(self._fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                return self._fd
            self.sync()
            self.close()
        created = not self.path.exists()
        if created:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        if created:
            _sync_dir(self.path.parent)
        return self._fd


def check_appendable(path: Path) -> ChainHead:
    """The current head, or LedgerError now if the file could not be appended to (torn, bad)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return ChainHead()
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        return read_head(fd, path)
    finally:
        os.close(fd)


def read_head(fd: int, path: Path) -> ChainHead:
    """The chain head from the last line; LedgerError if that line is torn or not a record."""
    size = os.fstat(fd).st_size
    if size == 0:
        return ChainHead()
    last = _last_line(fd, size)
    if not last.endswith(b"\n"):
        raise LedgerError(
            f"the ledger {path} ends with an incomplete record (line {_count_lines(path)}), "
            "probably left by a crash",
            hint=f"run `gcbctl ledger verify {path}`; keep a copy, then remove the incomplete "
            "last line to let gcbctl append again",
        )
    try:
        return head_of(parse_line(last))
    except (ValueError, KeyError, TypeError) as exc:
        raise LedgerError(
            f"the last line of the ledger {path} is not a ledger record",
            hint=f"run `gcbctl ledger verify {path}` to see where the ledger was damaged",
        ) from exc


def iter_lines(path: Path) -> Iterator[bytes]:
    """Every line of the ledger with its newline (the last one may lack it when torn)."""
    try:
        with path.open("rb") as handle:
            yield from handle
    except FileNotFoundError as exc:
        raise LedgerError(
            f"no ledger at {path}", hint="pass the ledger's path, or run plan/apply first"
        ) from exc
    except OSError as exc:
        raise LedgerError(f"cannot read the ledger {path}: {exc.strerror}") from exc


def _last_line(fd: int, size: int) -> bytes:
    """The last line (with its newline if any), reading backwards from the end in growing chunks."""
    chunk = _TAIL_CHUNK
    while True:
        start = max(0, size - chunk)
        data = os.pread(fd, size - start, start)
        cut = data.rfind(b"\n", 0, len(data) - 1)
        if cut >= 0:
            return data[cut + 1 :]
        if start == 0:
            return data
        chunk *= 4


def _lock(fd: int, path: Path) -> None:
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise RefusedError(
                    f"the ledger {path} stayed locked by another process "
                    f"for {LOCK_TIMEOUT_S:.0f} s",
                    hint="another gcbctl may be stuck; check running processes and retry",
                ) from None
            time.sleep(_LOCK_POLL_S)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _sync_dir(folder: Path) -> None:
    """Make a newly created ledger's directory entry durable too."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _write_error(path: Path, exc: OSError) -> LedgerError:
    return LedgerError(
        f"cannot write the ledger {path}: {exc.strerror or exc}",
        hint="check the folder's permissions and free space, or pass --ledger PATH / --no-ledger",
    )
