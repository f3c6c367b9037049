"""A kept tree's parsed sysconfig (`sysconfig.json`, core/tree_sysconfig.py) read back as hostile
input: whatever happened to it, an install from the tree writes the same `_sysconfigdata_*.py`
bytes as an install by extraction. A well-typed value edited, a bit flipped inside a string, a
file of the old format (no seal, no identity) and one made from another version of the tree's
file are all parsed again from the file, never installed as they say; so are a value of the
wrong type and a missing file. (A file rewritten on purpose with its seal and identity made
again is not caught: the seal is no defence against that, as for the manifest itself.)"""

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


class _Extracted:
    """3.12.8 installed by extraction, which kept its tree and the tree's parsed sysconfig."""

    def __init__(self, pytui: Pytui) -> None:
        self.made = pytui.add("3.12.8")
        pytui.call("install", "3.12")
        found = sorted((pytui.root / self.made.build.key / "lib" / "python3.12").glob("_sysconfigdata_*.py"))
        assert len(found) == 1
        # The installed `_sysconfigdata_*.py` and its bytes as the extraction wrote them.
        self.installed = found[0]
        self.extracted = self.installed.read_bytes()
        self.parsed = pytui.cache / "trees" / self.made.build.sha256 / "sysconfig.json"

    def reinstalled_from_the_tree(self, pytui: Pytui) -> str:
        """Uninstall and install again (from the tree); pytui's stderr."""
        pytui.call("uninstall", "3.12")
        result = pytui.run("install", "3.12")
        assert result.returncode == 0, str(result)
        return result.stderr


@pytest.mark.parametrize("kept", ["as made", "hostile", "a lone surrogate in a value",
                                  "a lone surrogate in a name", "missing"])
def test_an_install_from_a_tree_patches_sysconfig_as_an_extraction_does(pytui: Pytui, kept: str) -> None:
    scene = _Extracted(pytui)
    parsed = scene.parsed
    assert json.loads(unseal(parsed.read_bytes()) or b"")["name"] == scene.installed.name
    doc = json.loads(unseal(parsed.read_bytes()) or b"")
    # Read back as hostile input: a value of the wrong type is refused, and so is text no
    # UTF-8 file holds (valid JSON; writing it was a UnicodeEncodeError traceback).
    if kept == "hostile":
        doc["vars"]["CC"] = ["rm", "-rf", "/"]
    elif kept == "a lone surrogate in a value":
        doc["vars"]["CC"] = "clang\ud800"
    elif kept == "a lone surrogate in a name":
        doc["vars"]["CC\ud800"] = "clang"
    if kept == "missing":
        parsed.unlink()
    elif kept != "as made":
        parsed.write_bytes(seal(json.dumps(doc).encode()))
    scene.reinstalled_from_the_tree(pytui)
    assert scene.installed.read_bytes() == scene.extracted


@pytest.mark.parametrize("change", ["value edited, old format",
                                    "a bit flipped in a value", "made from another version of the file",
                                    "file outside the tree"])
def test_a_changed_parsed_sysconfig_is_never_installed(pytui: Pytui, change: str) -> None:
    scene = _Extracted(pytui)
    sha256 = scene.made.build.sha256
    store = TreeStore(pytui.cache)
    assert store.sysconfig(sha256) is not None  # as made, it is used
    _edit(scene.parsed, change)
    assert store.sysconfig(sha256) is None
    stderr = scene.reinstalled_from_the_tree(pytui)
    assert "from the tree" in stderr, stderr
    assert scene.installed.read_bytes() == scene.extracted
