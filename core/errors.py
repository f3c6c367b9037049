"""Expected failures. Each message is one readable line: the thing, the cause, what to do next."""

from __future__ import annotations

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TypeVar

    _Error = TypeVar("_Error", bound="PytuiError")


class PytuiError(Exception):
    """An expected failure; the CLI prints `str(err)` alone, never a traceback.

    A line may carry a next step as data (`parts`: text and `Step`s) where the views say it
    in their own words: `str()` is the CLI's, `said(words)` another view's."""

    exit_code = 1
    parts: tuple[str | Step, ...] = ()

    def __str__(self) -> str:
        # Keep messages on one line whatever the cause text carried.
        return " ".join(str(self.args[0]).split()) if self.args else self.__class__.__name__

    @classmethod
    def of_parts(cls: type[_Error], *parts: str | Step) -> _Error:
        """This error for a line of text and steps (`parts`), its message the CLI's words."""
        err = cls(cli_words(parts))
        err.parts = parts
        return err

    def parts_or_line(self) -> tuple[str | Step, ...]:
        """The line as parts: its own, else its text alone (for a line that wraps it)."""
        return self.parts or (str(self),)

    def said(self, words: Mapping[str, str] | None) -> str:
        """The line with each step in `words` (by the step's kind; a step not in it is said in
        the CLI's words)."""
        if not self.parts:
            return str(self)
        line = "".join(part if isinstance(part, str) else part.said(words) for part in self.parts)
        return " ".join(line.split())


class Step:
    """A next step (or the part of one) that each view words itself: `cli`, the CLI's words
    (`str()` of the error); a view passes its own for the step's `kind` (PytuiError.said), as
    the TUI names its keys (app/job_bodies.TUI_STEPS)."""

    __slots__ = ("cli", "kind")

    def __init__(self, kind: str, cli: str) -> None:
        self.kind = kind
        self.cli = cli

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Step) and (other.kind, other.cli) == (self.kind, self.cli)

    def __hash__(self) -> int:
        return hash((self.kind, self.cli))

    def said(self, words: Mapping[str, str] | None) -> str:
        own = words.get(self.kind) if words else None
        return own if own is not None else self.cli


def cli_words(parts: tuple[str | Step, ...]) -> str:
    """A line of text and steps as the CLI says it."""
    return "".join(part if isinstance(part, str) else part.cli for part in parts)


class StepLine:
    """A line that is no error (a warning) carrying steps as data, as `PytuiError.parts`:
    `str()` is the CLI's words; `said(line, words)` another view's. Handed on as it is (an
    `on_warning(line)`). Not a `str`: a str method, a slice, `+` or an f-string made plain
    text of it and dropped its steps unseen, where the type checker now names each such use
    (`str(line)` says the CLI's words on purpose)."""

    __slots__ = ("parts", "text")
    parts: tuple[str | Step, ...]
    text: str

    def __init__(self, *parts: str | Step) -> None:
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "text", cli_words(parts))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a StepLine is not changed ({name})")

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"StepLine({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StepLine) and other.parts == self.parts

    def __hash__(self) -> int:
        return hash(self.text)

    def __format__(self, spec: str) -> str:
        # An f-string of it is the CLI's words, its steps dropped, and the type checker does
        # not see one: the tests refuse it (STRICT_FORMAT, set by tests/conftest.py), while a
        # user's run on a path no test took says the CLI's words rather than a traceback.
        if STRICT_FORMAT:
            raise TypeError("a StepLine in an f-string drops its steps: str(line) or said(line, words)")
        return format(self.text, spec)


# True in the tests only (tests/conftest.py): an f-string of a StepLine is an error there.
STRICT_FORMAT = False


# A warning as it is handed on: plain text, or a line carrying steps.
WarningLine = str | StepLine


def said(line: WarningLine, words: Mapping[str, str] | None) -> str:
    """`line` with the steps it carries (a `StepLine`'s) in `words`; any other line as it is."""
    if not isinstance(line, StepLine):
        return line
    return "".join(part if isinstance(part, str) else part.said(words) for part in line.parts)


# The kinds of step the views word apart: where every version is listed (the CLI's command,
# the TUI's `a`), how to refresh the catalog and how to go offline (the CLI's words name the
# TUI's key too; the TUI says the key alone).
ALL_VERSIONS = "all versions"
REFRESH = "refresh"
GO_OFFLINE = "go offline"
# The CLI's options the TUI has not (it names the command or the variable that does it): a bin
# link name something else holds (`--force`), a bin dir that takes no link (`--no-bin`), an
# unusable cache dir (`--no-cache`).
FORCE = "force"
NO_BIN = "no bin"
NO_CACHE = "no cache"


def all_versions(minor: str) -> Step:
    """Where every build of `minor` is listed: `(pytui list --all-versions 3.12)`."""
    return Step(ALL_VERSIONS, f"(pytui list --all-versions {minor})")


# A chunked body's framing gone wrong, in the same words whichever client met it: the plain
# client (core/plain_http.py) raises these, and h11's own texts are read as them below.
BAD_CHUNK_SIZE = "chunked body: a bad chunk size"
CHUNKED_CUT = "peer closed connection in the middle of a chunked body"


def body_cut_short(received: int, declared: int) -> str:
    """A Content-Length body that ended early, in h11's words (httpx's), for the plain client."""
    return (f"peer closed connection without sending complete message body (received {received} "
            f"bytes, expected {declared})")

# httpx's (h11's) words that name no thing, in the plain client's (core/plain_http.py): a
# server's header block past httpcore's bound read `Receive buffer too long`.
_PLAIN_WORDS = {"Receive buffer too long": "response headers longer than 102400 bytes",
                "peer closed connection without sending complete message body (incomplete "
                "chunked read)": CHUNKED_CUT}
# h11's texts that quote the server's bytes after a fixed start (`illegal chunk header:
# bytearray(b'zz\r\n')`): the start decides the words.
_PLAIN_STARTS = (("illegal chunk header", BAD_CHUNK_SIZE),)


def describe_error(err: BaseException) -> str:
    """One line for any failure: a PytuiError's own line; otherwise its type and its text
    (white space folded, cut at 200 characters), e.g. `ReadError: [Errno 104] Connection reset by peer`."""
    if isinstance(err, PytuiError):
        return str(err)
    text = " ".join(str(err).split())[:200]
    text = _PLAIN_WORDS.get(text, text)
    for start, words in _PLAIN_STARTS:
        if text.startswith(start):
            text = words
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def describe_network_error(err: BaseException, url: str) -> str:
    """`describe_error`, except when the URL's host name did not resolve (no network): then
    `cannot look up github.com (no network, or no DNS)`, not `ConnectError: [Errno -2] Name
    or service not known`."""
    if isinstance(err, CatalogFetchError):
        return err.cause
    host = unresolved_host(err, url)
    if host is not None:
        return unresolved_reason(host)
    led = redirect_note(err, url)
    failed = _failed_url(err) if led else None
    return (timeout_reason(err, failed or url) or refused_reason(err, failed or url)
            or describe_error(err)) + led


def refused_reason(err: BaseException, url: str) -> str | None:
    """A refused connection said as what happened (`127.0.0.1:8767 refused the connection`)
    when a `ConnectionRefusedError` is in the exception's chain (httpx and core/plain_http keep
    it there); else None. The bare text read `ConnectError: [Errno 111] Connection refused`.
    ECONNREFUSED comes from a closed port's RST and from a firewall's reject (an RST or an ICMP
    port-unreachable) alike, so the words name both.
    The place is the request's that failed (a redirect's target, for httpx's), else `url`'s."""
    if not any(isinstance(cause, ConnectionRefusedError) for cause in _chain(err)):
        return None
    return (f"{_where(_failed_url(err) or url)} refused the connection (no server listens there, "
            "or a firewall rejects it)")


def _chain(err: BaseException) -> list[BaseException]:
    """`err` and what caused it, a few links at most (a cycle must not hang the caller)."""
    links: list[BaseException] = []
    cause: BaseException | None = err
    while cause is not None and len(links) < 8:
        links.append(cause)
        cause = cause.__cause__ or cause.__context__
    return links


def _where(url: str) -> str:
    """The host and port a URL names, without its credentials ("the server" if none)."""
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).netloc.rpartition("@")[2] or "the server"
    except ValueError:
        return "the server"


def redirect_note(err: BaseException, url: str) -> str:
    """` (redirected to URL)` when `err` is httpx's for the request a redirect of `url` led to;
    else "". httpx names no URL in its errors, so a failure at a redirect's target (refused, a
    timeout) read as the first URL's, whose server had answered. (core/plain_http's errors say
    it themselves.)"""
    failed = _failed_url(err)
    if failed is None or _same_place(failed, url):
        return ""
    return f" (redirected to {failed[:200]})"


def _same_place(one: str, other: str) -> bool:
    """The same URL, as httpx may write it back (a default port, percent-encoding, case)."""
    from urllib.parse import unquote, urlsplit

    try:
        a, b = urlsplit(one), urlsplit(other)
        ports = (a.port or {"http": 80, "https": 443}.get(a.scheme.lower()),
                 b.port or {"http": 80, "https": 443}.get(b.scheme.lower()))
    except ValueError:
        return one == other
    return (a.scheme.lower(), (a.hostname or ""), ports[0], unquote(a.path or "/"), unquote(a.query)) == \
        (b.scheme.lower(), (b.hostname or ""), ports[1], unquote(b.path or "/"), unquote(b.query))


def timeout_reason(err: BaseException, url: str) -> str | None:
    """A timeout said as what happened and which variable sets the wait (httpx's and
    core/plain_http's `ReadTimeout: timed out` named a class, not the server); else None."""
    name = type(err).__name__
    if not name.endswith("Timeout") and not isinstance(err, TimeoutError):
        return None
    where = _where(url)
    if name == "ConnectTimeout":
        return f"could not connect to {where} in time: UV_HTTP_CONNECT_TIMEOUT sets how long to wait"
    return f"{where} did not answer in time: UV_HTTP_TIMEOUT sets how long to wait"


def unresolved_reason(host: str) -> str:
    """Why a request failed when its host name did not resolve."""
    return f"cannot look up {host} (no network, or no DNS)"


def unresolved_host(err: BaseException, url: str) -> str | None:
    """The URL's host when `err` was its name lookup failing (a `socket.gaierror` in the
    exception's chain, as httpx and core/plain_http raise it); else None."""
    import socket
    from urllib.parse import urlsplit

    if not any(isinstance(cause, socket.gaierror) for cause in _chain(err)):
        return None
    try:
        return urlsplit(_failed_url(err) or url).hostname or None
    except ValueError:
        return None


def _failed_url(err: BaseException) -> str | None:
    """The URL of the request that failed when `err` is httpx's: a redirect's own, whose host
    it is that did not resolve (the first URL's host was named, which had answered)."""
    try:
        request = err.request  # type: ignore[attr-defined]  # httpx: RuntimeError when unset
    except (AttributeError, RuntimeError):
        return None
    url = getattr(request, "url", None)
    return None if url is None else str(url)


class UsageError(PytuiError):
    """Bad command-line usage or an unparseable request (exit code 2)."""

    exit_code = 2


class CatalogError(PytuiError):
    """A catalog source could not be read or parsed."""


class CatalogFetchError(CatalogError):
    """A catalog fetch refused (too big, too slow, an encoding pytui does not read). Its line
    names the URL and the next step; `cause` is the cause alone, for a line that names the URL
    and its next step itself (a refresh's), which read them twice."""

    def __init__(self, line: str, cause: str) -> None:
        super().__init__(line)
        self.cause = cause


class RequestError(UsageError):
    """A Python request string could not be parsed."""


class CacheError(PytuiError):
    """An archive-cache operation was refused or failed (unknown archive, unusable directory)."""


class NextStepError(PytuiError):
    """A failure whose line ends with what to do about it.

    `next_step` ends the line; a job that adds what it kept puts that before it (see `cause`),
    so the line still ends with what to do.
    """

    def __init__(self, message: str, next_step: str | tuple[str | Step, ...] = "") -> None:
        super().__init__(message)
        # Text, or text and steps each view words itself (`Step`); `next_step` is the CLI's.
        self.next_step_parts: tuple[str | Step, ...] = (next_step,) if isinstance(next_step, str) else next_step
        self.next_step = cli_words(self.next_step_parts)
        if any(not isinstance(part, str) for part in self.next_step_parts):
            self.parts = (self.cause, "; ", *self.next_step_parts)

    @property
    def cause(self) -> str:
        """The line without its next step."""
        return super().__str__()

    def __str__(self) -> str:
        return f"{self.cause}; {self.next_step}" if self.next_step else self.cause


class OfflineError(NextStepError):
    """Network access was needed while offline."""


class DownloadError(NextStepError):
    """A download failed after its retries."""


class HashMismatch(DownloadError):
    """The bytes received do not match the catalog's sha256."""


class ExtractError(PytuiError):
    """An archive could not be unpacked, or was refused as unsafe.

    `data_fault`: the archive's own bytes do not extract (corrupt, cut short: `maybe_cut`, a
    frame past the decoder's bound), as `cause` says; the line then ends with the next step for
    that, written here alone: download it again, or, once a job has checked the archive's sha256
    against the catalog (`vouched_for`), another build, as a new download would fetch the same
    bytes. Other extraction failures (a refused member, a write that failed) carry their own."""

    def __init__(self, cause: str, *, data_fault: bool = False, maybe_cut: bool = False) -> None:
        self.cause = cause
        self.data_fault = data_fault
        self.maybe_cut = maybe_cut
        super().__init__(f"{cause}{' (truncated download?)' if maybe_cut else ''}; delete the archive "
                         "and download it again" if data_fault else cause)

    def vouched_for(self, minor: str) -> ExtractError:
        """This failure for an archive whose sha256 is the catalog's (checked in the cache, on
        arrival or streamed): not cut short in transit, and downloading it again would fetch
        the very same bytes; another build of `minor` is what helps."""
        if not self.data_fault:
            return self
        return ExtractError.of_parts(
            f"{self.cause}; its sha256 is the catalog's, so downloading it again would fetch the "
            "same bytes; install another build ", all_versions(minor))


class InstallError(PytuiError):
    """An install, uninstall or fix-up step failed."""


class Cancelled(PytuiError):
    """The user cancelled the job."""


class InstalledMeanwhile(Exception):  # noqa: N818 - a signal, not an error: the job ends "already"
    """Another process installed the build while this job waited for that process's download
    of its archive: nothing to download. Carries the install found."""

    def __init__(self, installation: object) -> None:
        super().__init__("installed meanwhile")
        self.installation = installation
