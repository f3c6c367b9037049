"""`pytui list [REQUEST]`: installed and available Python builds, as `uv python list` shows them.

Imports only the core modules it needs (never textual), so it starts quickly.
"""

from __future__ import annotations

import sys

from pytui.app.style import color_enabled, stderr_style
from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from typing import TextIO

    from pytui.core.catalog import Catalog
    from pytui.core.listing import ListRow
    from pytui.core.settings import Settings


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    # Here, not at the top: a plain `pytui list` is read without argparse (app/plain_args.py,
    # whose table of this command's options must list every option added here).
    import argparse

    p = sub.add_parser(
        "list", aliases=["ls"], parents=[common],
        help="list installed and available Python builds (like `uv python list`)",
        description="List managed Python installs and downloadable builds for this platform, "
                    "newest first, one row per minor version unless --all-versions. "
                    "REQUEST uses uv's grammar: 3.12, 3.13t, >=3.11,<3.13, pypy, cpython@3.12, "
                    "cpython-3.12.8-linux-x86_64-gnu.",
    )
    p.add_argument("request", nargs="?", metavar="REQUEST", help="only builds matching this request")
    p.add_argument("--all-versions", action="store_true",
                   help="every patch version, not only the newest of each minor")
    p.add_argument("--all-platforms", action="store_true",
                   help="downloads for every os, arch and libc, not only this machine's")
    p.add_argument("--all-arches", dest="all_arches", action="store_true",
                   help="downloads for every arch of this os and libc")
    # uv's hidden alias: taken, but not shown beside --all-arches as a second spelling to pick.
    p.add_argument("--all_architectures", dest="all_arches", action="store_true",
                   help=argparse.SUPPRESS)
    only = p.add_mutually_exclusive_group()
    only.add_argument("--only-installed", action="store_const", dest="kind", const="installed",
                      help="only installed interpreters")
    only.add_argument("--only-downloads", action="store_const", dest="kind", const="downloads",
                      help="only downloadable builds")
    only.add_argument("--only-cached", action="store_const", dest="kind", const="cached",
                      help="only builds whose archive is in the archive cache (every patch)")
    p.add_argument("--show-urls", action="store_true",
                   help="show the download URL instead of <download available>")
    p.add_argument("--json", action="store_const", dest="output_format", const="json",
                   help="one line of JSON: uv's fields, plus build, cached and support")
    p.add_argument("--output-format", choices=("text", "json"), default="text",
                   help="text (default) or json, as uv spells it")
    p.add_argument("--refresh", action="store_true",
                   help="fetch the newest catalog first (kept in pytui's state dir); "
                        "a network failure keeps the current one")
    p.add_argument("--support", action=argparse.BooleanOptionalAction, default=None,
                   help="show each minor version's support status (bugfix, security, EOL) at the "
                        "end of the line (default: on a terminal)")
    p.set_defaults(run=run, kind="default")


def _styled(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def run(args: argparse.Namespace) -> int:
    from pytui.core.gc_pause import gc_paused

    # Listing makes no garbage cycles: the collector would only walk the catalog (a fifth of the
    # time at 200,000 entries). Restored for callers in the same process (tests, the TUI).
    with gc_paused():
        return _run(args)


def _support_table(settings):  # -> SupportTable; imported only when shown
    from pytui.core.support import SupportTable

    return SupportTable.load(settings.state_dir)


def _run(args: argparse.Namespace) -> int:
    from pytui.core.listing import list_rows, row_json
    from pytui.core.requests import PythonRequest
    from pytui.core.sources import load_catalog, refresh_catalog

    settings = args.settings
    # As `uv python list`: a version uv does not support is refused (exit 2), not listed empty.
    request = PythonRequest.parse(args.request).check_supported() if args.request else None
    if args.refresh and not settings.downloads_json:
        from pytui.app.safe_text import shown
        from pytui.core.kept_catalog import CLI_NEXT_STEP, fetched_nothing

        result = refresh_catalog(settings)
        if fetched_nothing(result.message):  # a warning, as the release cycle's below it
            print(stderr_style().warning(f"{result.message}; {CLI_NEXT_STEP}"), file=sys.stderr)
        else:  # (escaped, as the styled lines are: it names a URL from the environment)
            print(shown(result.message), file=sys.stderr)
        from pytui.core.support import refresh as refresh_support

        problem = refresh_support(settings)  # the release-cycle dates, alongside the catalog
        if problem:
            print(stderr_style().warning(str(problem)), file=sys.stderr)
    # Lazy: of thousands of builds, only the shown ones are made (core/catalog_columns.py).
    catalog = load_catalog(settings, refresh=args.refresh and bool(settings.downloads_json),
                           lazy=True)
    if catalog.warning:  # malformed entries were skipped: say so once, list the rest
        print(stderr_style().warning(str(catalog.warning)), file=sys.stderr)
    if args.kind == "cached":
        from pytui.core.cache import ArchiveCache

        problem = ArchiveCache(settings.cache_dir, settings.env).problem()
        if problem is not None:
            print(stderr_style().error(problem), file=sys.stderr)
            return 1
    damaged: list = []
    rows = list_rows(catalog, settings, request, kind=args.kind,
                     all_platforms=args.all_platforms, all_arches=args.all_arches,
                     all_versions=args.all_versions, damaged=damaged)
    if damaged:
        _warn_damaged(damaged)
    if args.kind == "cached":  # beside rows too: 4 listed of 5 cached was said nowhere
        _note_unlisted_archives(settings, catalog)

    out = sys.stdout
    if args.output_format == "json":
        from pytui.app.safe_text import json_text

        support = _support_table(settings)
        objects = []
        for row in rows:
            obj = row_json(row)
            status = support.for_item(row)  # after uv's fields
            obj["support"] = status.to_json() if status is not None else None
            objects.append(obj)
        # Non-printable characters of a path as `\\u` escapes, as `cache list --json` writes them.
        out.write(json_text(objects, separators=(",", ":")) + "\n")
        return 0
    lines = _text_lines(args, settings, rows, out)
    if lines:
        out.write("\n".join(lines) + "\n")
    if args.kind == "installed":
        out.flush()  # the notes follow the list they are about
        _note_lacking_links(settings, [row.installation.key for row in rows if row.installation])
    return 0


# Installs named in the notes about links (and in the warnings about damaged installs); the
# rest are counted.
MAX_LINK_NOTES = 3


def _warn_damaged(damaged: list) -> None:
    """An install left out of the list for lacking a file uv's query needs, said on stderr
    before the list (stdout stays uv's, which drops it too), with the command that repairs it."""
    from pytui.app.safe_text import shown
    from pytui.core.install_damage import damage_line

    style = stderr_style()
    for installation, missing in damaged[:MAX_LINK_NOTES]:
        print(style.warning(shown(damage_line(installation, missing))), file=sys.stderr)
    if len(damaged) > MAX_LINK_NOTES:
        print(style.warning(f"and {len(damaged) - MAX_LINK_NOTES} more installs like these "
                            "(`pytui list --only-installed KEY` names one)"), file=sys.stderr)


def _note_lacking_links(settings: Settings, keys: list[str]) -> None:
    """`--only-installed`: an install that lacks a link says so on stderr, with the command that
    makes it (as the TUI's Details): those a killed pytui run left out, and a bin link none made
    (--no-bin, uv's own downloads, a killed uv run: core/link_repair.lacking_links). A stat or
    two per install shown; the plain list on stdout stays uv's."""
    from pytui.app.safe_text import shown
    from pytui.core.link_repair import behind_links, lacking_links, minor_groups

    notes = []
    fellows = minor_groups(keys)
    for key in keys:
        behind = behind_links(settings.install_root, settings, key, fellows.get(key, []))
        if behind:
            said = ", ".join(f"{name} runs {runs}" for name, runs in behind)
            notes.append(f"note: {key} is the newest patch installed, but {said}; `pytui install "
                         f"{key}` points {'it' if len(behind) == 1 else 'them'} at it, as uv's does")
        missing, unlinked = lacking_links(settings.install_root, settings, key, fellows.get(key, []))
        if missing:
            notes.append(f"note: {key} lacks {', '.join(missing)} (a run was killed before making "
                         f"{'it' if len(missing) == 1 else 'them'}); `pytui install {key}` restores "
                         f"{'it' if len(missing) == 1 else 'them'}")
        if unlinked:
            notes.append(f"note: {key} has no {', '.join(unlinked)} in {shown(settings.bin_dir)} (uv "
                         "makes none for --no-bin or a Python `uv run` downloaded; a uv run killed "
                         f"before its links leaves none); `pytui install {key}` makes it")
    for line in notes[:MAX_LINK_NOTES]:
        print(line, file=sys.stderr)
    if len(notes) > MAX_LINK_NOTES:
        print(f"note: and {len(notes) - MAX_LINK_NOTES} more like these "
              "(the terminal UI's Details names each)", file=sys.stderr)


def _note_unlisted_archives(settings: Settings, catalog: Catalog) -> None:
    """`--only-cached` lists catalog builds: archives cached under another catalog (a mirror's
    --downloads-json) are in `pytui cache list` but not here, which a note says (an empty
    answer said it; a list of some said nothing of the others)."""
    from pytui.core.cache import ArchiveCache

    unlisted = sum(1 for archive in ArchiveCache(settings.cache_dir, settings.env).list(catalog) if archive.unlisted)
    if unlisted:
        count, them, they = ((f"{unlisted} archives", "them", "they") if unlisted != 1
                             else ("1 archive", "it", "it"))
        print(f"note: the cache holds {count} the catalog ({catalog.source}) does not list "
              f"(`pytui cache list` shows {them}; --downloads-json with the catalog {they} came "
              f"from lists {them} here)", file=sys.stderr)


def _text_lines(args: argparse.Namespace, settings: Settings, rows: list[ListRow],
                out: TextIO) -> list[str]:
    """uv's text lines (key, location), plus the support column on a terminal or when asked."""
    from pytui.app.safe_text import shown as escaped
    from pytui.core.listing import user_display

    color = color_enabled(getattr(args, "color", None), out)  # --color, NO_COLOR, FORCE_COLOR, as uv
    # The support column is for people: on a terminal (or asked for); a pipe gets uv's format.
    show_support = args.support if args.support is not None else out.isatty()
    support = _support_table(settings) if show_support else None
    width = max((len(row.key) for row in rows), default=0)
    # (key, location styled, its width on screen, support status) per row.
    cells = []
    # Every location as `cache list` and `envs` print theirs (app/safe_text.py): an ESC or a
    # bidi mark in a root's path, a link's target or a mirror's URL would steer the terminal,
    # a newline forge a row. Printable text (uv's paths) is unchanged.
    for row in rows:
        if row.path is not None:
            plain = escaped(user_display(row.path))
            shown = _styled(plain, "36", color)
            if row.symlink is not None:
                target = escaped(row.symlink)
                plain += " -> " + target
                shown += " -> " + _styled(target, "36", color)
        elif args.show_urls:
            plain = escaped(row.url or "")
            shown = _styled(plain, "2", color)
        elif row.cached is not None:
            plain = escaped(user_display(row.cached.path))  # as an install's: from the cwd when under it
            shown = _styled(plain, "32", color)
        else:
            plain = "<download available>"
            shown = _styled(plain, "2", color)
        cells.append((row.key, shown, len(plain), support.for_item(row) if support is not None else None))
    # The support column starts at one place on every line (padded as the key column is), past
    # the longest location that leaves it room on the terminal: a cached archive's path (some
    # 110 characters) put it past 150 columns, and every line wrapped. A longer line has it
    # right after its own location; a pipe (no width) has it at one place.
    columns = 0
    if support is not None:
        import shutil  # (only here: a plain `pytui list` imports as little as it can)

        columns = shutil.get_terminal_size((0, 0)).columns  # COLUMNS, else the terminal's
    where = max((length for _, _, length, status in cells if status is not None and (
        not columns or width + 4 + length + 4 + len(status.text()) <= columns)), default=0)
    lines = []
    for key, shown, length, status in cells:
        if status is not None:
            text = status.text()
            gap = max(0, where - length) + 4
            if columns:
                gap += _past_the_wrap(width + 4 + length + gap, len(text), columns, width + 4)
            shown += " " * gap + _styled(text, "33" if status.phase == "end-of-life" else "2", color)
        lines.append(f"{key:<{width}}    {shown}")
    return lines


def _past_the_wrap(start: int, length: int, columns: int, indent: int) -> int:
    """The spaces more that move a status starting at cell `start` of a line to the next row
    of a `columns`-wide terminal, under the location column (`indent`), when the terminal's
    wrap would cut it (`security → 2028-1` / `0` after a cached archive's path at 80 columns)."""
    if length > columns or start // columns == (start + length - 1) // columns:
        return 0
    to_next_row = columns - start % columns
    return to_next_row + (indent if indent + length <= columns else 0)
