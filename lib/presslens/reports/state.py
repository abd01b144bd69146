"""The site's state file: what each page's last build recorded; atomic writes of site files.

Every file of the site (pages, index, site map, state, assets) is written to a temporary
file beside it and renamed over it, so a run killed at any point leaves each file either as
the previous run wrote it or as this run wrote it, never half written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from presslens.reports.plan import Report

STATE_FILE = ".presslens-reports.json"
STATE_VERSION = 2


def load_state(path: Path) -> dict[str, dict]:
    """Filename -> what the last build of that page recorded; {} for a missing or old file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return {}
    return {k: v for k, v in data.get("reports", {}).items() if isinstance(v, dict)}


def save_state(path: Path, state: dict[str, dict]) -> None:
    """Write the state file atomically."""
    write_atomic(path, json.dumps({"version": STATE_VERSION, "reports": state}, indent=1,
                                  sort_keys=True))


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write a file through a temporary file in the same folder and a rename.

    The temporary name carries the process id: two workers never share one.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if isinstance(text, bytes):
        tmp.write_bytes(text)
    else:
        tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def remove_leftovers(folder: Path) -> None:
    """Delete temporary files a killed run left behind."""
    for pattern in (".*.tmp", "notebooks/.*.tmp", "assets/.*.tmp"):
        for leftover in folder.glob(pattern):
            leftover.unlink(missing_ok=True)


def why_run(report: Report, previous: dict | None, out: Path, *, force: bool = False) -> str:
    """Why a report must be executed ("" when it is up to date)."""
    if force:
        return "forced"
    if not previous:
        return "new"
    if previous.get("status") != "ok":
        return "failed last time"
    if not (out / report.filename).exists():
        return "page missing"
    if previous.get("fingerprint") == report.fingerprint:
        return ""
    old = previous.get("parts") or {}
    changed = sorted(k for k in report.parts.keys() | old.keys() if report.parts.get(k) != old.get(k))
    return "changed: " + ", ".join(changed) if changed else "changed"
