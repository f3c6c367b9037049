"""The Installed pane's short row labels (no Textual).

Where the Key column cannot show a whole key (at 120 columns the pane is about 58 cells wide,
and Size, Used by, Update and Support beside the key left it `cpython-3.12.11-li…`), a row
says its version instead, as the Cached pane does (app/cached_labels.py): the implementation
when not CPython and the variant as uv's suffix (`3.13.1`, `3.13.1t`, `pypy-3.10.14`), and the
platform's parts that are not the host's (`3.13.1 aarch64`, `3.12.8 musl`). Install keys are
unique, so that tells every row apart; a label two rows would share (or one no shorter than
its key) is "": the whole key, cut as before. Details always shows the whole key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pytui.core.keys import KeyFields
from pytui.core.platform_detect import HostPlatform


def installed_labels(keys: Sequence[KeyFields], host: HostPlatform) -> list[str]:
    """One label per install, in order ("" where only the whole key says which it is)."""
    labels = [_label(key, host) for key in keys]
    counts = Counter(labels)
    return [label if counts[label] == 1 and len(label) < len(key.key) else ""
            for label, key in zip(labels, keys, strict=True)]


def _label(key: KeyFields, host: HostPlatform) -> str:
    head = key.version_label
    # Another platform's install (under `A`, or copied in) says which, in the parts that differ.
    foreign = [mine for mine, hosts in ((key.os, host.os), (key.arch, host.arch),
                                        (key.libc, host.libc)) if mine != hosts]
    return f"{head} {'-'.join(foreign)}" if foreign else head
