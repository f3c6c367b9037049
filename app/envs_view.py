"""The environment scan as the TUI shows it (no Textual): the Environments view's rows and
status line, the Installed pane's "Used by" count and the details' list of users.

An environment "uses" an install when its interpreter resolves to it: directly (made from the
patch directory, pinned to it) or through the minor-version link (it follows upgrades, and runs
this install only while the link points here). A project pin uses the install uv would pick.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pytui.app.state import AppState
from pytui.core.elide import elide_middle
from pytui.core.example_minor import example_minor, newest_installed_minor
from pytui.widgets.format import home_shortened, short_path
from pytui.widgets.rows import EnvRow

if TYPE_CHECKING:
    from pytui.core.catalog import Catalog
    from pytui.core.environment import Environment
    from pytui.core.keys import KeyFields

# How many users the details list by path before "and N more (e: Environments)".
DETAILS_USERS = 6
# Between a quick result's note's two parts: when the whole tree was checked, and what the
# quick check looked at (app/background.quick_note).
QUICK_SEP = " · "


def env_row(state: AppState, env: Environment) -> EnvRow:
    path = short_path(env.path, state.home)
    roots = [short_path(root, state.home) for root in state.envs_roots]
    return EnvRow(id=str(env.path), path=path, kind=env.kind, key=env.key_shown(),
                  how=short_how(env), status=row_status(env), head=project_start(path, roots))


def project_start(path: str, roots: Iterable[str] = ()) -> int:
    """How much of a shown environment path a narrow table keeps at its start: through its
    project dir, the part a person tells deep venvs apart by (`~/code/shop` of
    `~/code/shop/backend/sub/.venv`; cut from the start it read `…/sub/.venv`). That is the
    scan root it lies under and one dir more; under the home directory (a root or none) two,
    as projects sit in a folder there (`~/code`, `~/src`). 0 when that reaches its last part."""
    under = [root.rstrip("/") for root in roots if root.rstrip("/") not in ("", "~")
             and path.startswith(root.rstrip("/") + "/")]
    if under:
        start, more = max(under, key=len), 1
    else:
        start, more = ("~", 2) if path.startswith("~/") else ("", 2)
    parts = path[len(start):].strip("/").split("/")
    if len(parts) <= more:
        return 0
    return len(start) + len("/" + "/".join(parts[:more]))


def row_status(env: Environment) -> str:
    """`broken`, `ok`, or `unmet` for a pin no install satisfies: not broken (uv would
    download one), but `ok` read wrong beside a Key that names no install."""
    return "unmet" if env.status == "ok" and env.kind == "pin" and not env.key else env.status


def short_how(env: Environment) -> str:
    """`Environment.how()`, with a broken one's reason cut to what it wants (the whole reason
    is under the table; the Status column already says `✗ broken`, so at 80 columns the
    version wanted is not what gets cut)."""
    if env.status != "broken":
        return env.how()
    from pytui.core.keys import parse_key

    wanted = parse_key(env.wanted) if env.wanted else None
    if wanted is not None:
        return f"wants {wanted.version}"
    # A minor version's link (`cpython-3.11-linux-…`): no key parser reads it as a key.
    link = _minor_link_fields(env.wanted) if env.wanted and env.link == "minor" else None
    return f"wants {link.major}.{link.minor}" if link is not None else "broken"


def env_rows(state: AppState, filter_text: str = "") -> list[EnvRow]:
    """Rows for the Environments view: every environment whose path, kind, key, how or status
    holds each word of `filter_text` (case-insensitive); broken ones first, then by path."""
    words = filter_text.lower().split()
    rows = [env_row(state, env) for env in state.environments or ()]
    if words:
        rows = [row for row in rows
                if all(word in _haystack(row) for word in words)]
    rows.sort(key=lambda row: (row.status != "broken", row.path))
    return rows


def _haystack(row: EnvRow) -> str:
    return f"{row.id} {row.path} {row.kind} {row.key} {row.how} {row.status}".lower()


def envs_status(state: AppState, shown: int | None = None, shown_broken: int = 0,
                filter_text: str = "") -> str:
    """The view's status line: scanning, how the last scan went, partial or failed, honestly.
    How far to trust the rows comes first, so a narrow screen cuts only details. Under a
    filter (`shown` rows of all), the broken are counted among the rows shown, as the panes'
    subtitles count theirs (`0 of 8 environments, 3 broken` counted all eight's), and the
    filter leads the count as it does there (`“3.10”: 2 of 8 environments`; the line had
    `· filter “3.10”` at its end)."""
    parts = []
    note = state.envs_note
    if state.environments is None:
        if state.envs_scanning:
            parts.append("scanning…")
        else:
            parts.append(note or "not scanned yet")
        return " ".join(parts)
    if state.envs_quick:
        fresh, sep, detail = note.partition(QUICK_SEP)
        if sep:
            now = "checking it now…" if state.envs_scanning else "r checks it now"
            parts.append(f"quick check ({fresh}; {now}):")
            note = detail
        else:  # a note said since (the check was stopped, or failed)
            parts.append("quick check:")
    elif state.envs_scanning:
        parts.append("scanning… showing the last scan:")
    total = len(state.environments)
    from pytui.core.environment import count_broken  # (not at the TUI's start)

    broken = count_broken(state.environments)
    count = f"{total:,} environment{'s' if total != 1 else ''}"
    if shown is not None and shown != total:
        count = f"{shown:,} of {count}"
        broken = shown_broken
    if filter_text:
        from pytui.app.subtitles import filter_lead  # (it imports this module)

        count = filter_lead(filter_text) + count
    parts.append(count + (f", {broken:,} broken" if broken else ""))
    if state.envs_partial:
        parts.append("(partial: budget reached)")
    if note:
        parts.append("· " + note)
    return " ".join(parts)


# The scan roots the empty table's note names: with PYTUI_SCAN_PATHS naming dozens, the rest
# of the note (what pytui finds, r rescans) fell below its box.
NAMED_ROOTS = 3
# Cells each named root takes at most: one 300-character scan path pushed the note's end out of
# its box at 80x24 as dozens of roots did; cut in its middle, its end (the name) stays.
NAMED_ROOT_CELLS = 60


def no_row_note(state: AppState, filter_text: str = "") -> str:
    """What the detail under an empty table says: why there is no row, and what to do. A scan
    that found nothing says where it looked (a newcomer saw `No environment highlighted.`)."""
    if state.environments is None:
        return "Scanning for environments…" if state.envs_scanning else "Not scanned yet: r scans."
    if state.environments and filter_text:
        return f"No environment matches “{filter_text}”: Esc clears the filter."
    if state.environments:
        return "No environment highlighted."
    roots = state.envs_roots
    where = ", ".join(elide_middle(short_path(root, state.home), NAMED_ROOT_CELLS)
                      for root in roots[:NAMED_ROOTS]) \
        or "the home directory"
    if len(roots) > NAMED_ROOTS:
        where += f" and {len(roots) - NAMED_ROOTS} more directories"
    if state.envs_quick:
        # The quick look's nothing, its whole-tree walk still running or stopped: not yet a
        # "none found" (a stopped scan said so, and its status line that it was stopped).
        if state.envs_scanning:
            return f"None found yet under {where}: the quick check found none; checking the whole tree…"
        return (f"None found yet under {where}: the quick check found none, and the whole tree "
                "was not checked to its end; r scans it.")
    return (f"No environment found under {where}. pytui finds venvs (uv venv, python -m venv, "
            "virtualenv), uv tools, pipx envs, virtualenvwrapper's WORKON_HOME and "
            ".python-version pins; PYTUI_SCAN_PATHS or ~/.config/pytui/scan-paths (one directory "
            "a line) name other directories to walk; r rescans.")


# `c` with no scan running: it still runs and says so, as a main-screen key that does not apply
# to the row does (its footer item dimmed meanwhile: envs_footer_dimmed).
NO_SCAN_NOTE = "No scan is running: nothing to stop (r scans again)."


def envs_footer_dimmed(state: AppState) -> frozenset[str]:
    """The Environments footer's actions drawn dimmed now: `c Stop scan` while no scan runs
    (its key still runs and says NO_SCAN_NOTE, as the main footer's dimmed `c Cancel` says
    why when no job is listed)."""
    return frozenset() if state.envs_scanning else frozenset({"cancel_scan"})


def used_by_count(state: AppState, key: str) -> int | None:
    """How many environments run the install `key`; None until the first scan has ended."""
    if state.environments is None:
        return None
    return sum(1 for env in state.environments if env.key == key)


def used_by_counts(state: AppState) -> dict[str, int] | None:
    """`used_by_count` for every key at once (the Installed pane)."""
    if state.environments is None:
        return None
    counts: dict[str, int] = {}
    for env in state.environments:
        if env.key is not None:
            counts[env.key] = counts.get(env.key, 0) + 1
    return counts


def how_it_uses(env: Environment) -> str:
    """`direct` (made from the patch dir), `follows 3.12` (the minor link), `pin 3.12`."""
    if env.kind == "pin":
        return f"pin {env.request}" if env.request else "pin"
    if env.link == "minor":
        parts = env.how()
        return parts if parts.startswith("follows") else "follows the minor-version link"
    if env.link == "patch":
        return "direct"
    return env.how()


def users_fields(state: AppState, key: str) -> list[tuple[str, str]]:
    """The details' "used by" lines for the install `key`."""
    if state.environments is None:
        return [("used by", "scanning environments…" if state.envs_scanning
                 else "not known (the environment scan has not run)")]
    users = state.users_of(key)
    partial = " (the scan was partial)" if state.envs_partial else ""
    if not users:
        return [("used by", f"no environment{partial}")]
    direct = sum(1 for env in users if env.link == "patch")
    following = sum(1 for env in users if env.link == "minor")
    pins = sum(1 for env in users if env.kind == "pin")
    what = [f"{direct} direct"] if direct else []
    if following:
        what.append(f"{following} through the minor-version link")
    if pins:
        what.append(f"{pins} project pin{'s' if pins != 1 else ''}")
    noun = "environment" if len(users) == 1 else "environments"
    fields = [("used by", f"{len(users)} {noun}: {', '.join(what)}{partial}")]
    for env in _ordered(users)[:DETAILS_USERS]:
        fields.append(("", f"{short_path(env.path, state.home)}  ({how_it_uses(env)})"))
    if len(users) > DETAILS_USERS:
        fields.append(("", f"and {len(users) - DETAILS_USERS} more (e: Environments)"))
    return fields


def _ordered(envs: Iterable[Environment]) -> list[Environment]:
    # Direct users first: they are the ones an uninstall or a prune would break.
    rank = {"patch": 0, "minor": 1}
    return sorted(envs, key=lambda env: (rank.get(env.link or "", 2), str(env.path)))


def env_details(state: AppState, env: Environment) -> list[tuple[str, str]]:
    """The Environments view's lines under the table for the highlighted environment."""
    interpreter = short_path(env.interpreter, state.home) if env.interpreter else ""
    fields = [("path", short_path(env.path, state.home)), ("interpreter", interpreter),
              ("version", env.version or ""), ("how", env.how() if env.status != "broken" else "")]
    if env.status == "broken":
        reason = env.error or f"wanted {env.wanted}"
        fields.append(("broken", home_shortened(reason, state.home)))
        if env.kind == "pin":
            fields.append(("mend", pin_remedy(env, installed_minor(state), short_path(env.path.parent, state.home))))
        else:
            fields.append(("mend", broken_remedy(env, installed_minor(state), state.catalog,
                                                 none_installed=not _any_cpython(state),
                                                 bin_dir=bin_dir_word(state))))
    elif env.wanted:
        fields.append(("wanted", env.wanted))
    if row_status(env) == "unmet" and env.request:
        # Not broken, but a reader of `unmet` asks what to do, as a broken one's `mend` says.
        fields.append(("next", unmet_pin_next(env.request, state)))
    return [(label, value) for label, value in fields if value]


def unmet_pin_next(request: str, state: AppState) -> str:
    """What to do about a pin no install satisfies: install a build it names from Available,
    when the loaded catalog lists one for this host (it said `install a 3.9` of a catalog with
    no 3.9); else that the catalog has none, and another pin."""
    if state.catalog is not None and not _catalog_has(state, request):
        minor = installed_minor(state)
        if _newest_installed_minor(state) is not None:
            return _catalog_lacks(request, f"pin an installed Python instead (uv python pin {minor})")
        if _catalog_has(state, minor):
            # Nothing installed to pin (it said "pin an installed Python", with none installed).
            # uv 0.13.9 pins a version not installed: it downloads and installs it first, in
            # silence, where its downloads are on (UV_PYTHON_DOWNLOADS automatic, not offline);
            # else it pins with a warning that it found no interpreter: install it here first.
            from pytui.core.listing import downloads_enabled

            if downloads_enabled(state.settings) and not state.settings.offline:
                return _catalog_lacks(request, f"pin {minor} instead (uv python pin {minor}, which "
                                               "installs it too)")
            return _catalog_lacks(request, f"install {minor} (Esc, then / {minor} and i on its row) "
                                           f"and pin it instead (uv python pin {minor})")
        return _catalog_lacks(request, "it has no CPython for this platform to pin instead either")
    return f"install a {request} (Esc, then / {request} and i on its row)"


def _catalog_has(state: AppState, request: str) -> bool:
    """Whether the loaded catalog has a build `uv python install REQUEST` would pick on this
    host; True of a request it cannot read (the pin's own line says what is wrong with it)."""
    from pytui.core.build_choice import find_download
    from pytui.core.errors import RequestError
    from pytui.core.requests import PythonRequest

    try:
        return find_download(state.catalog or (), PythonRequest.parse(request), state.host) is not None
    except RequestError:
        return True


def _any_cpython(state: AppState) -> bool:
    return any(i.implementation == "cpython" for i in state.installations)


def installed_minor(state: AppState) -> str:
    """The newest CPython minor version installed (standard build), which the mend line names
    as "an installed Python" (it named 3.12 whatever was installed): what `uv venv` and `uv
    python find` with no request take (uv 0.13.9, several installed: the newest). A release
    before a pre-release: with 3.12.12 and 3.14.0rc2 it named 3.14, a release candidate to
    rebuild a project's environment on. With none installed, the minor `uv python install`
    with no request installs from the loaded catalog (the newest stable CPython for this
    host, as `uv venv` downloads it; it named 3.12 whatever the catalog's newest was); when no
    catalog is loaded yet or it has no CPython for this host, the newest minor released by
    today in the release-cycle table (it named a hard-coded 3.12). The rule is
    core/example_minor.py's, which `pytui install`'s version-file lines share; today is the
    app state's clock's, as for every support status it shows."""
    from pytui.app.support_view import today

    return example_minor(state.installations, state.catalog, state.host, state.settings.state_dir,
                         today(state.clock()).isoformat())


def _newest_installed_minor(state: AppState) -> str | None:
    """`installed_minor`'s pick among the installs, or None when no standard CPython build is
    installed."""
    return newest_installed_minor(state.installations)


def bin_dir_word(state: AppState) -> str:
    """The bin dir as one shell word: `~/.local/bin` (the home shortened, as shown everywhere),
    or its absolute path quoted when it holds a space or another character a shell reads."""
    import re
    import shlex

    short = short_path(state.settings.bin_dir, state.home)
    if re.fullmatch(r"~?[\w@%+=:,./-]+", short):
        return short
    return shlex.quote(str(state.settings.bin_dir))


def _recreate(env: Environment, minor: str, python: str = "an installed Python",
              bin_dir: str = "") -> str:
    """How to make `env` again on an installed Python, by the tool that made it: `uv venv` in
    a uv tool's or pipx's directory makes an empty venv where the tool's packages were. pipx
    is given the bin dir's `pythonX.Y` link (`bin_dir`, as a shell word): it takes a bare
    `python3.12` from PATH (shutil.which), where a pyenv shim or /usr/bin comes first for many,
    and rebuilt the venv on that Python, not the installed one (uv prefers its own)."""
    name = env.path.name
    if env.kind == "uv-tool":
        return f"reinstall the tool with {python} (uv tool install --reinstall --python {minor} {name})"
    exe = f"{bin_dir}/python{minor}" if bin_dir else f"python{minor}"
    if env.kind == "pipx":
        return f"reinstall it with {python} (pipx reinstall --python {exe} {name})"
    if env.kind == "pipx-shared":
        # pipx's own venv: `pipx reinstall-all --python X` rebuilt it on pipx's default Python,
        # not X; `upgrade-shared` rebuilds it on PIPX_DEFAULT_PYTHON and leaves the apps.
        return (f"rebuild it with {python} (PIPX_DEFAULT_PYTHON={exe} pipx upgrade-shared; pipx rebuilds "
                "it by itself, on its default Python, at its next install or upgrade)")
    return f"recreate the environment with {python} (uv venv -p {minor})"


def pin_remedy(env: Environment, minor: str, where: str) -> str:
    """What mends a broken `.python-version` (`env`, in the directory shown as `where`): a
    version pinned in it, which `uv python pin` writes over an empty or unreadable file; what is
    no file it cannot replace, so that is removed first. It said "recreate the environment (uv
    venv -p 3.12)", which leaves the pin file as it was."""
    from pytui.core.env_files import pin_is_no_file

    if pin_is_no_file(env.error):
        return f"remove it, then pin a version in its place (uv python pin {minor}, run in {where})"
    return f"pin a version in it (uv python pin {minor}, run in {where}, replaces it)"


def broken_remedy(env: Environment, minor: str, catalog: Catalog | None = None, *,
                  none_installed: bool = False, bin_dir: str = "") -> str:
    """What mends a broken environment, with the keys that do it: the details said what it
    wanted and not what to do next. An install it wanted (a patch directory, or a minor
    version's link) is installed again from the main screen when the catalog lists it (it
    said `install 3.10.5 again` of a build the catalog did not have); a Python that was never
    in the root (or a pyvenv.cfg naming none) can only be replaced."""
    # With nothing installed, "an installed Python" names none: that one is installed first.
    recreate = (f"install {minor} (Esc, then / {minor} and i on its row), then "
                + _recreate(env, minor, "it", bin_dir)) if none_installed else _recreate(
                    env, minor, bin_dir=bin_dir)
    wanted = env.wanted or ""
    if env.link not in ("patch", "minor") or not wanted:
        return recreate
    from pytui.core.keys import parse_key

    parts = parse_key(wanted)
    if parts is not None:  # a patch directory: that build again
        if catalog is not None and catalog.get(wanted) is None:
            return _not_in_catalog(env, parts, catalog, recreate, bin_dir)
        typed = _typed(parts)
        what = f"install {parts.version} again"
    else:  # a minor version's link (cpython-3.12-linux-…): any patch of it makes the link
        pieces = wanted.split("-")
        typed = pieces[1] if len(pieces) > 1 and pieces[0] == "cpython" else wanted
        link = _minor_link_fields(wanted)
        if catalog is not None and link is not None and not _same_minor(catalog, link):
            return _catalog_lacks(typed, recreate)
        what = f"install a {typed}"
    return f"{what} (Esc, then / {typed} and i on its row), or {recreate}"


def _minor_link_fields(name: str) -> KeyFields | None:
    """The key fields of the minor-version link `name` (`cpython-3.13+freethreaded-linux-…`),
    as the key of its patch 0 (no key parser reads a version without its patch)."""
    from pytui.core.keys import parse_key

    implementation, _, rest = name.partition("-")
    version, _, platform = rest.partition("-")
    numbers, plus, variant = version.partition("+")
    return parse_key(f"{implementation}-{numbers}.0{plus}{variant}-{platform}")


def _same_minor(catalog: Catalog, parts: KeyFields) -> list[KeyFields]:
    """The catalog's builds of `parts`' minor version on its platform and variant."""
    _, rows = catalog.key_rows(parts.os, parts.libc, parts.arch, parts.variant)
    return [row for row in rows if (row.implementation, row.major, row.minor)
            == (parts.implementation, parts.major, parts.minor)]


def _catalog_lacks(name: str, then: str) -> str:
    """What the details say of a version the loaded catalog has no build of for this platform,
    and what to do `then`. `r` in the view rescans: the catalog is refreshed on the main
    screen."""
    return f"the catalog has no {name} build (Esc, then r refreshes it): {then}"


def _typed(build: KeyFields) -> str:
    """What to type after `/` to find `build` on Available: its version when that names it."""
    standard = (build.implementation, build.variant) == ("cpython", "default")
    return build.version if standard else build.key


def _not_in_catalog(env: Environment, parts: KeyFields, catalog: Catalog, recreate: str,
                    bin_dir: str = "") -> str:
    """The mend of an environment whose patch the catalog has no build of: the build of that
    minor version `uv python install M.m` would take (the newest patch, a release before a
    pre-release), which the `M.m` the environment is made again with then finds installed,
    and which Available lists without `a`; else that the catalog lists none, and how to look
    further. It named the nearest patch (3.10.4 for a 3.10.5, beside 3.10.16), which `uv venv
    -p 3.10` takes only while no newer 3.10 is installed, and uv downloads the newest.
    Three lines at most in the 80x24 view's detail box (a fourth was cut off by it)."""
    from pytui.core.ordering import version_rank

    same = _same_minor(catalog, parts)
    minor = f"{parts.major}.{parts.minor}"
    if not same:
        return _catalog_lacks(minor, recreate)
    released = [row for row in same if not row.prerelease] or same
    newest = max(released, key=lambda row: version_rank(row.major, row.minor, row.patch, row.prerelease))
    return (f"the catalog has no {parts.version}; its newest {minor} is {newest.version} (Esc, then "
            f"/ {_typed(newest)} and i on its row): install it, then "
            f"{_recreate(env, minor, newest.version, bin_dir)}")
