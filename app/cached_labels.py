"""The Cached pane's short row labels (no Textual).

Where the Key column cannot show a whole key (at 80 columns: about 18 cells, the File column
gone), two archives of one build read alike: `cpython-3.13.1-li…` twice (two build dates, a
build's archive beside another date's stopped download, two flavors, two platforms under
`A`). A row is then labelled by its version (its implementation when not CPython, its
variant as uv's suffix: `3.13.1t`) and what tells it from the rows of that version: the build
date (`3.13.1 20241219`, `3.13.1 20250115`), else the platform's part that differs
(`3.13.1 aarch64`), the flavor (`3.13.1 stripped`), else uv's hash prefix (`3.13.1 cc0aede5b`,
how the file name starts), else its extension (`3.13.1 tar.zst`): the first of those no other archive of that version shares, one
word, so it is never cut. A row alone of its version says its build date (`3.12.8 20250115`).
A name that says no build (or that nothing tells apart) is its own label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pytui.core.cache_names import parse_cache_name
from pytui.core.filenames import split_extension
from pytui.core.keys import EXECUTABLE_SUFFIX
from pytui.widgets.format import one_line

# The flavors as one short word each (uv's: install_only_stripped, install_only, full).
_FLAVOR_WORDS = {"install_only_stripped": "stripped", "install_only": "install-only"}
# What may tell two archives of one version apart, in the order they are said.
_PARTS = ("build", "arch", "libc", "os", "flavor", "sha", "ext")


def short_labels(names: Sequence[str]) -> list[str]:
    """One label per cache file name (a `.part`'s final name), each unlike the others'."""
    parts = [_parts(name) for name in names]
    # Counted once for all rows: comparing each row with the others of its version was
    # quadratic (4,000 archives of one version took seconds, on every job's progress).
    versions = Counter(mine["head"] for mine in parts if mine is not None)
    values = Counter((mine["head"], part, mine[part]) for mine in parts if mine is not None
                     for part in _PARTS)
    labels = []
    for name, mine in zip(names, parts, strict=True):
        if mine is None:
            labels.append(one_line(name))
            continue
        head = mine["head"]
        alone = versions[head] == 1
        # The first part none of the others of this version shares: one word, so a narrow
        # column cuts none of it (two words would not fit in 18 cells).
        word = mine["build"] if alone else next(
            (mine[part] for part in _PARTS if values[(head, part, mine[part])] == 1), None)
        if word:
            labels.append(f"{head} {word}")
        else:  # no build date said, or nothing tells it apart
            labels.append(head if alone else one_line(name))
    return labels


def _parts(name: str) -> dict[str, str] | None:
    parsed = parse_cache_name(name)
    archive = parsed.archive if parsed is not None else None
    if parsed is None or archive is None:
        return None
    head = archive.version + EXECUTABLE_SUFFIX.get(archive.variant, "")
    if archive.implementation != "cpython":
        head = f"{archive.implementation}-{head}"
    return {"head": head, "build": archive.build, "arch": archive.arch, "libc": archive.libc,
            "os": archive.os, "flavor": _FLAVOR_WORDS.get(archive.flavor, archive.flavor),
            "sha": parsed.sha_prefix or "none", "ext": split_extension(parsed.release_name)[1].lstrip(".")}
