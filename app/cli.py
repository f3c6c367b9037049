"""The `pytui` entry point: no subcommand starts the TUI; subcommands drive the engine directly.

Each subcommand lives in its own `cmd_*.py` module with `register(subparsers, common)` and
`run(args) -> int`; the parser is app/parser.py's. A plain `pytui list` or `pytui install`
command line is read without argparse (app/plain_args.py), so both start quickly; nothing here
imports textual.
"""

from __future__ import annotations

import errno
import io
import sys
from collections.abc import Sequence
from types import ModuleType

# What pathlib 3.10 and 3.11 import at their top and use only inside methods a tree install
# and `pytui list` do not call: ntpath (PureWindowsPath's flavour), fnmatch (glob and match
# patterns), warnings (deprecated methods: `link_to`, 3.11's `with path:`). ~3.4 M instructions together,
# ~3% of an install from a kept tree's main thread (callgrind, 3.11). And re (glob and match
# patterns again), with the enum it imports: ~11.6 M of a tree install's 177 M where nothing
# else imports it (a launcher without `import re`, as uv's; pip's imports it first). pathlib 3.12
# calls fnmatch at import and compares flavours with `is ntpath`, so there they are imported as usual.
_USED_LATER = ("ntpath", "fnmatch", "warnings", "re")


class _OnFirstUse(ModuleType):
    """A stand-in for a module pathlib names at import but uses only inside its methods: the
    real module is imported the first time one of its attributes is read, and the read is
    answered from it (every later read too: pathlib keeps the stand-in as its global). The
    import system's own questions (dunder names, while pathlib is imported) are not forwarded."""

    def __getattr__(self, attr: str) -> object:
        if attr.startswith("__"):
            raise AttributeError(attr)
        name = self.__name__
        if sys.modules.get(name) is self:  # read while pathlib is still being imported
            del sys.modules[name]
        __import__(name)
        return getattr(sys.modules[name], attr)


def _import_pathlib_without_urllib() -> None:
    """Import `pathlib` without `urllib.parse`, which it imports at the top on Python 3.10-3.12
    for `Path.as_uri` alone: `urllib.parse` and the `ipaddress` it imports are ~11.6 M
    instructions, ~6% of an install from a pristine tree (measured with cachegrind on 3.11),
    and nothing a `pytui list` or a tree install runs needs them (`urllib.parse` is imported
    where URLs are handled: core/urls.py, core/plain_http.py, httpx). On 3.10 and 3.11 the
    same goes for `_USED_LATER`, through `_OnFirstUse` stand-ins.

    While pathlib is imported, `urllib.parse` in `sys.modules` is a stand-in whose one
    function, `quote_from_bytes`, imports the real module when it is first called; the
    stand-ins are removed right after, so any later `import urllib.parse` (or `import
    warnings`, …) loads the real one. Done once, before anything else imports pathlib, while
    the process has one thread; a process that has either module already (tests, `python -m`,
    an editable install's import hook) is left alone, as is Python 3.13+, whose pathlib imports
    `urllib.parse` lazily; a module of `_USED_LATER` already imported is not stood in for.
    """
    if sys.version_info >= (3, 13) or "pathlib" in sys.modules or "urllib.parse" in sys.modules:
        return

    def quote_from_bytes(bs: bytes, safe: str = "/") -> str:
        from urllib.parse import quote_from_bytes as quote

        return quote(bs, safe)

    stand_ins = {"urllib.parse": ModuleType("urllib.parse")}
    setattr(stand_ins["urllib.parse"], "quote_from_bytes", quote_from_bytes)  # noqa: B010 - a module's attribute
    if sys.version_info < (3, 12):
        stand_ins.update((name, _OnFirstUse(name)) for name in _USED_LATER if name not in sys.modules)
    sys.modules.update(stand_ins)
    try:
        import pathlib  # noqa: F401
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


_import_pathlib_without_urllib()

from pytui.app.style import set_color_choice, stderr_style  # noqa: E402
from pytui.core.errors import PytuiError, UsageError  # noqa: E402
from pytui.core.keys import TYPE_CHECKING  # noqa: E402
from pytui.core.settings import Settings  # noqa: E402

if TYPE_CHECKING:
    from typing import Any

    from _typeshed import ReadableBuffer


def settings_from_args(args) -> Settings:  # args: an argparse.Namespace or its like
    """The one `Settings` for this run, from the shared flags, the environment and uv's
    configuration files (a file uv passes over is said here, once, unless --quiet)."""
    import os

    from pytui.app.work_dirs import enter_directory, project_dir

    args.left_directory = enter_directory(getattr(args, "directory", None), os.environ)
    settings = Settings.resolve(
        cwd=project_dir(getattr(args, "project", None), os.environ),
        install_dir=args.install_dir,
        cache_dir=args.cache_dir,
        offline=args.offline,
        downloads_json=args.downloads_json,
        mirror=args.mirror,
        jobs=getattr(args, "jobs", None),
        no_bin=getattr(args, "no_bin", False),
        config_file=getattr(args, "config_file", None),
        no_config=getattr(args, "no_config", False),
    )
    if settings.uv_config.warnings and not getattr(args, "quiet", 0):
        style = stderr_style()
        for line in settings.uv_config.warnings:
            print(style.warning(line), file=sys.stderr)
    return settings


# Exit code of `pytui` (no command) without a terminal: a usage error, as argparse's.
NO_TERMINAL_EXIT = 2


def not_a_terminal() -> str | None:
    """The first of stdin, stdout, stderr that is not a terminal (None: all are).

    The TUI reads keys from stdin and draws on the terminal (Textual writes to stderr), so
    without all three it would wait forever or fill a file with escape codes.
    """
    for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout), ("stderr", sys.stderr)):
        try:
            if stream is None or not stream.isatty():
                return name
        except ValueError:  # a closed stream
            return name
    return None


def main(argv: Sequence[str] | None = None) -> int:
    if argv is not None:
        return _main(argv)
    # The console script: the process exits after this command.
    try:
        code = _main(sys.argv[1:], console=True)
    finally:
        # Objects frozen here are not walked again by the collection the interpreter makes at
        # exit (~5% of an install's CPU from a tree). Not for in-process callers (tests), whose
        # later garbage still needs the collector.
        import gc

        gc.freeze()
    code = _flush_stdout(code)
    _exit_at_once(code)
    return code


def _flush_stdout(code: int) -> int:
    """Write out what stdout still buffers. A reader that went away (`pytui dir | true`) is
    the quiet exit 1 a failed write inside the command is: without this the interpreter's own
    flush at exit printed `Exception ignored … BrokenPipeError` and exited 120 (unless
    PYTHONUNBUFFERED was set, as it was where the tests ran)."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()  # the buffered rest goes to /dev/null at exit
        return 1
    except OSError as err:
        if err.filename != STDOUT:
            return code  # the interpreter's exit says so, as it always does
        # (`pytui dir > /dev/full`: the write fails only here)
        print(stderr_style().error(stdout_line(err)), file=sys.stderr)
        _silence_stdout()
        return 1
    except ValueError:
        pass  # the interpreter's exit says so, as it always does
    return code


def _exit_at_once(code: int) -> None:
    """End the console script's process now, when the interpreter's shutdown has nothing left
    to do but free memory: no `atexit` callback (a `weakref.finalize` or a temporary directory
    registers one), no thread that is not a daemon (it would be waited for), no Textual (the
    TUI's terminal). Both streams are flushed first; a flush that fails returns, and the
    interpreter's own exit says so as it always does. Freeing every module's objects one by
    one was ~3.3 M instructions (~1.5%) of an install from the tree."""
    import atexit
    import os

    callbacks = getattr(atexit, "_ncallbacks", None)  # CPython's
    threading = sys.modules.get("threading")
    if callbacks is None or callbacks() or "textual" in sys.modules or (
            threading is not None and any(not thread.daemon for thread in threading.enumerate()
                                          if thread is not threading.main_thread())):
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


# The file name an OSError out of a write to stdout carries (`_StdoutFile`), so that its line
# names stdout, where the last line of defence said `check that path` and named none. (A name
# rather than an OSError subclass: each class made at import is ~0.15 M instructions of every run.)
STDOUT = "<stdout>"


def stdout_line(err: OSError) -> str:
    """The line for a write to stdout that failed (a full disk behind `> file`, `>&-`)."""
    from pytui.core.fs_errors import cause

    what = "it is closed" if err.errno == errno.EBADF else cause(err)
    return (f"cannot write the output to stdout: {what}; send it where it can go (a file on a "
            "disk with free space, a pipe, the terminal) and run the command again")


def write_stdout(text: str) -> None:
    """Write `text` to stdout and flush it, a failure raised naming stdout (a reader gone away
    stays BrokenPipeError): for output written outside a command, as argparse's help and
    `--version`, which `_main` turns into `stdout_line` as a command's own."""
    stream = sys.stdout
    if stream is None:  # `pytui --help >&-`
        raise OSError(errno.EBADF, "stdout is closed", STDOUT)
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as err:
        if err.filename == STDOUT:
            raise
        raise OSError(err.errno, err.strerror, STDOUT) from None
    except ValueError:  # a closed stream object
        raise OSError(errno.EBADF, "stdout is closed", STDOUT) from None


class _StdoutFile(io.FileIO):
    """stdout's descriptor, whose failed writes name stdout (a reader gone away stays
    BrokenPipeError, the quiet exit 1)."""

    def write(self, data: ReadableBuffer, /) -> int:
        try:
            return super().write(data)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise OSError(err.errno, err.strerror, STDOUT) from None


def _no_stdout() -> io.TextIOBase:
    """stdout when the process started without one (`pytui list >&-`: Python's `sys.stdout` is
    None, and `.isatty()` on it was a traceback): any write fails, naming stdout."""

    class NoStdout(io.TextIOBase):
        def write(self, text: str) -> int:  # noqa: ARG002 - nothing is written
            raise OSError(errno.EBADF, "stdout is closed", STDOUT)

        def isatty(self) -> bool:
            return False

    return NoStdout()


def _encodable(err: UnicodeError) -> tuple[str | bytes, int]:
    """The `errors` handler of a command's stdout: a file name's undecodable byte (surrogate
    escaped) is written as that byte, as `surrogateescape` writes it; any other character the
    encoding lacks as a backslash escape (`→` as `\\u2192` under `PYTHONIOENCODING=ascii`, a
    latin-1 locale, or the POSIX locale without UTF-8 mode), where the default `strict` raised
    UnicodeEncodeError out of the command."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    text = err.object[err.start:err.end]
    if all("\udc80" <= char <= "\udcff" for char in text):
        return bytes(ord(char) - 0xDC00 for char in text), err.end
    return text.encode("ascii", "backslashreplace").decode("ascii"), err.end


def _command_stdout() -> None:
    """stdout as a command writes to it: never a traceback for where it goes (a closed
    descriptor, a full disk, an encoding without `→`). The console script's only: the TUI
    draws on the terminal itself, and tests in this process capture stdout their own way."""
    import codecs

    stream = sys.stdout
    if stream is None:
        sys.stdout = _no_stdout()
        return
    if not isinstance(stream, io.TextIOWrapper):
        return
    try:
        fd = stream.fileno()
        stream.flush()
    except (OSError, ValueError):
        return
    codecs.register_error("pytui.stdout", _encodable)
    raw = _StdoutFile(fd, "w", closefd=False)
    # Unbuffered with PYTHONUNBUFFERED (-u), as the stream it replaces.
    binary = raw if stream.write_through else io.BufferedWriter(raw)
    sys.stdout = io.TextIOWrapper(binary, encoding=stream.encoding, errors="pytui.stdout",
                                  line_buffering=stream.line_buffering, write_through=stream.write_through)


def _parsed(argv: Sequence[str]) -> Any:
    """The command line's namespace (argparse's, or app/plain_args.py's with the same
    attributes), or the exit code when parsing ended the run: a usage error, or help and
    `--version` printed (or refused by stdout, one line as a command's output)."""
    from pytui.app.plain_args import parse_plain_args

    args = parse_plain_args(argv)  # None unless a plain list/install: then argparse decides
    if args is not None:
        return args
    from pytui.app.parser import build_parser

    try:
        parser = build_parser(argv)
    except UsageError as err:  # a word that names no command
        print(stderr_style().error(str(err)), file=sys.stderr)
        return err.exit_code
    try:
        return parser.parse_args(argv)  # help and --version print here (write_stdout)
    except BrokenPipeError:  # `pytui --help | head -1`: as a command's output
        _silence_stdout()
        return 1
    except OSError as err:
        if err.filename != STDOUT:
            raise
        print(stderr_style().error(_os_error_line(err)), file=sys.stderr)
        return 1


def _main(argv: Sequence[str], *, console: bool = False) -> int:
    args: Any = _parsed(argv)
    if isinstance(args, int):
        return args
    if console and args.command is not None:
        _command_stdout()
    set_color_choice(args.color)
    style = stderr_style()
    quiet = None
    if args.command is not None and args.quiet:
        from pytui.app.quiet import quieten

        quiet = quieten(args.quiet)
    try:
        # Inside the handler: a bad environment value is one line and exit 2, as in uv.
        args.settings = settings_from_args(args)
        if args.command is None:
            stream = not_a_terminal()
            if stream is not None:
                print(style.error(f"the terminal UI needs a terminal, but {stream} is not one; "
                                  "in scripts use `pytui list` (all commands: `pytui --help`)"),
                      file=sys.stderr)
                return NO_TERMINAL_EXIT
            from pytui.app.tui import run_tui

            return run_tui(args)
        return int(args.run(args))
    except PytuiError as err:
        print(style.error(str(err)), file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        from pytui.app import interrupted

        print(style.error(interrupted.ANY_COMMAND), file=sys.stderr)
        return interrupted.EXIT_CODE
    except RuntimeError as err:
        if "can't start new thread" not in str(err):
            raise
        # A container at its pids limit (root is bound by it too), or `ulimit -u`.
        print(style.error("cannot start a thread: this process is at its limit of processes and "
                          "threads (a container's pids limit, `ulimit -u`); stop other programs or "
                          "raise the limit, then run it again"), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`pytui list | head`): nothing more to say, and nowhere to say it.
        _silence_stdout()
        return 1
    except OSError as err:
        print(style.error(_os_error_line(err)), file=sys.stderr)
        return 1
    finally:
        if quiet is not None:
            from pytui.app.quiet import restore

            restore(quiet)
        left = getattr(args, "left_directory", None)
        if left is not None:  # --directory: back where an in-process caller was
            import contextlib
            import os

            with contextlib.suppress(OSError):
                os.chdir(left)


def _os_error_line(err: OSError) -> str:
    """The line for an OSError out of a command: stdout's own (the rest it buffers dropped),
    else the last line of defence (every known filesystem failure has its own message at its
    source)."""
    if err.filename == STDOUT:
        _silence_stdout()
        return stdout_line(err)
    from pytui.core.fs_errors import unexpected

    return unexpected(err)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # AttributeError: no stdout at all (`>&-`)
        pass


if __name__ == "__main__":
    sys.exit(main())
