"""Find and read manifest files: files, folders (recursively) and `-` for standard input.

Reading is where gcbctl refuses input it should not parse: files over the size limit, bytes
that are not UTF-8, and control characters YAML does not allow. Those come back as located
Problems (the rest of the files are still read); a path that does not exist is a usage error.
This module knows nothing about YAML or manifests.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from reconciler.core.model import Origin
from reconciler.core.problems import Problem
from reconciler.errors import UsageError

MAX_FILE_BYTES: Final = 64 * 1024 * 1024
STDIN_NAME: Final = "<stdin>"
MANIFEST_SUFFIXES: Final = (".yaml", ".yml")
_BOM: Final = b"\xef\xbb\xbf"
# Characters YAML does not allow in a stream: C0 controls but tab/LF/CR, and DEL (a byte class
# that the regex engine scans fast), then C1 controls but NEL and the non-characters U+FFFE/FFFF
# (only searched for when their lead bytes occur at all).
_NOT_PRINTABLE: Final = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_PRINTABLE_WIDE: Final = re.compile(rb"\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input: its display name, its bytes, and the folder relative paths start from."""

    name: str
    data: bytes
    folder: Path


def collect(paths: Sequence[str], *, stdin: bytes | None = None) -> list[SourceFile]:
    """Every manifest file named by `paths`, in a stable order, without duplicates."""
    if not paths:
        raise UsageError("no manifest paths given", hint="pass files, folders or - for stdin")
    found: list[SourceFile] = []
    seen: set[str] = set()
    for raw in paths:
        for name, folder in _expand(raw):
            if name in seen:
                continue
            seen.add(name)
            data = _read_stdin(stdin) if name == STDIN_NAME else _read_file(Path(name))
            found.append(SourceFile(name, data, folder))
    return found


def _expand(raw: str) -> list[tuple[str, Path]]:
    if raw == "-":
        return [(STDIN_NAME, Path.cwd())]
    path = Path(raw)
    if path.is_dir():
        members = sorted(
            member
            for member in path.rglob("*")
            if member.suffix in MANIFEST_SUFFIXES
            and member.is_file()
            and not any(part.startswith(".") for part in member.relative_to(path).parts)
        )
        if not members:
            raise UsageError(
                f"no manifest files (*.yaml, *.yml) under {raw}", hint="check the folder"
            )
        return [(str(member), member.parent) for member in members]
    if path.is_file():
        return [(str(path), path.parent)]
    raise UsageError(f"no such file or folder: {raw}", hint="check the path")


def _read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", hint="check the path") from exc


def _read_stdin(given: bytes | None) -> bytes:
    if given is not None:
        return given[: MAX_FILE_BYTES + 1]
    return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)


def decode(name: str, data: bytes) -> tuple[str | None, Problem | None]:
    """The text of a file, or the Problem that stops it from being read."""
    origin = Origin(name)
    if len(data) > MAX_FILE_BYTES:
        message = f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
        hint = "split it into several files"
        return None, Problem("file.too-large", message, origin, hint=hint, line=1, column=1)
    data = data.removeprefix(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(data, exc.start)
        message = f"not UTF-8 (byte 0x{data[exc.start]:02x})"
        hint = "save the file as UTF-8"
        return None, Problem("file.not-utf8", message, origin, hint=hint, line=line, column=column)
    bad = _not_printable(data)
    if bad is not None:
        line, column = _line_column(data, bad.start())
        message = f"control character U+{ord(data[bad.start() : bad.end()].decode()):04X}"
        hint = "remove it; YAML and CSV manifests must be printable text"
        problem = Problem("file.control-character", message, origin, hint=hint)
        return None, problem.located(line, column)
    return text, None


_CONTROL_BYTES: Final = frozenset([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_PRINTABLE_BYTES: Final = bytes(byte for byte in range(256) if byte not in _CONTROL_BYTES)


def _not_printable(data: bytes) -> re.Match[bytes] | None:
    # `translate` deleting everything but control bytes is a fast C loop; only search when needed.
    has_control = bool(data.translate(None, _PRINTABLE_BYTES))
    found = _NOT_PRINTABLE.search(data) if has_control else None
    if not data.isascii() and (b"\xc2" in data or b"\xef\xbf" in data):
        wide = _NOT_PRINTABLE_WIDE.search(data)
        if wide is not None and (found is None or wide.start() < found.start()):
            return wide
    return found


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column
