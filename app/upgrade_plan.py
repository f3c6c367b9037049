"""What an upgrade does, shared by `pytui upgrade` and the TUI's `U` (no Textual, no argparse).

For each installed CPython minor version the newest build of the same implementation, variant
and platform in the catalog replaces the highest installed patch; installing it moves the
minor-version link (core/install_root.py), so environments made through the link follow it and
those made from a patch directory stay pinned to their patch.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pytui.core.keys import is_digits

if TYPE_CHECKING:
    from pytui.core.environment import Environment
    from pytui.core.keys import KeyFields
    from pytui.core.models import Build, Installation
    from pytui.core.requests import PythonRequest
    from pytui.core.settings import Settings


@dataclasses.dataclass
class Step:
    """One minor version: the install upgraded from and the build that upgrades it (or None)."""

    group: tuple
    minor_link: str
    # The highest installed patch, or the install of the target's key where one is (a newer
    # build of that patch replaces it, whichever patch the link leads to).
    current: Installation
    target: Build | None
    others: list[Installation]  # every installed patch of this minor
    # A build pin (UV_PYTHON_CPYTHON_BUILD) that no catalog build of this minor has.
    pin_missing: bool = False
    # Whether installing the target moves the minor-version link to it: not for a patch older
    # than the highest installed (a newer build of it, or an older patch under a build pin).
    moves_link: bool = True


def _group(parts: KeyFields) -> tuple:
    return (parts.implementation, parts.major, parts.minor, parts.variant, parts.os, parts.arch,
            parts.libc)


def _rank(parts: KeyFields, build: str | None) -> tuple:
    from pytui.core.ordering import version_rank

    number = int(build) if build and is_digits(build) else 0
    return (*version_rank(parts.major, parts.minor, parts.patch, parts.prerelease), number)


def _pinned_target(members: list[Installation], candidates: list[Build], reinstall: bool,
                   build: str) -> Build | None:
    """uv's upgrade under a build pin: the newest patch of that build (stable first), unless
    that key is installed with that build; older than what is installed or not (uv 0.13.9
    installs 3.12.8 of the pinned release beside 3.12.9)."""
    pool = [b for b in candidates if b.build == build]
    pool = [b for b in pool if not b.prerelease] or pool
    best = max(pool, key=lambda b: _rank(b, b.build), default=None)
    if best is None:
        return None
    same = next((i for i in members if i.key == best.key), None)
    return best if reinstall or same is None or same.build != best.build else None


def _target(members: list[Installation], candidates: list[Build], reinstall: bool) -> Build | None:
    """The newest catalog build for a minor (stable first), when it upgrades what is installed."""
    from pytui.core.install_policy import is_upgrade_of

    pool = [b for b in candidates if not b.prerelease] or candidates
    best = max(pool, key=lambda b: _rank(b, b.build), default=None)
    if best is None:
        return None
    same = next((i for i in members if i.key == best.key), None)
    if same is None:
        return best if is_upgrade_of(best, best.build, members[0], members[0].build) else None
    return best if reinstall or is_upgrade_of(best, best.build, same, same.build) else None


def plan(installed: Iterable[Installation], catalog: Iterable[Build],
         requests: Sequence[PythonRequest] = (), *,
         reinstall: bool = False, pin: str | None = None) -> tuple[list[Step], list[str]]:
    """Steps for the selected minor versions, and the request texts that select none. `pin`
    pins the release the targets come from (`pytui upgrade` under UV_PYTHON_CPYTHON_BUILD, as
    `uv python upgrade`; see docs/uv-compat.md#environments-and-upgrades)."""
    groups: dict[tuple, list[Installation]] = {}
    selected = [r.with_prereleases(True) for r in requests]
    for installation in installed:
        if installation.implementation != "cpython":
            continue  # minor-version links, and so upgrades, are CPython's (as uv)
        if selected and not any(r.matches(installation) for r in selected):
            continue
        groups.setdefault(_group(installation), []).append(installation)
    unmatched = [request.text for request, relaxed in zip(requests, selected, strict=True)
                 if not any(relaxed.matches(i) for members in groups.values() for i in members)]
    by_group: dict[tuple, list[Build]] = {}
    for build in catalog:
        by_group.setdefault(_group(build), []).append(build)
    steps = []
    for group, members in groups.items():
        members.sort(key=lambda i: _rank(i, i.build), reverse=True)
        candidates = by_group.get(group, [])
        if pin is None:
            target = _target(members, candidates, reinstall)
            missing = False
        else:
            target = _pinned_target(members, candidates, reinstall, pin)
            missing = not any(b.build == pin for b in candidates)
        current = next((i for i in members if target is not None and i.key == target.key), members[0])
        moves_link = target is None or _rank(target, None) >= _rank(members[0], None)
        steps.append(Step(group, members[0].minor_key, current, target, members, missing, moves_link))
    steps.sort(key=lambda s: _rank(s.others[0], None), reverse=True)
    return steps, unmatched


def followers(environments: Iterable[Environment], step: Step) -> list[Environment]:
    """Environments going through the step's minor-version link: they run the new patch (none
    when the link stays where it leads)."""
    if not step.moves_link:
        return []
    return [e for e in environments if e.status == "ok" and e.link == "minor"
            and e.minor == step.minor_link]


def pinned(environments: Iterable[Environment], step: Step) -> list[Environment]:
    """Environments made from one of the minor's patch directories: they stay on it."""
    keys = {i.key for i in step.others}
    if step.target is not None:
        keys.discard(step.target.key)
    return [e for e in environments if e.status == "ok" and e.link == "patch" and e.key in keys]


def pinned_by_version(environments: Iterable[Environment],
                      step: Step) -> list[tuple[str, list[Environment]]]:
    """`pinned`, grouped by the patch version they stay on, lowest first."""
    by_version: dict[str, list[Environment]] = {}
    versions = {i.key: i.version for i in step.others}
    for env in pinned(environments, step):
        by_version.setdefault(versions.get(env.key or "", "?"), []).append(env)
    return sorted(by_version.items())


def nothing_to_do(requests: Sequence[PythonRequest] = ()) -> str:
    """uv's wording when every selected minor version is on its newest patch (`Python 3.12 is
    …` for one, as uv 0.13.9 says it and as `pytui install` says `Python 3.12 is already
    installed`)."""
    if not requests:
        return "All versions already on latest supported patch release"
    if len(requests) == 1:
        return f"Python {requests[0].text} is already on the latest supported patch release"
    return "All requested versions already on latest supported patch release"


def replaces_install(installed: Iterable[Installation], target: Build) -> bool:
    """Whether upgrading to `target` replaces an install of its key: the plan chose a newer build
    of a patch that is installed, and its job reinstalls it, as `uv python upgrade` does
    (` ~ KEY`). A plain install job finds the key installed and does nothing ('already'), which
    `pytui upgrade` said as `Installed … + KEY` and the TUI's U as done, the old build kept."""
    return any(i.key == target.key for i in installed)


def builds_from_to(current: Installation, target: Build, arrow: str) -> str:
    """`build 20240415 → build 20240814`: what upgrading an install to a newer build of its
    own patch changes (the key, the version, stay the same: `KEY -> KEY` read as nothing to do)."""
    was = f"build {current.build}" if current.build else "an unrecorded build"
    return f"{was} {arrow} build {target.build}"


def change_line(step: Step, target: Build, pin_variable: str | None = None) -> str:
    """The dry run's line for a step, saying what installing `target` does: `A -> B` moves the
    minor-version link from the install A to the newer patch B; a newer (or, under a build pin,
    older) build of an installed patch replaces it; a patch older than the highest installed,
    which only a build pin (`pin_variable`) picks, is installed beside it and the link stays
    (`A -> B` read as a downgrade of the install the link leads to, which nothing does)."""
    current = step.current
    if replaces_install((current,), target):
        older = _build_number(target.build) < _build_number(current.build)
        replaced = (f"the installed build is replaced by the older one {pin_variable} pins"
                    if older and pin_variable else "the installed build is replaced")
        return f"{current.key} {builds_from_to(current, target, '->')} ({replaced})"
    if step.moves_link:
        return f"{current.key} -> {target.key}"
    pinned_by = f"build {target.build}, pinned by {pin_variable}; " if pin_variable else ""
    return (f"+ {target.key} ({pinned_by}installed beside {current.key}, which {step.minor_link} "
            "keeps leading to)")


def _build_number(build: str | None) -> int:
    return int(build) if build and is_digits(build) else 0


def keeps_bin_links(settings: Settings, target: Build) -> bool:
    """Whether installing `target` as an upgrade updates bin links: only where one already
    exists for its minor version (as uv's upgrade)."""
    return not settings.no_bin and os.path.lexists(settings.bin_dir / target.bin_names[0])


def with_no_bin(settings: Settings, no_bin: bool) -> Settings:
    """A copy of `settings` that links no executables when `no_bin`."""
    if not no_bin or settings.no_bin:
        return settings
    return settings.replace(no_bin=True)


def upgrade_settings(settings: Settings, target: Build) -> Settings:
    """The settings an upgrade install of `target` runs with (bin links as uv's upgrade)."""
    return with_no_bin(settings, not keeps_bin_links(settings, target))
