"""The manifest's path checks (core/tree_manifest.parse_columns) against a plain reference.

A manifest is hostile input: every path must be relative, clean (no empty, '.' or '..'
component, no NUL, one line) and under a listed directory. `parse_columns` checks each path's
last component and its parent (by induction, every component); the reference below checks
every component of every path by splitting it. Hypothesis draws path lists from an alphabet
that makes every kind of bad path likely.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.core.tree_manifest import TreeCorrupt, parse_columns


def reference_ok(paths: list[str], kinds: str) -> bool:
    """Whether every path is clean and relative and every entry's parent a listed directory."""
    if len(set(paths)) != len(paths):
        return False
    for path in paths:
        if "\0" in path or "\n" in path or any(part in ("", ".", "..") for part in path.split("/")):
            return False
    directories = {path for path, kind in zip(paths, kinds, strict=True) if kind == "d"}
    return all(path.rpartition("/")[0] in directories or "/" not in path for path in paths)


def manifest(paths: list[str], kinds: str) -> bytes:
    count = len(paths)
    return json.dumps({"version": 1, "sha256": "a" * 64, "archive": "a.tar.gz", "key": "k",
                       "path": paths, "kind": kinds, "mode": [0o755] * count, "size": [0] * count,
                       "mtime_ns": [0] * count, "ino": [0] * count, "target": [""] * count}).encode()


component = st.sampled_from(["a", "b", "", ".", "..", ".a", "a.", "\n", "\0", "a\nb"])
path = st.lists(component, min_size=1, max_size=4).map("/".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(path, st.sampled_from("dff")), max_size=8))
def test_path_checks_agree_with_splitting_every_path(rows: list[tuple[str, str]]) -> None:
    paths = [p for p, _kind in rows]
    kinds = "".join(kind for _path, kind in rows)
    try:
        parse_columns(manifest(paths, kinds))
        accepted = True
    except TreeCorrupt:
        accepted = False
    assert accepted == reference_ok(paths, kinds), (paths, kinds)


@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=4).map("/".join))
def test_a_clean_path_under_listed_directories_is_accepted(clean: str) -> None:
    parts = clean.split("/")
    parents = ["/".join(parts[:n]) for n in range(1, len(parts))]
    parse_columns(manifest([*parents, clean], "d" * len(parents) + "f"))
