"""What the panes' border subtitles say (no Textual): each pane's forms, the fullest first
(the pane shows the first that fits its border), with the filter, the counts and the sort.
A key named in one reads `key: what it does` in every pane (`e: environments`), so a key
never reads as a count beside one. The view model (app/view_model.py) hands them out beside
the rows they count."""

from __future__ import annotations

from collections.abc import Callable

from pytui.app.header_view import cache_total, settled_cache_usage
from pytui.app.sorting import describe
from pytui.app.state import AppState
from pytui.core.cache_kinds import counted, kind_counts, kind_of
from pytui.core.loose_trees import unusable_tree_why
from pytui.core.turn_record import DOWNLOADING
from pytui.widgets.format import human_size
from pytui.widgets.rows import cached_row_key, stale_parts


def key_hint(key: str, action: str) -> str:
    """`e: environments`: a key and what it does, as a subtitle names it."""
    return f"{key}: {action}"


def envs_subtitle(*, scanning: bool) -> str:
    """The environments screen's subtitle: its keys, or that a scan runs and how to stop it."""
    if scanning:
        return f"scanning… · {key_hint('c', 'stop')}"
    return " · ".join((key_hint("r", "rescan"), key_hint("/", "filter"), key_hint("Esc", "close")))


def available_subtitles(state: AppState, count: int,
                        filter_hint: Callable[[AppState], str | None]) -> tuple[str, ...]:
    """The Available subtitle's forms for `count` rows shown, the fullest first: the pane
    shows the first that fits its border (`widgets/format.first_fitting`). Each shorter form
    keeps what matters most: the filter and its count, then the view's toggles; the platform
    goes first. `filter_hint` (the view model's) is asked only when a filter keeps no row."""
    view = state.view
    # Keys, not entries: a key listed twice in the catalog is one row.
    total = state.catalog.key_count() if state.catalog is not None else 0
    toggles = ["all versions" if view.all_versions else "newest patches",
               "all variants" if view.variants else "standard builds"]
    platform = "all platforms" if view.all_platforms else state.host.platform
    if view.filter_text:
        hint = filter_hint(state) if count == 0 else None
        if hint is not None:
            # The hint first: a narrow pane cuts the subtitle's end.
            return (_with_sort(state, "available",
                               filter_lead(view.filter_text) + f"0 of {total} · {hint}"),)
        kept = filter_lead(state.view.filter_text) + f"{count} of {total}"
        return _forms(state, "available", " · ".join([kept, platform, *toggles]),
                      " · ".join([kept, *toggles]), kept)
    if total == 0 and state.catalog is not None:
        # An empty pane says why once the catalog's notification has faded.
        reason = state.catalog.empty_reason
        if reason is None and state.catalog_problem:
            reason = f"no catalog loaded {WHY_IN_HISTORY}"
        if reason is not None:
            return (reason,)
    shown = f"{count} of {total}"
    return _forms(state, "available", " · ".join([platform, *toggles, shown]),
                  " · ".join([*toggles, shown]), shown)


def cached_subtitle(state: AppState, shown: int | None = None, shown_downloading: int = 0,
                    shown_partial: int = 0, shown_unknown: int = 0, shown_locked: int = 0) -> str:
    """The Cached pane's subtitle in full (`cached_subtitles`' first form)."""
    return cached_subtitles(state, shown, shown_downloading, shown_partial, shown_unknown, shown_locked)[0]


def cached_subtitles(state: AppState, shown: int | None = None, shown_downloading: int = 0,
                     shown_partial: int = 0, shown_unknown: int = 0, shown_locked: int = 0) -> tuple[str, ...]:
    """What the cache holds, the fullest form first (the pane shows the first that fits).
    With kept trees and the cache measured: the header's total (`… incl. trees`) first,
    then how it splits into archives and trees, so a half-width pane keeps the total; the
    same when files that are no archive (resume notes) make the header's total another size.
    Under a filter, `shown` of the rows `cache_rows` made (as Available counts), of which
    `shown_downloading` are downloads, `shown_partial` stopped ones and `shown_unknown` files
    whose name says no build (`shown_locked`: `.part` files whose lock a process holds with no
    download vouched for): counted apart, as without a filter. What counts as an archive
    is `pytui cache list`'s rule (core/cache_names.kind_counts), so both say `3 unknown`."""
    if state.cache_problem:
        return (f"cannot read the cache dir {WHY_IN_HISTORY}", "cannot read the cache dir")
    if not state.disk_listed:
        return (LISTING,)
    # A download's row is in the pane from its first byte: counted as downloading, not as an
    # archive (its `.part` is one only once a listing has seen it), so the count matches the
    # rows and does not change when the listing catches up.
    # A stopped download (a `.part` no job writes) is not an archive either: said as
    # `partial`, the word `pytui cache list` uses for it.
    downloading = _downloading(state)
    locked = _locked(state) - downloading
    if state.view.filter_text and shown is not None:
        total = len({cached_row_key(a.name) for a in state.archives
                     if kind_of(a.state) == "archive"} - downloading)
        more = _unfinished(shown_downloading, shown_partial, shown_unknown, locked=shown_locked)
        return _filtered_forms(state, "cached",
                               shown - shown_downloading - shown_partial - shown_unknown - shown_locked,
                               total, "archive", more)
    listed = [archive for archive in state.archives
              if cached_row_key(archive.name) not in downloading and archive.name not in locked]
    # A `.part` beside its complete archive is in that archive's row: counted once, as the rows.
    stale = stale_parts(archive.name for archive in listed)
    kinds = kind_counts(archive for archive in listed if archive.name not in stale)
    # The kept trees no archive uses have rows of their own: their bytes are the rows', not
    # `other files` (core/loose_trees.py).
    archive_bytes = sum(archive.size for archive in listed)
    total = archive_bytes + sum(tree.size for tree in state.loose_trees)
    # An archive whose tree's manifest is unreadable has no `+tree`: that tree is a row of its own.
    trees = sum(1 for archive in listed if archive.tree and not unusable_tree_why(archive, state.loose_trees))
    archives = counted(kinds["archive"], "archive")
    more = _unfinished(len(downloading), kinds["partial"], kinds["unknown"], locked=len(locked)) + _loose(state)
    unfinished = _unfinished(len(downloading), kinds["partial"], kinds["unknown"], short=True,
                             locked=len(locked))
    # Narrower, the counts stay and the size goes (the header says the cache's total), then
    # `downloading` becomes the rows' `↓`: at 80 columns a download beside two stopped ones
    # read `2 archives · 5.9 MiB`, the stopped ones not said.
    counts = (*([f"{archives}{more}"] if more else []),
              *([f"{archives}{unfinished}{_loose(state, short=True)}"] if downloading or locked or state.loose_trees else []))

    def unused(plain: str) -> tuple[str, ...]:
        # Narrower still (80 columns with both kinds), the trees no archive uses are counted.
        return (f"{plain}{unfinished}{_unused(state)}", f"{archives}{unfinished}{_unused(state)}") \
            if state.loose_trees else ()
    # Narrower, the rows that are no archive counted together before a form that leaves them
    # out (at 80 and 100 columns `6.0 MiB: 7 archives + 5 trees` stood over 11 rows, a stopped
    # download, an unknown file and two loose trees among them, as if 4 rows were trees).
    others = len(downloading) + len(locked) + kinds["partial"] + kinds["unknown"] + len(state.loose_trees)
    rest = f" · {others} other {'row' if others == 1 else 'rows'}" if others else ""
    if len(rest) >= len(f"{unfinished}{_loose(state, short=True)}"):
        rest = ""  # their words are as short (`1 archive · 2 unknown`)

    def other_rows(plain: str) -> tuple[str, ...]:
        return (f"{plain}{rest}", f"{archives}{rest}") if rest else ()
    if not kinds["archive"] and not state.loose_trees and more:
        # Nothing whole yet (the very first download): its count alone, `1 downloading`; it
        # read `0 archives · 0 B · 1 downloading` (the header says the cache's size).
        return _forms(state, "cached", *dict.fromkeys((more.removeprefix(" · "),
                                                       unfinished.removeprefix(" · "))))
    usage = settled_cache_usage(state)
    if trees and usage is not None and usage > total:
        kept = _count(trees, "tree")
        # The header's total leads (a download's bytes so far in it); the trees are what the
        # measure found besides the archives, not the download's `.part`.
        lead = human_size(cache_total(state) or usage)
        return _forms(state, "cached", *dict.fromkeys((
            f"{lead}: {archives} {human_size(archive_bytes)} + {kept} "
            f"{human_size(usage - total)}{more}",
            f"{lead}: {archives} + {kept}{more}",
            # Narrower (80 columns), the rows' downloads and stopped ones stay counted and the
            # trees go: the rows show `↓ 40%` and `◐ 46%`, not which archive has a tree.
            *([f"{lead}: {archives}{more}"] if more else []),
            # The total kept beside the rows' short words where the long ones do not fit (at
            # 120 and 200 columns the counts alone were shown, the total gone though it fitted).
            *([f"{lead}: {archives} {human_size(archive_bytes)} + {kept} {human_size(usage - total)}"
               f"{unfinished}{_loose(state, short=True)}",
               f"{lead}: {archives} + {kept}{unfinished}{_loose(state, short=True)}"] if state.loose_trees else []),
            *counts,
            # Narrower (80 and 100 columns with both kinds), counted: they have rows, the kept
            # trees only a `+tree` (the subtitle fell to `… + 2 trees`, them unsaid).
            *([f"{lead}: {archives} + {kept}{unfinished}{_unused(state)}"] if state.loose_trees else []),
            *unused(f"{lead}: {archives}"),
            *([f"{lead}: {archives} + {kept}{rest}"] if rest else []),
            *other_rows(f"{lead}: {archives}"),
            f"{lead}: {archives} + {kept}",
            # The count alone last, as in the other forms (at 40 columns the border cut the
            # one before to `191.6 KiB inc…`).
            f"{lead} incl. {kept}", archives)))
    if not trees and not downloading and usage is not None and \
            human_size(usage) != human_size(total):
        # Resume notes, a stranger's file, a killed run's leftovers: the header counts them,
        # so the pane says the header's total, and (where it fits) how much is no archive.
        # (Not while a download runs: its growing `.part` is in one figure and not the other.)
        plain = f"{archives} · {human_size(usage)}"
        return _forms(state, "cached", *dict.fromkeys((
            f"{plain}{more} (incl. {human_size(usage - total)} other files)",
            f"{plain}{more}", *_with_loose(state, plain, unfinished), *counts, *unused(plain),
            *other_rows(plain), plain, archives)))
    plain = f"{archives} · {human_size(total)}"
    # The count alone last: in a half-width pane at 40 columns the border cut the size's form
    # to `0 archives · …` (the header says the size).
    if trees:
        return _forms(state, "cached", *dict.fromkeys((
            f"{plain} · {trees} with a tree{more}", f"{plain}{more}", *_with_loose(state, plain, unfinished), *counts,
            *unused(plain), *other_rows(plain), plain, archives)))
    return _forms(state, "cached", *dict.fromkeys((f"{plain}{more}", *_with_loose(state, plain, unfinished), *counts,
                                                   *unused(plain), *other_rows(plain), plain, archives)))


def _unfinished(downloading: int, partial: int, unknown: int = 0, *, short: bool = False,
                locked: int = 0) -> str:
    """` · 1 downloading · 1 locked · 2 unknown · 1 partial`: the rows that are no archive
    (yet); `short`: ` · 1 ↓ · …` (the glyph a downloading row shows)."""
    said = "↓" if short else "downloading"
    return (f" · {downloading} {said}" if downloading else "") + (f" · {locked} locked" if locked else "") + \
        "".join(f" · {counted(count, kind)}" for count, kind in ((unknown, "unknown"), (partial, "partial"))
                if count)


def _with_loose(state: AppState, plain: str, unfinished: str) -> tuple[str, ...]:
    """`2 archives · 128.0 KiB · 1 archive gone`: the size kept beside the loose trees' short
    count (after `unfinished`, the downloads' and others' short count), before the counts
    alone (at 200 columns the size went for want of room for the long words); () with none."""
    if not state.loose_trees:
        return ()
    return (f"{plain}{unfinished}{_loose(state, short=True)}",)


def _loose(state: AppState, *, short: bool = False) -> str:
    """` · 1 unpacked tree whose archive is gone`: the kept trees no archive uses, by why (as
    `pytui cache list` counts them); `short`: ` · 1 archive gone`, their rows' State."""
    whys = dict.fromkeys(tree.why for tree in state.loose_trees)
    if not whys:
        return ""
    from pytui.core.cache_kinds import loose_trees_counted

    counts = {why: sum(1 for tree in state.loose_trees if tree.why == why) for why in whys}
    return "".join(f" · {count} {_short_why(why, count)}" if short else f" · {loose_trees_counted(count, why)}"
                   for why, count in counts.items())


def _short_why(why: str, count: int) -> str:
    """The rows' State word, with its noun where the word is a possessive: `1 newer pytui's
    tree` (the subtitle read `2 archives · 67.4 KiB · 1 newer pytui's`)."""
    from pytui.core.cache_kinds import NEWER_PYTUI

    return f"{why} {'tree' if count == 1 else 'trees'}" if why == NEWER_PYTUI else why


def _unused(state: AppState) -> str:
    """` · 2 unused trees`: the kept trees no archive uses counted, whatever their why (a newer
    pytui's apart: its archive may be there), where
    their rows' words do not fit (at 80 columns a tree whose archive is gone beside one whose
    manifest is unreadable, 50 cells with `1 archive`, were not said at all)."""
    from pytui.core.cache_kinds import NEWER_PYTUI

    # A newer pytui's tree is its archive's, not unused: counted apart (it read `1 unused tree`).
    newer = sum(1 for tree in state.loose_trees if tree.why == NEWER_PYTUI)
    unused = len(state.loose_trees) - newer
    return "".join([f" · {_count(unused, 'unused tree')}" if unused else "",
                    f" · {newer} {_short_why(NEWER_PYTUI, newer)}" if newer else ""])


def _downloading(state: AppState) -> set[str]:
    """The cache file names of the downloads running now: this app's jobs, and the `.part`
    files another process was downloading into when listed (its lock's record says so)."""
    return {job.build.cache_filename for job in state.running_jobs()
            if job.build is not None and job.phase == "download"} | \
        {cached_row_key(name) for name, holder in state.held_parts.items() if holder.state == DOWNLOADING}


def _locked(state: AppState) -> set[str]:
    """The `.part` files whose lock a process held when listed with no download vouched for
    (a purge, a --no-cache install, a bare flock: core/turn_record.held_part_state)."""
    return {name for name, holder in state.held_parts.items() if holder.state != DOWNLOADING}


def installed_subtitle(state: AppState, shown: int | None = None) -> str:
    """The Installed pane's subtitle in full (`installed_subtitles`' first form)."""
    return installed_subtitles(state, shown)[0]


def installed_subtitles(state: AppState, shown: int | None = None) -> tuple[str, ...]:
    """How many installs; under a filter, `shown` of them (as Available counts); the
    fullest form first (the pane shows the first that fits)."""
    if not state.disk_listed:
        return (LISTING,)
    if state.root_problem:
        return (f"cannot read the install root {WHY_IN_HISTORY}", "cannot read the install root")
    count = len(state.installations)
    if state.view.filter_text and shown is not None:
        return _filtered_forms(state, "installed", shown, count, "interpreter")
    interpreters = _count(count, "interpreter")
    return _forms(state, "installed", f"{interpreters} · {key_hint('e', 'environments')}",
                  interpreters)


# The Cached and Installed subtitles until the disk has been listed (never "0 archives").
LISTING = "listing…"
# How a subtitle saying a pane could not be filled points to the History, in every pane.
WHY_IN_HISTORY = "(H: why)"


def _with_sort(state: AppState, pane: str, subtitle: str) -> str:
    """A pane's subtitle, with how it is sorted when that is not its own order."""
    sort = describe(pane, state.sort_of(pane))
    return f"{subtitle} · {sort}" if sort else subtitle


def _forms(state: AppState, pane: str, *forms: str) -> tuple[str, ...]:
    """A subtitle's forms, fullest first, each with the pane's sort when it has one."""
    return tuple(_with_sort(state, pane, form) for form in forms)


def _filtered_forms(state: AppState, pane: str, shown: int, total: int,
                    noun: str, more: str = "") -> tuple[str, ...]:
    """`“3.12”: 1 of 2 archives` with `more` (` · 1 downloading`), then without it, then the
    count alone, with and without: the filter is said first at every width, as the other panes
    say it (at 80 columns a download's note took its place, and Cached alone read `0 of 7
    archives · 1 downloading` beside `“3.12.10”: 0 of 5 interpreters`)."""
    kept = f"{shown} of {_count(total, noun)}"
    forms = (filter_lead(state.view.filter_text) + kept, kept)
    return _forms(state, pane, *dict.fromkeys(form + tail for form in forms for tail in (more, "")))


def filter_lead(filter_text: str) -> str:
    """`“3.12”: `, before the count (`“3.12”: 1 of 2 archives`): how every pane's subtitle
    leads under a filter, at every width, so the three panes read alike side by side (Cached
    once kept `filter “3.12” ·` at 80 columns, where the others had dropped it for want of
    room), and the Environments view's status line with them (app/envs_view.envs_status)."""
    return f"“{filter_text}”: "


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"
