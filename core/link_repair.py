"""The links an install should have and may have lost: `<root>/<minor key>` (CPython) and the
bin dir's `pythonX.Y`. A run killed between its commit and its links (SIGKILL, the OOM killer, a
power cut) leaves them out, and so does a user who removed one. `pytui install` restores them for
a request already installed, as uv does; the TUI marks such an install and restores them on `i`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pytui.core.keys import TYPE_CHECKING, parse_key

if TYPE_CHECKING:
    from pytui.core.install_root import InstallRoot
    from pytui.core.progress import CancelToken
    from pytui.core.root_links import BinLinks
    from pytui.core.settings import Settings


def missing_links(root: Path, settings: Settings, key: str) -> list[str]:
    """The names of the links `key`'s install lacks (nothing at the name at all), by name only:
    an lstat each. Another install holding the name (an older patch, another root) is not
    missing: linking over it is an upgrade or a `--force` decision."""
    parts = parse_key(key)
    if parts is None:
        return []
    missing = []
    if parts.implementation == "cpython" and not os.path.lexists(root / parts.minor_key):
        missing.append(parts.minor_key)
    if not settings.no_bin and not os.path.lexists(settings.bin_dir / parts.bin_names[0]):
        missing.append(parts.bin_names[0])
    return missing


def restore_links(root: InstallRoot, settings: Settings, key: str, *, force: bool = False,
                  cancel: CancelToken | None = None,
                  on_wait: Callable[[str], None] | None = None) -> BinLinks | None:
    """Point the minor-version link at the highest installed patch and link `key`'s executables
    (with `force`, over whatever holds their names), under the root's lock. What was done in the
    bin dir, or None when bin links are off or `key` is not installed (any more)."""
    parts = parse_key(key)
    if parts is None:
        return None
    with root.locked(cancel=cancel, on_wait=on_wait):
        root.update_minor_link(parts)
        installation = root.get(key)
        if installation is None or settings.no_bin:
            return None
        return root.link_executables(installation, settings.bin_dir, force=force)
