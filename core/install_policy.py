"""What an install does to what is already installed: the one policy `pytui install` and the
TUI share (docs/uv-compat.md#installation-keys for the key rules it builds on).

- **Satisfied.** An install request that an installed build satisfies (the request filled for
  this host, as `uv python install` fills it) installs nothing and says so ("already
  installed"); `--reinstall` reinstalls what it matched instead. A satisfied run still
  restores the minor-version link and bin link a killed run may have left out
  (`InstallRoot`'s repair, called by the front ends).
- **Upgrade.** A catalog build upgrades an install when uv's `is_upgrade_of` says so: same
  implementation, variant, minor version and platform, and a newer patch, a final release of
  a pre-release, a newer pre-release, or the same patch from a newer PBS build. The upgrade
  offered for an install is the newest such build; an install of a final release is only
  offered final releases.
- **Install on an installed row** (the TUI's `i`, decided in app/install_decisions.py with
  `describe_upgrade` and `already_upgraded_message` from here): install the upgrade if there
  is one, saying from what to what; otherwise do nothing and say the install is the newest.
  When the upgrade is itself installed already (3.11.7 beside 3.11.9), nothing is installed
  either: the line says the newer patch is installed and how to prune the old one.
"""

from __future__ import annotations

from pytui.core.keys import TYPE_CHECKING, KeyFields, is_digits
from pytui.core.ordering import prerelease_rank

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytui.core.models import Build, Installation
    from pytui.core.requests import HostLike, PythonRequest


def _build_number(build: str | None) -> tuple[int, int, str]:
    """PBS release dates compare as numbers; anything else as text; no build sorts first."""
    if not build:
        return (0, 0, "")
    return (1, int(build), "") if is_digits(build) else (1, 0, build)


def is_upgrade_of(new: KeyFields, new_build: str | None, old: KeyFields,
                  old_build: str | None) -> bool:
    """uv's `is_upgrade_of`: same implementation, variant and minor; a newer patch, pre-release
    or (same stable patch) a newer build. Platforms are not compared (callers group by them)."""
    if (new.implementation, new.variant, new.major, new.minor) != \
            (old.implementation, old.variant, old.major, old.minor):
        return False
    if new.patch != old.patch:
        return new.patch > old.patch
    if new.prerelease and old.prerelease:
        return prerelease_rank(new.prerelease) > prerelease_rank(old.prerelease)
    if old.prerelease:  # a final release of the same patch
        return True
    if new.prerelease:
        return False
    if new_build is None:
        return False
    if old_build is None:
        return True
    a, b = _build_number(new_build), _build_number(old_build)
    if a[2] or b[2]:
        return str(new_build) > str(old_build)
    return a[1] > b[1]


def _newness(build: Build) -> tuple:
    return (build.patch, prerelease_rank(build.prerelease), _build_number(build.build))


class Upgrades:
    """The newest build of each minor-version group of a catalog, made in one pass, and the
    upgrade each install gets from it."""

    def __init__(self, builds: Iterable[Build]) -> None:
        # (minor group, pre-releases allowed) -> (newness, build)
        newest: dict[tuple, tuple[tuple, Build]] = {}
        for build in builds:
            group = build.minor_version
            newness = _newness(build)
            for allowed in (True, False) if not build.prerelease else (True,):
                current = newest.get((group, allowed))
                if current is None or newness > current[0]:
                    newest[(group, allowed)] = (newness, build)
        self._newest = {group: build for group, (_, build) in newest.items()}

    def newest(self, item: KeyFields, *, prereleases: bool) -> Build | None:
        """The newest catalog build in `item`'s minor-version group."""
        return self._newest.get((item.minor_version, prereleases))

    def upgrade_for(self, installation: Installation) -> Build | None:
        """The build installing `installation`'s upgrade would install, or None when it is the
        newest (a final release is only offered final releases)."""
        best = self.newest(installation, prereleases=bool(installation.prerelease))
        if best is None or not is_upgrade_of(best, best.build or None, installation,
                                             installation.build):
            return None
        return best


def describe_upgrade(installation: Installation, build: Build) -> str:
    """`3.12.7 -> 3.12.8`, or `build 20241016 -> 20250115` for a newer build of the same key."""
    if build.key == installation.key:
        return f"build {installation.build or 'unknown'} -> {build.build}"
    return f"{installation.version} -> {build.version}"


def upgrade_installed_note(upgrade: Build) -> str:
    """The Update cell of an install whose upgrade is installed already: `3.11.9 installed`."""
    return f"{upgrade.version} installed"


def already_upgraded_message(installation: Installation, upgrade: Build, prune: str) -> str:
    """One line: the newer patch is installed beside this one; nothing to install; `prune`
    says how the old one goes (in the TUI, the key and the purge rule that prune it)."""
    return (f"{installation.key}: the newer patch {upgrade.version} is already installed "
            f"({upgrade.key}); nothing to install ({prune} prunes {installation.version})")


def satisfying(request: PythonRequest, host: HostLike,
               installed: Iterable[Installation]) -> list[Installation]:
    """The installs that satisfy `pytui install REQUEST` on `host` (none: it needs a download)."""
    filled = request.for_install(host)
    return [installation for installation in installed
            if filled.with_prereleases(True).matches(installation)]
