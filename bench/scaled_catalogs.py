"""Large catalogs for bench/catalog.py's scale rows: uv's catalog repeated under other major
versions (every key distinct) up to N entries, and pbs-installer's versions file (the embedded
default) repeated the same way, as a `pbs_installer` package found first on PYTHONPATH."""

from __future__ import annotations

import json
from pathlib import Path


def scaled_catalog(source: Path, size: int, out: Path) -> int:
    """uv's catalog repeated under majors 3, 4, 5... up to `size` entries; returns the count."""
    entries = list(json.loads(source.read_bytes()).values())
    scaled: dict[str, dict] = {}
    copy = 0
    while len(scaled) < size:
        for entry in entries:
            if len(scaled) >= size:
                break
            item = dict(entry)
            item["major"] = entry["major"] + copy
            variant = f"+{entry['variant']}" if entry.get("variant") else ""
            arch = entry["arch"]["family"] + (f"_{entry['arch']['variant']}"
                                              if entry["arch"].get("variant") else "")
            name = (f"{entry['name']}-{item['major']}.{entry['minor']}.{entry['patch']}"
                    f"{entry.get('prerelease') or ''}{variant}-{entry['os']}-{arch}-{entry['libc']}")
            scaled[name] = item
        copy += 1
    out.write_text(json.dumps(scaled, separators=(",", ":")))
    return len(scaled)


def scaled_versions_json(size: int, out: Path) -> tuple[int, int]:
    """pbs-installer's versions.json with its CPython versions repeated under majors 4, 5...
    until its builds reach `size`, as a `pbs_installer` package in `out` (found first through
    PYTHONPATH, so the embedded default is this file); returns (builds, file bytes)."""
    import copy

    from pytui.core.embedded import parse_versions, versions_json_path

    path = versions_json_path()
    if path is None:
        raise SystemExit("pbs-installer is not installed: no embedded catalog to scale")
    versions = json.loads(path.read_bytes())
    per_copy = len(parse_versions(versions).builds)
    payload = list(versions)
    shift = 1
    while per_copy * (shift + 1) <= size:  # PyPy and GraalPy are listed once
        for version in versions:
            if version["python_version"].get("implementation", "cpython") != "cpython":
                continue
            item = copy.deepcopy(version)
            item["python_version"]["major"] = item["python_version"].get("major", 3) + shift
            for file in item["files"]:
                for field in ("filename", "url"):
                    file[field] = file[field].replace("cpython-3.", f"cpython-{3 + shift}.", 1)
            payload.append(item)
        shift += 1
    package = out / "pbs_installer"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    data = json.dumps(payload).encode()
    (package / "versions.json").write_bytes(data)
    return len(parse_versions(payload).builds), len(data)
