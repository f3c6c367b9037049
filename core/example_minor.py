"""The Python minor version a line names as its example or next step (`pytui install 3.13`,
`uv python pin 3.13`, `uv venv -p 3.13`): the newest CPython minor installed, else the one `uv
python install` with no request would install from the catalog, else 3.12. One rule for the
Environments view's mends (app/envs_view.installed_minor) and the version-file lines of
`pytui install` (app/version_file_requests.py), which named 3.12 whatever was installed."""

from __future__ import annotations

from collections.abc import Iterable

from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.catalog import Catalog
    from pytui.core.models import Installation
    from pytui.core.platform_detect import HostPlatform

# The minor named with nothing installed and no catalog build for this host to choose from.
FALLBACK_MINOR = "3.12"


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


def example_minor(installations: Iterable[Installation], catalog: Catalog | None,
                  host: HostPlatform) -> str:
    """`newest_installed_minor`, else `catalog_minor`, else FALLBACK_MINOR (a minor, not uv's
    `3`: a pipx mend names the bin dir's `python3.12` link, and pytui makes no `python3`)."""
    return newest_installed_minor(installations) or catalog_minor(catalog, host) or FALLBACK_MINOR
