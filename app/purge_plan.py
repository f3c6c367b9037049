"""What a purge rule would remove (no Textual): cached archives, or, for the `outdated` rule,
installs (as `pytui uninstall --outdated`) with the ones kept because environments use them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytui.app.keymap import key_display
from pytui.core.models import CachedArchive, Installation
from pytui.widgets.format import one_line

if TYPE_CHECKING:
    from pytui.core.cache_purge import Leftovers, PurgeEffect
    from pytui.core.environment import Environment

# The rule that removes installs rather than archives, and the one that also removes what
# killed runs left in the cache dir (as `pytui cache purge --all`).
OUTDATED = "outdated"
ALL = "all"
# The outdated rule's name in Purge by rule, and the way there from the main screen as the
# messages that point to it write it (`P → Outdated`): written here once.
OUTDATED_LABEL = "Outdated"
PRUNE_OUTDATED = f"{key_display('purge_rules')} → {OUTDATED_LABEL}"


@dataclass(frozen=True)
class PurgePlan:
    rule: str
    archives: tuple[CachedArchive, ...] = ()
    # (install, the bytes uninstalling it frees) for the `outdated` rule.
    installs: tuple[tuple[Installation, int], ...] = ()
    # Bytes of those installs that stay on disk: hard links shared with trees kept in the cache.
    shared: int = 0
    # How many of those installs share files with a kept tree.
    sharing: int = 0
    # Outdated installs kept because environments use them directly: (key, those users).
    kept: tuple[tuple[str, tuple[Environment, ...]], ...] = ()
    # Something the preview must say (the environment scan was partial, ...).
    note: str = ""
    # What the kept tree of each archive frees with it (by archive name), and the trees no
    # archive uses (whose archive is gone, whose manifest is unreadable), which a purge removes
    # too: (why, how many, bytes) of each kind (core/cache_purge.py PurgeEffect.loose).
    tree_freed: tuple[tuple[str, int], ...] = ()
    loose: tuple[tuple[str, int, int], ...] = ()
    # Entries killed runs left in the cache dir that go too (all of them with the `all` rule,
    # else those of the plan's archives: core/cache_purge.find_leftovers), what they free, and
    # whether sizing them stopped at its limit (the bytes are then a lower bound).
    leftovers: int = 0
    leftover_bytes: int = 0
    leftovers_capped: bool = False

    def frees(self, archive: CachedArchive) -> int:
        """What removing one archive of the plan frees: the file and its kept tree."""
        return archive.size + dict(self.tree_freed).get(archive.name, 0)

    @property
    def freed(self) -> int:
        return (sum(self.frees(a) for a in self.archives) + sum(size for _, _, size in self.loose)
                + self.leftover_bytes
                + sum(size for _, size in self.installs))

    @property
    def empty(self) -> bool:
        # Trees no archive uses go with any archive purge: a rule that matches no archive
        # still removes them (the preview said `Nothing to purge` beside them).
        return not self.archives and not self.installs and not self.leftovers and not self.loose


def archive_plan(rule: str, effect: PurgeEffect, leftovers: Leftovers | None = None) -> PurgePlan:
    """An archive rule's plan from what removing its archives frees (core/cache_purge.py)
    and the leftovers of killed runs that go too."""
    return PurgePlan(rule, archives=tuple(a for a, _ in effect.archives),
                     tree_freed=tuple((a.name, tree) for a, tree in effect.archives if tree),
                     loose=tuple(effect.loose()), leftovers=leftovers.count if leftovers is not None else 0,
                     leftover_bytes=leftovers.size if leftovers is not None else 0,
                     leftovers_capped=leftovers is not None and leftovers.capped)


def loose_text(count: int, why: str) -> str:
    """What a plan's trees of one kind no archive uses are called in the preview (as `cache
    list`): `1 unpacked tree whose archive is gone`, `… whose manifest is unreadable`."""
    from pytui.core.cache_kinds import loose_trees_counted

    return loose_trees_counted(count, why)


def leftovers_text(count: int) -> str:
    """What a plan's leftovers are called in the preview."""
    return f"{count} leftover{'s' if count != 1 else ''} of killed runs"


def outdated_plan(installed: list[Installation], environments: list[Environment], *,
                  sizes: dict[str, int], busy: frozenset[str], partial: bool,
                  shared: dict[str, int] | None = None) -> PurgePlan:
    """The `outdated` rule: installs with a newer installed patch of the same minor that no
    environment uses directly (app/uninstall_safety.outdated, as the CLI); `sizes` must hold
    what uninstalling each frees and `shared` what of it stays (core/root_tree.footprint);
    installs a job works on are left out."""
    from pytui.app.uninstall_safety import outdated, pipx_rebuilt

    gone, kept = outdated(installed, environments)
    installs = tuple((i, sizes.get(i.key, 0)) for i in gone if i.key not in busy)
    notes = [f"pipx's shared libraries venv {env.path} uses {env.key}: pipx rebuilds it on its "
             "default Python at its next install or upgrade."
             for env in pipx_rebuilt(installed, environments, [i for i, _ in installs])]
    if partial:
        notes.append("The environment scan was partial: an environment it did not reach may use "
                     "one of these.")
    note = " ".join(notes)
    staying = [(shared or {}).get(i.key, 0) for i, _ in installs]
    return PurgePlan(OUTDATED, installs=installs, shared=sum(staying),
                     sharing=sum(1 for size in staying if size),
                     kept=tuple((key, tuple(users)) for key, users in sorted(kept.items())),
                     note=note)


# What the preview adds to an archive whose kept tree goes with it.
WITH_TREE = " + its kept tree"


def preview_label(name: str, *, with_tree: bool, width: int) -> str:
    """An archive's line in the purge preview, in at most `width` cells (0: not laid out yet,
    whole): its name, cut at its end when need be (its start says the build: uv's hash
    prefix, version, build date, platform), then whether its kept tree goes too, which is
    never cut while the name keeps at least its hash prefix."""
    suffix = WITH_TREE if with_tree else ""
    name = one_line(name)
    room = width - len(suffix)
    if width <= 0 or len(name) <= room:
        return name + suffix
    if room < MIN_NAME_CELLS:  # too narrow for both: the line cut as one
        return (name + suffix)[:max(width - 1, 0)] + "…"
    return name[:room - 1] + "…" + suffix


# The fewest cells of an archive's name kept beside WITH_TREE: uv's hash prefix and "…".
MIN_NAME_CELLS = 11
