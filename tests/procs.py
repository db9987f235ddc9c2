"""Processes as /proc shows them (Linux), for tests that kill things: children of a process, liveness."""

from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of `pid`, or None when there is no such process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # the command name sits in parentheses and may itself hold spaces or parentheses
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, dead but not yet reaped, holds no memory: it counts as gone)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


def children(pid: int) -> list[int]:
    """Live processes whose parent is `pid`."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[1] == pid and stat[0] != "Z":
                out.append(int(entry))
    return sorted(out)


def extraction_workers(pid: int) -> list[int]:
    """The multiprocessing children of `pid` (the extraction workers, and their resource tracker)."""
    return [c for c in children(pid) if "multiprocessing" in cmdline(c)]
