"""The Python minor version a line names as its example or next step (`pytui install 3.13`,
`uv python pin 3.13`, `uv venv -p 3.13`): the newest CPython minor installed, else the one `uv
python install` with no request would install from the catalog, else the newest minor released
by today's date in the release-cycle table (core/support.py). One rule for the Environments
view's mends (app/envs_view.installed_minor), the version-file lines of `pytui install`
(app/version_file_requests.py) and `cache export-mirror`'s empty-cache line, which named 3.12
whatever was installed (and, as the last step, a hard-coded 3.12 that would rot)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.catalog import Catalog
    from pytui.core.models import Installation
    from pytui.core.platform_detect import HostPlatform

# What the last step names when even the embedded release-cycle table reads as empty (a broken
# pytui install): uv's own default request, no minor that will age.
NO_TABLE = "3"


def newest_installed_minor(installations: Iterable[Installation]) -> str | None:
    """The newest CPython minor installed (standard builds; a release before a pre-release:
    with 3.12.12 and 3.14.0rc2, 3.12), or None when no standard CPython build is installed.
    What `uv venv` and `uv python find` with no request take (uv 0.13.9, several installed:
    the newest)."""
    cpython = [i for i in installations if i.implementation == "cpython" and i.variant == "default"]
    released = [i for i in cpython if not i.prerelease] or cpython
    minors = {(i.major, i.minor) for i in released}
    return "{}.{}".format(*max(minors)) if minors else None


def catalog_minor(catalog: Catalog | None, host: HostPlatform) -> str | None:
    """The minor of the build `uv python install` with no request installs from `catalog` for
    `host` (the newest stable CPython), or None: no catalog, or no CPython for this host."""
    if catalog is None:
        return None
    from pytui.core.build_choice import find_download
    from pytui.core.requests import PythonRequest

    chosen = find_download(catalog, PythonRequest.parse("default"), host)
    return None if chosen is None else f"{chosen.major}.{chosen.minor}"


def released_minor(state_dir: Path | None, today: str | None = None) -> str:
    """The newest CPython minor whose first release is on or before `today` (an ISO day; the
    local date by default) in the release-cycle table: the state dir's refreshed copy laid over
    the one pytui ships (core/support.load_cycles), so the name moves with the calendar and a
    refresh, not with pytui's source. Named only with nothing installed and no catalog build for
    this host (no catalog loaded yet, or one that failed): the Python most likely to be there
    once a catalog is. NO_TABLE when the table has no line at all."""
    from pytui.core.support import load_cycles, phase_of

    day = today or time.strftime("%Y-%m-%d")
    released = [(tuple(int(part) for part in minor.split(".")), minor)
                for minor, cycle in load_cycles(state_dir).items()
                if phase_of(cycle, day).phase != "pre-release"]
    return max(released)[1] if released else NO_TABLE


def example_minor(installations: Iterable[Installation], catalog: Catalog | None,
                  host: HostPlatform, state_dir: Path | None = None, today: str | None = None) -> str:
    """`newest_installed_minor`, else `catalog_minor`, else `released_minor` (a minor, not uv's
    `3`: a pipx mend names the bin dir's `python3.14` link, and pytui makes no `python3`)."""
    return (newest_installed_minor(installations) or catalog_minor(catalog, host)
            or released_minor(state_dir, today))
