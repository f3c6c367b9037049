"""`pytui cache import FILE...` and `pytui cache export-mirror DIR`: archives into the cache
from anywhere, and out of it as a mirror both pytui and uv install from."""

from __future__ import annotations

import argparse

from pytui.app.cache_cli import (
    ProgressLine,
    cache_of,
    catalog_of,
    describe,
    say_error,
    shown,
    size_text,
)
from pytui.app.style import stderr_style
from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.catalog import Catalog


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pytui.core.errors import PytuiError
    from pytui.core.http import TransferLimits

    cache = cache_of(args)
    catalog = catalog_of(args)
    max_bytes = TransferLimits.from_env(args.settings.env).max_archive_bytes
    failed = 0
    for name in args.files:
        line = ProgressLine(f"importing {name}")
        try:
            imported = cache.import_file(Path(name), catalog, progress=line, max_bytes=max_bytes)
        except PytuiError as err:
            line.clear()
            say_error(stderr_style().error(str(err)))
            failed += 1
            continue
        line.clear()
        archive = imported.archive
        what = f"{shown(archive.name)} ({describe(archive)}, {size_text(archive.size)})"
        if imported.copied:
            print(f"imported {shown(name)} as {what}")
        else:
            print(f"{shown(name)} is already cached as {what}; nothing was copied")
    return 1 if failed else 0


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    cache = cache_of(args)
    catalog = catalog_of(args)
    line = ProgressLine("exporting")
    try:
        report = cache.export_mirror(Path(args.dest), catalog, progress=line)
    finally:
        line.clear()
    for archive, why in report.skipped:
        say_error(f"skipped {shown(archive.name)} ({describe(archive)}): {shown(why)}")
    if not report.exported:
        from pytui.core.urls import CPYTHON_DOWNLOADS_URL_PREFIX

        nothing = f"no archive exported: {cache.root} holds no verified python-build-standalone archive of the current catalog"
        if report.skipped:  # each said above why; a mirror mirrors the release URLs only
            nothing += (f"; a mirror lays out archives the catalog lists under {CPYTHON_DOWNLOADS_URL_PREFIX}…"
                        " (uv's catalog and the built-in list do): export with one of those "
                        "(unset --downloads-json / UV_PYTHON_DOWNLOADS_JSON_URL, or point it at uv's "
                        "download-metadata.json)")
        elif report.unlisted:  # cached under another catalog (a mirror's, a --downloads-json)
            count = f"{report.unlisted} archive{'s' if report.unlisted != 1 else ''}"
            nothing += (f"; the catalog ({catalog.source}) lists none of its {count}: pass "
                        "--downloads-json with the catalog they came from")
        else:
            nothing += f"; install builds first (`{_install_example(args, catalog)}`), or `pytui cache import FILE`"
        say_error(stderr_style().error(nothing))
        return 1
    if report.metadata_replaced is not None:
        say_error(stderr_style().warning(
            f"{report.metadata} could not be merged ({report.metadata_replaced}); it was replaced "
            "by a catalog of the archives exported now"))
    root = report.root
    print(f"exported {len(report.exported)} archive{'s' if len(report.exported) != 1 else ''} "
          f"({size_text(report.bytes_written)}) to {shown(root)}")
    # Quoted for a shell: the lines are for pasting, and DIR may hold a space or a `$`.
    mirror, metadata = pasteable(root.as_uri()), pasteable(str(report.metadata))
    # A version the mirror holds, the newest standard build first (it said `install 3.12` for
    # a mirror of 3.11 alone).
    request = min(report.exported,
                  key=lambda build: (build.variant != "default", build.sort_key())).minor_request
    print("install from it with no network:")
    print(f"  pytui --offline --mirror {mirror} --downloads-json {metadata} install {request}")
    print(f"  UV_OFFLINE=1 UV_PYTHON_INSTALL_MIRROR={mirror} "
          f"UV_PYTHON_DOWNLOADS_JSON_URL={metadata} uv python install {request}")
    return 0


def _install_example(args: argparse.Namespace, catalog: Catalog) -> str:
    """The install that puts an archive in the cache, naming core/example_minor.py's minor (the
    rule of the Environments view's mends and `install`'s version-file lines: the newest CPython
    minor installed, else the catalog's newest stable for this host); it named 3.12 whatever
    either held. An installed minor is reinstalled: `pytui install` of it downloads nothing."""
    from pytui.core.errors import PytuiError
    from pytui.core.example_minor import example_minor, newest_installed_minor
    from pytui.core.installed import list_installed
    from pytui.core.platform_detect import detect_host

    try:
        installed = list_installed(args.settings.install_root)
    except (PytuiError, OSError):
        installed = []  # a root that cannot be listed has no minor to name
    minor = example_minor(installed, catalog, detect_host(args.settings.env), args.settings.state_dir)
    return f"pytui install --reinstall {minor}" if newest_installed_minor(installed) else f"pytui install {minor}"


def pasteable(text: str) -> str:
    """`text` as one shell word that reads back as it is: shlex-quoted when printable; else in
    bash's and zsh's $'...' with each byte not printable ASCII as `\\xHH` (a directory whose name
    holds a new line printed `'…/nl\\nx/…'`, a path with a backslash and an n to a shell, and
    the pasted install failed), which also keeps control characters off the terminal."""
    import os
    from shlex import quote

    if text.isprintable():
        return quote(text)
    escaped = {0x5C: "\\\\", 0x27: "\\'", 0x0A: "\\n", 0x09: "\\t"}
    return "$'" + "".join(escaped.get(byte) or (chr(byte) if 0x20 <= byte < 0x7F else f"\\x{byte:02x}")
                          for byte in os.fsencode(text)) + "'"
