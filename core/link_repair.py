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
    """The names of the links `key`'s install lacks: nothing at the name, or a link that leads
    nowhere (into an install or a root since removed), which uv makes again too; a stat or two
    each. Another install holding the name (an older patch, another root) is not missing:
    linking over it is an upgrade or a `--force` decision; nor is a symlink loop (uv leaves it,
    "not managed by uv")."""
    parts = parse_key(key)
    if parts is None:
        return []
    missing = []
    if parts.implementation == "cpython" and leads_nowhere(root / parts.minor_key):
        missing.append(parts.minor_key)
    if (not settings.no_bin and leads_nowhere(settings.bin_dir / parts.bin_names[0])
            and os.path.exists(root / key / parts.executable)):
        # (An install whose own interpreter is gone is incomplete: no link would run it.)
        missing.append(parts.bin_names[0])
    return missing


def leads_nowhere(path: Path) -> bool:
    """Nothing at `path`, or a symlink whose target does not exist (not a loop, not a
    directory that cannot be searched: those are something, left to a `--force`)."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


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
