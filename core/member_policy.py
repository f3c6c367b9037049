"""What an archive member may be called and point at, checked as text before the tree is touched.

These are the cheap, lexical refusals (absolute names, `..`, NUL bytes, over-long names and
link targets). They are not the safety boundary on their own: `core/stage_tree.py` checks
every write and every link against the real tree, whatever the text says.
"""

from __future__ import annotations

from pytui.core.tar_headers import MAX_NAME_BYTES

# Longest single path component (Linux NAME_MAX).
MAX_COMPONENT_BYTES = 255
# Most members one archive may hold (PBS archives hold 3,000-12,000).
MAX_MEMBERS = 1_000_000
# Most components a member's name or a symlink's target may have. A PBS build's deepest member
# is 10 (`python/lib/python3.11/test/test_import/data/circular_imports/subpkg2/parent/
# __init__.py`, in the test archive built from CPython 3.11.7; 11 under a `full` archive's
# `python/install/`, the kind of 3,049 of the 5,530 archives uv's catalog names, whose
# `python/build/` was not measured here: no network; a full install with site-packages
# reached 12 here); a 4 KiB name holds 2,000, which took an install 10-13 s for a 45 KB archive
# (every member's directories are opened one component at a time from the stage, so a chain of
# n costs ~n^2/2 opens) and made a tree deeper than the recursion limit. uv accepts any depth.
MAX_DEPTH = 128


class Refused(Exception):
    """A member was refused; the extractor turns it into one line naming the archive."""

    def __init__(self, member: str, reason: str) -> None:
        super().__init__(member, reason)
        self.member = member
        self.reason = reason


def shorten(name: str, most: int = 160) -> str:
    """A name or link target cut for an error line."""
    return name if len(name) <= most else f"{name[:most]}..."


def _byte_length(name: str) -> int:
    return len(name.encode("utf-8", "surrogateescape"))


def clean_name(raw: str) -> str:
    """Validate and normalise a member name; '' for the archive root itself (`./`)."""
    if "\0" in raw:
        raise Refused(raw, "has a NUL byte in its name")
    if len(raw) > MAX_NAME_BYTES // 4 and _byte_length(raw) > MAX_NAME_BYTES:
        raise Refused(raw[:200] + "...", f"has a name longer than {MAX_NAME_BYTES} bytes")
    if raw.startswith("/"):
        raise Refused(raw, "has an absolute path")
    parts = [part for part in raw.split("/") if part and part != "."]
    if ".." in parts:
        raise Refused(raw, "has a '..' component")
    if len(raw) > MAX_COMPONENT_BYTES // 4:
        for part in parts:
            if _byte_length(part) > MAX_COMPONENT_BYTES:
                raise Refused(raw, f"has a path component longer than {MAX_COMPONENT_BYTES} bytes")
    if len(parts) > MAX_DEPTH:
        raise Refused(shorten(raw), _too_deep(len(parts)))
    return "/".join(parts)


def _too_deep(count: int) -> str:
    return (f"has {count:,} path components (pytui unpacks at most {MAX_DEPTH}, ten times "
            "what a python-build-standalone build holds)")


def check_link_target(name: str, target: str) -> None:
    """A symlink's target as text: not empty, not absolute, no NUL, bounded."""
    if not target:
        raise Refused(name, "is a symlink with an empty target")
    if "\0" in target:
        raise Refused(name, "is a symlink with a NUL byte in its target")
    if target.startswith("/"):
        raise Refused(name, f"is a symlink to the absolute path {shorten(target)}")
    if len(target) > MAX_NAME_BYTES // 4 and _byte_length(target) > MAX_NAME_BYTES:
        raise Refused(name, f"is a symlink with a target longer than {MAX_NAME_BYTES} bytes")
    if target.count("/") >= MAX_DEPTH:
        count = sum(1 for part in target.split("/") if part and part != ".")
        if count > MAX_DEPTH:
            raise Refused(shorten(name), f"is a symlink whose target {_too_deep(count)}")
