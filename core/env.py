"""uv's environment variables, parsed as uv parses them (uv-settings `EnvironmentOptions`).

An invalid value is a `UsageError` (exit 2) in uv's words, naming the variable and the value:

    Failed to parse environment variable `UV_HTTP_TIMEOUT` with invalid value `nan`: invalid
    digit found in string; value should be an integer number of seconds

Integers follow Rust's `u64`/`u32::from_str`: ASCII digits with an optional leading `+`, no
spaces, no sign, no fraction (`1.5`, `-1`, `nan`, ` 5` are refused; `0`, `+5`, `007` are
not). Booleans follow clap's boolish parser: `y yes t true on 1` / `n no f false off 0`, any
case; anything else, the empty string included, is refused. An unset variable is its default;
an empty one too, except for booleans and the two enumerations, where uv refuses it as well.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytui.core.errors import UsageError
from pytui.core.keys import TYPE_CHECKING, _fields, is_digits

_TRUE = frozenset({"y", "yes", "t", "true", "on", "1"})
_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})
SECONDS_HELP = "value should be an integer number of seconds"
# uv reads the read timeout from the first of these that is set (all are checked).
READ_TIMEOUT_VARS = ("UV_HTTP_TIMEOUT", "UV_REQUEST_TIMEOUT", "HTTP_TIMEOUT")
PYTHON_DOWNLOADS = {"auto": "automatic", "automatic": "automatic", "true": "automatic",
                    "1": "automatic", "manual": "manual", "never": "never", "false": "never",
                    "0": "never"}
PYTHON_PREFERENCES = ("only-managed", "managed", "system", "only-system")
# Defaults, as uv's.
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 30
HTTP_RETRIES = 3
LOCK_TIMEOUT = 300
# uv takes any u32; pytui bounds its retry loop (a larger value is refused, not clamped).
MAX_HTTP_RETRIES = 1000


# How much of a refused value the error line shows (uv shows it whole: a value of a megabyte
# was a megabyte-long line). Longer ones are cut and say their length.
SHOWN_LIMIT = 120


def _shown(value: str) -> str:
    """A value as the error line shows it: as uv shows it up to SHOWN_LIMIT characters, then
    cut with its length said; undecodable bytes replaced, line breaks and tabs escaped, so it
    stays one line (the style escapes the other control characters)."""
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if len(text) > SHOWN_LIMIT:
        text = f"{text[:SHOWN_LIMIT]}… ({len(value):,} characters)"
    # A tab too: the style shows it as a space, and `UV_OFFLINE=<tab>1` read as ` 1`.
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def shown_value(value: str, limit: int = 40) -> str:
    """A value of pytui's own variables as its error line shows it: one line, at most `limit`
    characters and an ellipsis."""
    text = _shown(value)
    return text if len(text) <= limit else text[:limit] + "…"


def ascii_count(text: str) -> int | None:
    """A whole number as uv reads one (Rust's `u64::from_str`): ASCII digits after an optional
    `+`, at most 20 significant ones (u64); None for anything else. int() would also take
    `１２`, `٣`, `1_2`, ` 12 ` and `-0`, and raises on 4300 digits and more."""
    digits = text[1:] if text[:1] == "+" else text
    if not is_digits(digits):
        return None
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= 20 else None


def ascii_seconds(text: str) -> float | None:
    """A number as Rust's `f64::from_str` reads one, finite: an optional sign, ASCII digits with
    at most one `.` (`1`, `1.5`, `.5`, `5.`), an optional exponent `e-3`; None for anything
    else. float() would also take `１２`, `1_2`, ` 12 ` and `infinity`."""
    if len(text) > 64 or not text.isascii():
        return None
    mantissa, _, exponent = text.lower().partition("e")
    mantissa = mantissa[1:] if mantissa[:1] in ("+", "-") else mantissa
    whole, _, fraction = mantissa.partition(".")
    if not (whole or fraction) or not all(part == "" or is_digits(part) for part in (whole, fraction)):
        return None
    if "e" in text.lower() and not is_digits(exponent[1:] if exponent[:1] in ("+", "-") else exponent):
        return None
    number = float(text)  # no `inf`/`nan` text got here; a too-large exponent still gives inf
    return number if abs(number) != float("inf") else None


def _invalid(name: str, value: str, cause: str, help_text: str | None = None) -> UsageError:
    detail = f"{cause}; {help_text}" if help_text else cause
    return UsageError(f"Failed to parse environment variable `{name}` with invalid value "
                      f"`{_shown(value)}`: {detail}")


def _utf8(name: str, value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _invalid(name, value, "expected a valid UTF-8 string") from None
    return value


def uv_integer(env: Mapping[str, str], name: str, *, bits: int = 64, nonzero: bool = False,
               help_text: str | None = None) -> int | None:
    """`env[name]` as uv's `parse_integer_environment_variable` reads it; None if unset/empty."""
    value = env.get(name)
    if value is None or value == "":
        return None
    _utf8(name, value)
    digits = value[1:] if value.startswith("+") else value
    if not is_digits(digits):
        raise _invalid(name, value, "invalid digit found in string", help_text)
    significant = digits.lstrip("0")
    # No int() of a huge text: more than 20 significant digits overflows u64 anyway.
    if len(significant) > 20 or int(significant or "0") >= 1 << bits:
        raise _invalid(name, value, "number too large to fit in target type", help_text)
    number = int(significant or "0")
    if nonzero and number == 0:
        raise _invalid(name, value, "number would be zero for non-zero type", help_text)
    return number


def uv_seconds(env: Mapping[str, str], name: str) -> int | None:
    """A timeout in whole seconds (u64), as uv reads UV_HTTP_TIMEOUT and friends."""
    return uv_integer(env, name, help_text=SECONDS_HELP)


def uv_retries(env: Mapping[str, str]) -> int | None:
    """UV_HTTP_RETRIES: uv's u32, at most `MAX_HTTP_RETRIES`; None if unset/empty."""
    retries = uv_integer(env, "UV_HTTP_RETRIES", bits=32)
    if retries is not None and retries > MAX_HTTP_RETRIES:
        raise _invalid("UV_HTTP_RETRIES", env["UV_HTTP_RETRIES"],
                       f"pytui retries at most {MAX_HTTP_RETRIES} times")
    return retries


def uv_read_timeout(env: Mapping[str, str]) -> int | None:
    """The read timeout from the first of READ_TIMEOUT_VARS that is set; all are checked, as
    uv checks them."""
    values = [uv_seconds(env, name) for name in READ_TIMEOUT_VARS]
    return next((value for value in values if value is not None), None)


def _boolish(value: str) -> bool | None:
    """uv's yes/no words (`y yes t true on 1` / `n no f false off 0`, any case); None for
    anything else. Every boolean variable reads its value here."""
    lowered = value.lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else None


def uv_bool(env: Mapping[str, str], name: str) -> bool | None:
    """`env[name]` as uv's `parse_boolish_environment_variable`; None if unset."""
    value = env.get(name)
    if value is None:
        return None
    _utf8(name, value)
    read = _boolish(value)
    if read is None:
        raise _invalid(name, value, "expected a boolish value")
    return read


def uv_no_config(env: Mapping[str, str]) -> bool:
    """UV_NO_CONFIG, uv's global `--no-config` (clap's boolish parser, as `uv_bool` reads);
    False if unset. Anything else, the empty string included, is refused as uv refuses it for
    every command (`UV_NO_CONFIG=maybe` made pytui skip the version file where uv stops)."""
    value = env.get("UV_NO_CONFIG")
    if value is None:
        return False
    read = _boolish(value)
    if read is not None:
        return read
    raise UsageError(f"invalid value `{_shown(value)}` for UV_NO_CONFIG (--no-config): value was "
                     "not a boolean")


def python_downloads(env: Mapping[str, str]) -> str:
    """UV_PYTHON_DOWNLOADS: automatic (default), manual or never."""
    value = env.get("UV_PYTHON_DOWNLOADS")
    if value is None:
        return "automatic"
    mode = PYTHON_DOWNLOADS.get(value.lower())
    if mode is None:
        raise UsageError(f"invalid value `{_shown(value)}` for UV_PYTHON_DOWNLOADS, expected one "
                         "of 'auto', 'true', 'manual', 'never', or 'false'")
    return mode


def python_preference(env: Mapping[str, str]) -> str | None:
    """UV_PYTHON_PREFERENCE (clap's value enum: exact spelling); None if unset."""
    value = env.get("UV_PYTHON_PREFERENCE")
    if value is None:
        return None
    if value not in PYTHON_PREFERENCES:
        raise UsageError(f"invalid value `{_shown(value)}` for UV_PYTHON_PREFERENCE "
                         f"(possible values: {', '.join(PYTHON_PREFERENCES)})")
    return value


# uv's variables pytui does not use, that uv 0.13.9 checks for every command (`uv python list`
# included), in the order it checks them, between the ones pytui reads: a shell set up for
# both tools stops both on the same line (`UV_CONCURRENT_DOWNLOADS=abc` listed in pytui). Each
# is `bool` (boolish) or `count` (a non-zero u64, uv's NonZeroUsize on 64-bit).
UNUSED_BEFORE_INSTALL_BIN = (("UV_SYSTEM_CERTS", "bool"), ("UV_NATIVE_TLS", "bool"))
UNUSED_BEFORE_CONNECT = (("UV_PYTHON_INSTALL_REGISTRY", "bool"), ("UV_CONCURRENT_DOWNLOADS", "count"),
                         ("UV_CONCURRENT_BUILDS", "count"), ("UV_CONCURRENT_INSTALLS", "count"))
UNUSED_BEFORE_LOCK = (("UV_MANAGED_PYTHON", "bool"), ("UV_NO_MANAGED_PYTHON", "bool"),
                      ("UV_PREVIEW", "bool"), ("UV_NO_PROGRESS", "bool"))
UNUSED_CHECKED = tuple(name for group in (UNUSED_BEFORE_INSTALL_BIN, UNUSED_BEFORE_CONNECT,
                                          UNUSED_BEFORE_LOCK) for name, _ in group)


def _check_unused(env: Mapping[str, str], variables: tuple[tuple[str, str], ...]) -> None:
    for name, kind in variables:
        if kind == "bool":
            uv_bool(env, name)
        else:
            uv_integer(env, name, nonzero=True)


def pytui_flag(env: Mapping[str, str], name: str) -> bool:
    """A yes/no `PYTUI_*` variable, read as uv reads a boolean (`y yes t true on 1` / `n no f
    false off 0`, any case); unset or empty is no. Anything else is one usage line: `maybe`
    was silently no."""
    value = env.get(name, "")
    if not value:
        return False
    read = _boolish(value)
    if read is not None:
        return read
    raise UsageError(f"invalid value for environment variable {name}: `{shown_value(value)}` "
                     f"(expected one of y yes t true on 1 or n no f false off 0); fix or unset {name}")


class EnvValues(tuple):
    """Every uv variable pytui reads that has a syntax, parsed once (`Settings.resolve`), so a
    bad value stops any command before it does anything. (A tuple with named fields as
    core/keys.py makes them: `pytui list` parses these on every run; typing costs more, and
    collections.namedtuple compiles its `__new__` from source at import.)"""

    __slots__ = ()
    _fields = ("offline", "install_bin", "read_timeout", "connect_timeout", "http_retries",
               "lock_timeout", "python_downloads", "python_preference")
    if TYPE_CHECKING:
        offline: bool
        install_bin: bool | None
        read_timeout: int
        connect_timeout: int
        http_retries: int
        lock_timeout: int
        python_downloads: str
        python_preference: str | None

    def __new__(cls, offline: bool = False, install_bin: bool | None = None,
                read_timeout: int = READ_TIMEOUT, connect_timeout: int = CONNECT_TIMEOUT,
                http_retries: int = HTTP_RETRIES, lock_timeout: int = LOCK_TIMEOUT,
                python_downloads: str = "automatic", python_preference: str | None = None) -> EnvValues:
        return tuple.__new__(cls, (offline, install_bin, read_timeout, connect_timeout, http_retries,
                                   lock_timeout, python_downloads, python_preference))

    @classmethod
    def parse(cls, env: Mapping[str, str]) -> EnvValues:
        """In uv's order (clap's UV_PYTHON_PREFERENCE, then `EnvironmentOptions` in its field
        order), so the first bad value is the one uv names."""
        preference = python_preference(env)
        uv_no_config(env)  # checked here, for every command as uv's clap does; read by version_file
        read = uv_read_timeout(env)
        _check_unused(env, UNUSED_BEFORE_INSTALL_BIN)
        install_bin = uv_bool(env, "UV_PYTHON_INSTALL_BIN")
        _check_unused(env, UNUSED_BEFORE_CONNECT)
        connect = uv_seconds(env, "UV_HTTP_CONNECT_TIMEOUT")
        retries = uv_retries(env)
        offline = uv_bool(env, "UV_OFFLINE")
        _check_unused(env, UNUSED_BEFORE_LOCK)
        # uv falls back to 5 minutes (with a warning) for a bad UV_LOCK_TIMEOUT; pytui refuses it
        # with the same words as the other timeouts.
        lock = uv_seconds(env, "UV_LOCK_TIMEOUT")
        downloads = python_downloads(env)
        return cls(
            offline=bool(offline), install_bin=install_bin,
            read_timeout=READ_TIMEOUT if read is None else read,
            connect_timeout=CONNECT_TIMEOUT if connect is None else connect,
            http_retries=HTTP_RETRIES if retries is None else retries,
            lock_timeout=LOCK_TIMEOUT if lock is None else lock,
            python_downloads=downloads, python_preference=preference,
        )


_fields(EnvValues, EnvValues._fields)
