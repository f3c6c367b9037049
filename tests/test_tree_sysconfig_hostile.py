"""A kept tree's parsed sysconfig (`sysconfig.json`, core/tree_sysconfig.py) read back as hostile
input: whatever happened to it, an install from the tree writes the same `_sysconfigdata_*.py`
bytes as an install by extraction. A well-typed value edited, a bit flipped inside a string, a
file of the old format (no seal, no identity) and one made from another version of the tree's
file are all parsed again from the file, never installed as they say. (A file rewritten on
purpose with its seal and identity made again is not caught: the seal is no defence against
that, as for the manifest itself.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.core.sealed import seal, unseal
from pytui.core.tree_store import TreeStore


def _edit(parsed: Path, change: str) -> None:
    data = parsed.read_bytes()
    body = unseal(data)
    assert body is not None, "pytui seals the file it writes"
    doc = json.loads(body)
    first = next(k for k, v in doc["vars"].items() if isinstance(v, str) and len(v) > 3)
    if change == "value edited, old format":
        doc["vars"][first] = "forged"
        doc["version"] = 1
        for field in ("file", "ino", "size", "mtime_ns"):
            del doc[field]
        parsed.write_text(json.dumps(doc))
    elif change == "a bit flipped in a value":
        at = data.index(json.dumps(doc["vars"][first]).encode()) + 2
        parsed.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:])
    elif change == "made from another version of the file":
        doc["vars"][first] = "forged"
        doc["mtime_ns"] += 1
        parsed.write_bytes(seal(json.dumps(doc).encode()))
    elif change == "file outside the tree":
        doc["vars"][first] = "forged"
        doc["file"] = "../../../" + doc["file"]
        parsed.write_bytes(seal(json.dumps(doc).encode()))


@pytest.mark.parametrize("change", ["value edited, old format",
                                    "a bit flipped in a value", "made from another version of the file",
                                    "file outside the tree"])
def test_a_changed_parsed_sysconfig_is_never_installed(pytui: Pytui, change: str) -> None:
    made = pytui.add("3.12.8")
    key = made.build.key
    pytui.call("install", "3.12")  # extracted; the tree and its parsed sysconfig are kept
    found = sorted((pytui.root / key / "lib" / "python3.12").glob("_sysconfigdata_*.py"))
    assert len(found) == 1
    extracted = found[0].read_bytes()
    parsed = pytui.cache / "trees" / made.build.sha256 / "sysconfig.json"
    store = TreeStore(pytui.cache)
    assert store.sysconfig(made.build.sha256) is not None  # as made, it is used
    _edit(parsed, change)
    assert store.sysconfig(made.build.sha256) is None
    pytui.call("uninstall", "3.12")
    result = pytui.run("install", "3.12")  # from the tree
    assert result.returncode == 0, str(result)
    assert "from the tree" in result.stderr, result.stderr
    assert found[0].read_bytes() == extracted
