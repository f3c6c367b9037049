"""What `pytui install` with no request asks for: the version file `uv python install` reads
(core/version_file.py), its lines checked as requests and said about as uv says them."""

from __future__ import annotations

import os
import sys

from pytui.app.style import stderr_style
from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.settings import Settings


def version_file_requests(settings: Settings) -> list[str] | None:
    """What the version file `uv python install` reads with no request asks for (core/
    version_file.py), as the requests of `pytui install` with none; a line that is no Python
    request is skipped with a warning, as uv skips it. None: no file (or one that cannot be
    read), so the default; empty, said here: a file asking for nothing usable (blank, comments,
    unsupported lines), with which uv 0.13.9 installs nothing, exit 0."""
    from pytui.app.safe_text import shown
    from pytui.core.version_file import find_version_file, version_requests

    passed: list = []
    start = settings.uv_config.start  # --project / UV_PROJECT
    path = find_version_file(settings.env, None if start is None else str(start), passed=passed)
    example = _Example(settings)
    for there, what in passed:
        # uv passes over it without a word, and a pin made a directory by mistake read as none.
        print(stderr_style().warning(f"passed over {shown(there)}: it is {what}, not a file, so uv "
                                     "does not read it either; remove it, then put the request in a "
                                     f"file there (`uv python pin {example}`, which cannot replace it), "
                                     f"or name it (`pytui install {example}`)"), file=sys.stderr)
    if path is None:
        return None
    from pytui.core.bounded_read import FileTooLarge
    from pytui.core.errors import PytuiError, RequestError

    try:
        texts = version_requests(path)
    except FileTooLarge as err:
        # Not the default instead: the file asks for something, and a cut of it would ask wrong.
        raise PytuiError(f"the version file {shown(path)} is too large to read ({err.strerror}): "
                         "it should list Python requests, one a line; shorten it, or name "
                         f"the request (`pytui install {example}`)") from None
    except UnicodeDecodeError as err:
        # uv stops too (exit 2): the file asks for something this reading cannot tell.
        raise RequestError(f"the version file {shown(path)} is not UTF-8 text (byte {err.start} "
                           f"is not): save it as UTF-8, or name the request (`pytui install {example}`)") from None
    except OSError as err:
        from pytui.core.fs_errors import cause

        print(stderr_style().warning(f"ignored the version file {shown(path)}: it cannot be read "
                                     f"({cause(err)})"), file=sys.stderr)
        return None
    from pytui.core.requests import PythonRequest
    from pytui.core.version_file import VERSION_FILE_MAX_REQUESTS

    distinct = len(set(texts))
    if distinct > VERSION_FILE_MAX_REQUESTS:
        raise PytuiError(f"the version file {shown(path)} lists {distinct:,} distinct requests, more "
                         f"than the {VERSION_FILE_MAX_REQUESTS:,} pytui reads: it should list Python "
                         f"requests, one a line; shorten it, or name the request (`pytui install {example}`)")
    usable = []
    # Each distinct line once, in the file's order: uv 0.13.9 warns once for an unsupported
    # line however often it repeats, and a file may repeat one ~13,000 times in its 64 KiB.
    seen: set[str] = set()
    for text in texts:
        if text in seen:
            continue
        seen.add(text)
        try:
            PythonRequest.parse(text)
        except RequestError:
            from pytui.core.elide import elide_middle

            if _names_a_path(text):
                # uv reads it as a path request, and its install stops (exit 2), installing
                # none of the file's other requests.
                raise RequestError(f"the version file {shown(path)} asks for "
                                   f"`{shown(elide_middle(text, 200))}`, a path, which is no Python "
                                   "download request (uv's install stops there too); pin a version "
                                   f"in it ({example}), or name the request (`pytui install {example}`)") from None

            # Read whole (a cut line asks for something else), said in one line of bounded size.
            print(stderr_style().warning(f"ignoring unsupported Python request "
                                         f"`{shown(elide_middle(text, 200))}` in version file: "
                                         f"{shown(path)}"), file=sys.stderr)
            continue
        usable.append(text)
    if not usable:
        print(f"the version file {shown(path)} lists no Python request pytui can install: "
              f"nothing installed; name one (`pytui install {example}`)", file=sys.stderr)
    return usable


def _names_a_path(text: str) -> bool:
    """uv reads a request that is no version, implementation or key as a path when it holds a
    `/` or names a file or directory in the working directory (uv 0.13.9, checked), else as an
    executable name, which its version-file reader skips."""
    return "/" in text or os.path.isdir(text) or os.path.isfile(text)


class _Example:
    """The version the lines above name as an example (core/example_minor.py, the rule the
    Environments view's mends use: the newest CPython minor installed, else the one `uv python
    install` with no request installs from the catalog, else the newest minor released by today
    in the release-cycle table; they named 3.12 whatever was installed). Found once, when a line is first said: the install root listed and the
    catalog loaded (its parsed entry) only then."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.minor: str | None = None

    def __str__(self) -> str:
        if self.minor is None:
            self.minor = _example_minor(self.settings)
        return self.minor


def _example_minor(settings: Settings) -> str:
    from pytui.core.errors import CatalogError, PytuiError
    from pytui.core.example_minor import example_minor
    from pytui.core.installed import list_installed
    from pytui.core.platform_detect import detect_host
    from pytui.core.sources import load_catalog

    try:
        installed = list_installed(settings.install_root)
    except (PytuiError, OSError):
        installed = []  # the install itself says what is wrong with the root
    try:
        catalog = load_catalog(settings, lazy=True)
    except (PytuiError, OSError):
        catalog = None  # so does the catalog's line
    host = detect_host(settings.env)
    try:
        return example_minor(installed, catalog, host, settings.state_dir)
    except CatalogError:
        # Lazy: a parsed-cache entry that disagrees with its source has the source parsed
        # again when a build is made, which fails for a source that is no catalog. Raised
        # here it took the version file's line's place; the install says it in its own line.
        return example_minor(installed, None, host, settings.state_dir)
