"""`pytui install REQUEST...` and `pytui uninstall REQUEST... | --all`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pytui.app.root_upkeep import finish_killed_uninstalls, say_half_there, tidy_root
from pytui.app.style import stderr_style
from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping

    from pytui.core.catalog import Catalog
    from pytui.core.download import Downloader
    from pytui.core.errors import WarningLine
    from pytui.core.jobs import JobOutcome
    from pytui.core.models import Build, Installation
    from pytui.core.platform_detect import HostPlatform
    from pytui.core.requests import PythonRequest
    from pytui.core.settings import Settings

# A request the catalog has no download for ends the run with uv's exit code for it (uv 0.13.9:
# `No download found for request`, exit 2, alone, among others or from a version file), and,
# as uv resolves every request before it installs any, nothing is installed or downloaded for
# the others either (docs/uv-compat.md#install-flow).
NO_DOWNLOAD_EXIT = 2


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    # A plain `pytui install` is read without argparse (app/plain_args.py): an option added to
    # `install` here must be added to its table there too.
    install = sub.add_parser(
        "install", parents=[common], help="download (through the cache) and install builds",
        description="Install Python builds into uv's managed root. REQUEST uses uv's grammar: "
                    "3.12, 3.12.8, 3.13t, 3.12+debug, cpython@3.12, pypy, a full key.")
    install.add_argument("requests", nargs="*", metavar="REQUEST",
                         help="what to install (default: what the nearest .python-versions or "
                              ".python-version asks, as uv reads it, else the latest stable CPython)")
    install.add_argument("--reinstall", "-r", action="store_true",
                         help="install again even if installed (the old install keeps working until the new one is in)")
    install.add_argument("--force", "-f", action="store_true",
                         help="replace existing executables in the bin dir (links of another install "
                              "or install root, or files not managed by uv or pytui), as `uv python "
                              "install --force`")
    install.add_argument("--no-cache", action="store_true",
                         help="stream the download straight into extraction; nothing is kept in the cache")
    install.add_argument("--no-bin", action="store_true",
                         help="do not link pythonX.Y into the bin dir (UV_PYTHON_INSTALL_BIN=0)")
    install.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                         help="install N builds at once (default 4)")
    install.add_argument("-v", "--verbose", action="store_true",
                         help="also say what unpacked each build (a zstd process, in-process, the kept tree)")
    install.set_defaults(run=run_install)

    uninstall = sub.add_parser("uninstall", parents=[common], help="remove installed builds",
                               description="Remove managed installs, their bin links and minor-version links.")
    uninstall.add_argument("requests", nargs="*", metavar="REQUEST",
                           help="what to remove: 3.12, 3.12.8, 3.13t, a full key (uv's grammar)")
    uninstall.add_argument("--all", action="store_true", help="remove every managed install")
    # Uninstall safety and pruning (app/uninstall_safety.py).
    uninstall.add_argument("--force", "-f", action="store_true",
                           help="remove even if environments that use the install would break")
    uninstall.add_argument("--outdated", action="store_true",
                           help="remove every patch with a newer installed patch of its minor "
                                "version that no environment uses directly")
    uninstall.add_argument("--dry-run", action="store_true",
                           help="print what would be removed and the space freed; remove nothing")
    uninstall.add_argument("--scan", action="append", default=[], metavar="DIR",
                           help="where to look for environments (as `pytui envs --scan`)")
    uninstall.set_defaults(run=run_uninstall)


def _fail(message: str, code: int = 1) -> int:
    print(stderr_style().error(message), file=sys.stderr)
    return code


def refuse_jobs(jobs: int | None) -> int | None:
    """Exit code 2, said in one line, for a `--jobs` below 1 (install's and upgrade's)."""
    return _fail("--jobs must be at least 1", 2) if jobs is not None and jobs < 1 else None


def _needs_network(builds: list[Build], settings: Settings, no_cache: bool) -> bool:
    """True when some build will be fetched through httpx: not cached (or --no-cache), not
    offline, not from a file:// mirror, and not a plain http:// URL (core/plain_http.py)."""
    if settings.offline:
        return False
    for build in builds:
        if not no_cache and os.path.isfile(settings.cache_dir / build.cache_filename):
            continue
        # Imported only for a build that is not cached (plain_http imports socket).
        from pytui.core.errors import PytuiError
        from pytui.core.plain_http import usable_for
        from pytui.core.urls import download_urls

        try:
            urls = download_urls(build, settings)
        except PytuiError:
            continue  # the job reports it
        if any(not url.startswith("file:") and not usable_for(url, settings.env) for url in urls):
            return True
    return False


def run_install(args: argparse.Namespace) -> int:
    import gc
    import time

    # A short-lived process: the cyclic garbage collector would walk every imported module's
    # objects again and again while extraction allocates (~6% of a cold install's CPU).
    # Reference counting still frees everything that is not a cycle.
    gc.disable()

    # Only what resolving the requests needs; the engine is imported once there is work, so
    # that its imports overlap the HTTP client's preparation.
    from pytui.core.errors import RequestError
    from pytui.core.installed import list_installed
    from pytui.core.platform_detect import detect_host
    from pytui.core.requests import PythonRequest
    from pytui.core.sources import load_catalog

    settings = args.settings
    if getattr(args, "verbose", False) and settings.uv_config.used:
        from pytui.core.uv_config import said_sources

        for line in said_sources(settings.uv_config):  # where uv's settings came from
            print(stderr_style().dim(line), file=sys.stderr)
    refused = refuse_jobs(args.jobs)
    if refused is not None:
        return refused
    # With no request, what a version file asks for, as uv's install reads it (uv-compat.md).
    if args.requests:
        from_file = None
    else:
        from pytui.app.version_file_requests import version_file_requests

        from_file = version_file_requests(settings)
    if from_file == []:
        return 0  # a version file asking for nothing usable: uv installs nothing, not the default
    texts = args.requests or from_file or ["default"]
    try:
        # As `pytui list` (and uv): a version uv does not support is refused with its reason.
        # Each text parsed once: a version file may repeat one ~13,000 times in its 64 KiB.
        parsed: dict[str, PythonRequest] = {}
        requests = [parsed.get(text) or parsed.setdefault(text, PythonRequest.parse(text).check_supported())
                    for text in texts]
    except RequestError as err:
        return _fail(str(err), 2)
    started = time.monotonic()
    # Lazy: only the chosen builds are made (find_download and Catalog.get work from key
    # fields); a source that disagrees with its parsed-cache entry raises a CatalogError there,
    # one line from cli.main.
    catalog = load_catalog(settings, lazy=True)
    if catalog.warning:  # malformed catalog entries were skipped (core/catalog.py)
        print(stderr_style().warning(str(catalog.warning)), file=sys.stderr)
    host = detect_host(settings.env)
    installed = list_installed(settings.install_root)
    installed_keys = [i.key for i in installed]
    notes: list[str] = []
    builds, missing, satisfied_keys = _resolve(args, texts, requests, catalog, host, installed_keys,
                                               named=bool(args.requests or from_file), notes=notes)
    if missing:
        # uv resolves every request first: one with no download installs none of them (and
        # says only that, not which others are installed).
        for line in missing:
            _fail(line)
        return NO_DOWNLOAD_EXIT
    for note in notes:
        print(note, file=sys.stderr)
    say_half_there(installed, satisfied_keys, host)
    if satisfied_keys or not builds:
        tidy_root(settings, satisfied_keys, clean_temp=not builds, force=args.force)
    if not builds:
        return 0
    return _start_installs(args, settings, catalog, builds, started)


def build_pin(env: Mapping[str, str], implementation: str | None) -> tuple[str, str] | None:
    """uv's pin of the release a download of `implementation` must come from
    (`UV_PYTHON_CPYTHON_BUILD=20241016`; `_PYPY_`, `_GRAALPY_`, `_PYODIDE_`), as (variable,
    value); an empty value is unset. uv takes any text and finds no download for a release
    the catalog lacks, and so does pytui. The value is trimmed of white space (Rust's), and
    one of white space alone is unset, as uv reads it (`python_build_version_from_env`)."""
    from pytui.core.keys import RUST_WHITESPACE

    name = f"UV_PYTHON_{(implementation or 'cpython').upper()}_BUILD"
    value = env.get(name, "").strip(RUST_WHITESPACE)
    return (name, value) if value else None


def _resolve(args: argparse.Namespace, texts: list[str], requests: list[PythonRequest],
             catalog: Catalog, host: HostPlatform, installed_keys: list[str], *,
             named: bool, notes: list[str]) -> tuple[list[Build], list[str], list[str]]:
    """(builds to install, the error line of each request nothing matches, installed keys
    that satisfy a request); what to say of the requests already satisfied (as uv does) goes
    into `notes`, said only when every request resolved. `named`: the requests were given (on
    the command line or in a version file), not the default."""
    from pytui.core.build_choice import find_download

    builds: list[Build] = []
    missing: list[str] = []
    satisfied_keys: list[str] = []
    # What each request text resolves to, found once: a version file of 64 KiB may repeat one
    # ~13,000 times, and each search walks the installs and the catalog.
    satisfying: dict[str, tuple[PythonRequest, list[str]]] = {}
    chosen: dict[str, Build | None] = {}
    for text, request in zip(texts, requests, strict=True):
        resolved = satisfying.get(text)
        if resolved is None:
            filled = request.for_install(host)
            resolved = satisfying[text] = (filled, [key for key in installed_keys
                                                    if filled.installed_key_satisfies(key)])
        filled, matching = resolved
        if matching and not args.reinstall:
            if named:
                notes.append(f"Python {text} is already installed ({matching[0]})")
            else:
                notes.append(f"Python is already installed ({matching[0]}). Use `pytui install "
                             "<request>` to install another version.")
            satisfied_keys.append(matching[0])
            continue
        if matching and not named:
            # A bare `--reinstall` means every installed build, as uv's does.
            matching = installed_keys
        if matching:
            # `--reinstall` reinstalls every installed patch the request matches, as uv does;
            # the ones this catalog no longer lists are named and skipped.
            known = [catalog.get(key) for key in matching]
            for key, build in zip(matching, known, strict=True):
                if build is None:
                    notes.append(stderr_style().warning(f"cannot reinstall {key}: catalog {catalog.source} "
                                                        "no longer lists it"))
            found = [build for build in known if build is not None]
            if found:
                builds.extend(found)
                continue
        pin = build_pin(args.settings.env, filled.implementation)
        if text in chosen:
            choice = chosen[text]
            if choice is None:
                continue  # said once
        else:
            choice = chosen[text] = find_download(catalog, request, host, build=pin[1] if pin else None)
        if choice is None:
            missing.append(no_download_line(text, pin, host, catalog))
        else:
            builds.append(choice)
    return builds, missing, satisfied_keys


def shown_pin(value: str) -> str:
    """A build pin's value as a line shows it: one line, at most 64 characters (a PBS release
    is 8 digits)."""
    from pytui.core.env import shown_value

    return shown_value(value, 64)


def no_download_line(text: str, pin: tuple[str, str] | None, host: HostPlatform, catalog: Catalog) -> str:
    """The line for a request the catalog has no download for (install's and upgrade's)."""
    # A pinned build names its variable: unsetting it is the other way out.
    # (The pin as written, cut: a 100,000-character value made a line of that size.)
    pinned, unpin = ((f" with build {shown_pin(pin[1])} ({pin[0]})", f", or unset {pin[0]}") if pin
                     else ("", ""))
    return (f"no download found for request `{text}`{pinned} on {host.platform} in "
            f"catalog {catalog.source}{_reused(catalog)}; see `pytui list --all-versions`{unpin}")


def _reused(catalog: Catalog) -> str:
    """A remote catalog's kept copy reused unasked: a build added since is not in it, and
    nothing said so (the way out, `pytui list --refresh`, was the user's to guess)."""
    if not catalog.reused:
        return ""
    from pytui.core.kept_catalog import describe_age

    return (f", fetched {describe_age(catalog.fetched_at)} and reused for ten minutes: "
            "`pytui list --refresh` fetches it again now")


def _start_installs(args: argparse.Namespace, settings: Settings, catalog: Catalog,
                    builds: list[Build], started: float) -> int:
    """Prepare the HTTP client if needed, run the jobs."""
    import threading

    if not _needs_network(builds, settings, args.no_cache):
        # Everything is cached (or comes from a file:// mirror): the jobs make a downloader only
        # if one turns out to be needed, so an install from a pristine tree never imports the
        # download engine.
        return _install_builds(args, settings, catalog, builds, None, started)
    from pytui.core.download import Downloader

    downloader = Downloader.from_settings(settings)
    # Importing httpx and loading CA certificates take ~0.1 s: do it while the engine is
    # imported and the jobs start; the first download waits for it.
    preparing = threading.Thread(target=downloader.prepare, name="pytui-http-prepare", daemon=True)
    preparing.start()
    try:
        return _install_builds(args, settings, catalog, builds, downloader, started)
    finally:
        preparing.join()
        downloader.close()


def _install_builds(args: argparse.Namespace, settings: Settings, catalog: Catalog, builds: list[Build],
                    downloader: Downloader | None, started: float) -> int:
    from pytui.app.progress_board import ProgressBoard
    from pytui.core.job_runs import run_install_jobs
    from pytui.core.progress import CancelToken

    cancel = CancelToken()
    warnings: list[WarningLine] = []
    board = ProgressBoard()
    outcomes = None  # bound once every job ended: a Ctrl-C may still land as the board closes
    try:
        with board:
            outcomes = run_install_jobs(
                builds, settings=settings, catalog=catalog, concurrency=args.jobs,
                progress_for=board.callback, on_ended=board.ended, cancel=cancel, reinstall=args.reinstall,
                no_cache=args.no_cache, force=args.force, on_warning=warnings.append, wait_for=board.waiting,
                downloader=downloader)
    except KeyboardInterrupt as err:
        cancel.cancel()
        from pytui.core.job_runs import JobsInterrupted

        done = err.outcomes if isinstance(err, JobsInterrupted) else outcomes
        if done is not None:
            # What was installed before the Ctrl-C is there: said, then "interrupted".
            _report(args, settings, done, warnings, started)
        from pytui.app import interrupted

        some = interrupted.installed_any(done or ())
        print(stderr_style().error(interrupted.install_line(no_cache=args.no_cache, installed_some=some)),
              file=sys.stderr)
        return interrupted.EXIT_CODE
    _report(args, settings, outcomes, warnings, started)
    failed = [o for o in outcomes if o.error is not None]
    style = stderr_style()
    for outcome in failed:
        print(style.error(str(outcome.error)), file=sys.stderr)
    return 1 if failed else 0


def already_installed_line(build: Build) -> str:
    """What a job that found its build installed says (install and upgrade)."""
    return f"Python {build.version} is already installed ({build.key})"


def _report(args: argparse.Namespace, settings: Settings, outcomes: list[JobOutcome], warnings: list[WarningLine],
            started: float) -> None:
    """The warnings, and the builds installed (or found installed meanwhile), as uv says them."""
    from pytui.app.path_hint import executables_named, path_warning
    from pytui.app.progress_board import elapsed_text

    style = stderr_style()
    for warning in warnings:
        print(style.warning(str(warning)), file=sys.stderr)  # (the CLI's words)
    for outcome in outcomes:
        if outcome.result is not None and outcome.result.status == "already":
            # Installed by another uv or pytui process while this one was downloading.
            print(already_installed_line(outcome.build), file=sys.stderr)
    from pytui.core.ordering import in_change_order

    # In uv's order, not the requests' (`pytui install 3.13 3.12` said 3.13 first).
    done = in_change_order([(o, o.result) for o in outcomes if o.result is not None and o.result.status != "already"],
                           key=lambda pair: pair[0].build)
    if done:
        noun = "1 version" if len(done) == 1 else f"{len(done)} versions"
        what = f"Python {done[0][0].build.version}" if len(done) == 1 else noun
        print(f"{style.dim('Installed ')}{style.bold(what)}{style.dim(f' in {elapsed_text(started)}')}",
              file=sys.stderr)
        for (outcome, result), names in zip(done, executables_named([r.installation for _, r in done]), strict=True):
            sign = style.yellow("~") if result.status == "reinstalled" else style.green("+")
            print(f" {sign} {style.bold(outcome.build.key)}{names}", file=sys.stderr)
            if getattr(args, "verbose", False) and result.unpacked_by:
                print(style.dim(f"   unpacked by {result.unpacked_by}"), file=sys.stderr)
        from pytui.core.support import eol_installed_lines

        # Said of what was installed, once it is (core/support.py owns the words).
        for line in eol_installed_lines([o.build for o, _ in done], settings.state_dir):
            print(style.warning(line), file=sys.stderr)
        if not settings.no_bin:
            # As uv: after installing, say so when the bin dir's links cannot be run by name.
            path_hint = path_warning(settings.bin_dir, settings.env, style)
            if path_hint is not None:
                print(style.warning(path_hint, painted=True), file=sys.stderr)


def _choose(texts: list[str], requests: list[PythonRequest], installed: list[Installation],
            root: Path) -> list[Installation]:
    """The installs the requests match, in order, each once; a request matching none is named."""
    chosen: list[Installation] = []
    for text, request in zip(texts, requests, strict=True):
        matching = [i for i in installed if request.matches_key(i.key)]
        if not matching:
            _fail(f"no Python installations found matching `{text}` in {root}; "
                  "`pytui list --only-installed` lists what is installed")
        chosen.extend(i for i in matching if i not in chosen)
    return chosen


def run_uninstall(args: argparse.Namespace) -> int:
    import time

    from pytui.app.progress_board import elapsed_text
    from pytui.core.errors import RequestError
    from pytui.core.install_root import InstallRoot
    from pytui.core.requests import PythonRequest

    settings = args.settings
    if args.outdated:
        if args.requests or args.all:
            return _fail("--outdated takes no REQUEST and no --all", 2)
        from pytui.app.uninstall_safety import run_prune

        return run_prune(args)
    if not args.requests and not args.all:
        return _fail("name what to uninstall (REQUEST...) or pass --all or --outdated", 2)
    if args.requests and args.all:
        return _fail("give either REQUEST... or --all, not both", 2)
    try:
        requests = [PythonRequest.parse(text) for text in args.requests]
    except RequestError as err:
        return _fail(str(err), 2)
    root = InstallRoot(settings.install_root)
    finish_killed_uninstalls(settings)
    installed = root.installed()
    started = time.monotonic()
    from pytui.core.ordering import in_change_order

    # Removed and said in uv's order (lowest key first), not the requests' nor the listing's:
    # a minor's older patch goes before its newest, so no line says `python3.12 now runs` a
    # patch the next line removes, as uv says it.
    chosen = in_change_order(installed if args.all else _choose(args.requests, requests, installed, root.path))
    if not chosen:
        if args.all:
            print(f"No Python installations found in {root.path}", file=sys.stderr)
            return 0
        return 1
    from pytui.app.uninstall_safety import refuses

    if refuses(args, chosen, installed):
        return 1
    from pytui.app import uninstall_report as report

    if args.dry_run:
        report.print_plan(root, chosen)
        return 0
    bin_dir = None if settings.no_bin else settings.bin_dir
    waited: list[str] = []

    def on_wait(message: str) -> None:
        if not waited:  # once, however many installs wait for the same lock
            from pytui.app.progress_board import wait_line

            waited.append(message)
            print(wait_line(message), file=sys.stderr)

    results = [root.uninstall(installation.key, bin_dir=bin_dir, on_wait=on_wait)
               for installation in chosen]
    style = stderr_style()
    noun = f"Python {chosen[0].version}" if len(chosen) == 1 else f"{len(chosen)} versions"
    timing = f" in {elapsed_text(started)} ({report.summary_text(results)})"
    print(f"{style.dim('Uninstalled ')}{style.bold(noun)}{style.dim(timing)}", file=sys.stderr)
    for result in results:
        print(f" {style.red('-')} {style.bold(result.key)}{report.links_text(result)}", file=sys.stderr)
    missing = len(args.requests) and any(
        not any(r.matches_key(i.key) for i in installed) for r in requests)
    return 1 if missing else 0
