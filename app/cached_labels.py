"""The Cached pane's short row labels (no Textual).

Where the Key column cannot show a whole key (at 80 columns: about 18 cells, the File column
gone), two archives of one build read alike: `cpython-3.13.1-li…` twice (two build dates, a
build's archive beside another date's stopped download, two flavors, two platforms under
`A`). A row is then labelled by its version (its implementation when not CPython, its
variant as uv's suffix: `3.13.1t`) and what tells it from the rows of that version: the build
date (`3.13.1 20241219`, `3.13.1 20250115`), else the platform's part that differs
(`3.13.1 aarch64`), the flavor (`3.13.1 stripped`), else uv's hash prefix (`3.13.1 cc0aede5b`,
how the file name starts), else its extension (`3.13.1 tar.zst`): the first of those no other
archive of that version shares, one word, so it is never cut. A row alone of its version says
its build date (`3.12.8 20250115`).

A name that says no build (`mystery-a.tar.gz`, a release asset copied in under its GitHub
name), or one nothing above tells apart (a hostile one read as another's version), is
labelled by its name less the extension, in at most LABEL_CELLS terminal cells (a wide
character takes two): its start (`mystery-a`,
`cpython-3.13.1+2…`), else, when another such name starts alike, `…` and the part where they
differ (`…-20250101`). Every label is unlike the others (a last resort numbers the ones still
alike: `… #2`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from pytui.core.cache_names import PART_SUFFIX, parse_cache_name
from pytui.core.filenames import split_extension
from pytui.core.keys import EXECUTABLE_SUFFIX
from pytui.widgets.cut_rules import ELLIPSIS
from pytui.widgets.format import one_line

# The flavors as one short word each (uv's: install_only_stripped, install_only, full).
_FLAVOR_WORDS = {"install_only_stripped": "stripped", "install_only": "install-only"}
# What may tell two archives of one version apart, in the order they are said.
_PARTS = ("build", "arch", "libc", "os", "flavor", "sha", "ext")
# The most cells a label from a name takes: as wide as `3.13.1 cc0aede5b`, so the Key column
# keeps its width at 80 columns (a label is never cut: a longer one would widen it).
LABEL_CELLS = 16
# Cells of the name kept before where it differs from another (`…` + `5-20250101`).
_BEFORE_DIFFERENCE = 6


def short_labels(names: Sequence[str]) -> list[str]:
    """One label per cache file name (a `.part`'s final name), each unlike the others'."""
    parts = [_parts(name) for name in names]
    # Counted once for all rows: comparing each row with the others of its version was
    # quadratic (4,000 archives of one version took seconds, on every job's progress).
    versions = Counter(mine["head"] for mine in parts if mine is not None)
    values = Counter((mine["head"], part, mine[part]) for mine in parts if mine is not None
                     for part in _PARTS)
    labels: list[str | None] = []
    for mine in parts:
        if mine is None:
            labels.append(None)
            continue
        head = mine["head"]
        alone = versions[head] == 1
        # The first part none of the others of this version shares: one word, so a narrow
        # column cuts none of it (two words would not fit in 18 cells).
        word = mine["build"] if alone else next(
            (mine[part] for part in _PARTS if values[(head, part, mine[part])] == 1), None)
        labels.append(f"{head} {word}" if word else head if alone else None)
    unlabelled = [index for index, label in enumerate(labels) if label is None]
    for index, label in zip(unlabelled, _name_labels([names[i] for i in unlabelled]), strict=True):
        labels[index] = label
    return _numbered([label or "" for label in labels])


def _name_labels(names: Sequence[str]) -> list[str]:
    """Labels from the names themselves (less `.part` and the archive's extension): the start
    where it tells the name apart, else `…` and where it differs from its closest other."""
    # Less its extension, unless another name differs only there (`.tar.gz` and `.tar.zst`).
    fulls = [one_line(name.removesuffix(PART_SUFFIX)) for name in names]
    bare = [split_extension(full)[0] or full for full in fulls]
    counts = Counter(bare)
    stems = [stem if counts[stem] == 1 else full for stem, full in zip(bare, fulls, strict=True)]
    # The longest start each stem shares with another: its neighbours' in sorted order (no
    # pairwise comparison: thousands of names stay cheap).
    order = sorted(range(len(stems)), key=stems.__getitem__)
    shared = [0] * len(stems)
    for before, after in pairwise(order):
        common = _common_start(stems[before], stems[after])
        shared[before] = max(shared[before], common)
        shared[after] = max(shared[after], common)
    # Cells, not characters: a wide character (a FULLWIDTH digit) takes two, as Textual draws it.
    from rich.cells import cell_len

    labels = []
    for stem, common in zip(stems, shared, strict=True):
        if cell_len(stem) <= LABEL_CELLS:
            labels.append(stem)
        elif cell_len(stem[:common + 1]) <= LABEL_CELLS - 1:  # the difference is within the start shown
            labels.append(_start_in(stem, LABEL_CELLS - 1) + ELLIPSIS)
        else:
            start = max(common - _BEFORE_DIFFERENCE, 0)
            rest = stem[start:]
            labels.append(ELLIPSIS + (rest if cell_len(rest) < LABEL_CELLS
                                      else _start_in(rest, LABEL_CELLS - 2) + ELLIPSIS))
    return labels


def _start_in(text: str, cells: int) -> str:
    """The longest start of `text` that takes at most `cells` cells (no wide character halved)."""
    from rich.cells import get_character_cell_size

    used = 0
    for index, char in enumerate(text):
        used += get_character_cell_size(char)
        if used > cells:
            return text[:index]
    return text


def _common_start(a: str, b: str) -> int:
    length = min(len(a), len(b))
    for index in range(length):
        if a[index] != b[index]:
            return index
    return length


def _numbered(labels: list[str]) -> list[str]:
    """The labels, those still alike numbered in order (`… #2`): never two rows read alike."""
    counts = Counter(labels)
    seen: Counter[str] = Counter()
    result = []
    for label in labels:
        if counts[label] > 1:
            seen[label] += 1
            label = f"{label} #{seen[label]}"
        result.append(label)
    return result


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
