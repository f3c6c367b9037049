"""The top-level settings of uv 0.13.9's `uv.toml` / `[tool.uv]` and the TOML type uv takes for
each (observed: `uv python list` run on a `uv.toml` holding each key with a string, an integer, a
boolean, an array, a table, a float and a date; docs/uv-compat.md#configuration-files). uv
refuses a `uv.toml` (and passes over a `pyproject.toml`) whose value has another type; pytui
checks the same types, and the words of uv's short lists of words. What is inside a value is
core/uv_config_values.py's; a date, a marker and the CUDA/ROCm word of `torch-backend` are uv's
to check (uv refuses a bad one, pytui does not)."""

from __future__ import annotations

import datetime

STRING, BOOLEAN, COUNT, ARRAY, TABLE = "string", "boolean", "count", "array", "table"
STRING_OR_ARRAY, BOOLEAN_OR_ARRAY, STRING_OR_FALSE = "string-or-array", "boolean-or-array", "string-or-false"
ANY = "any"  # a pyproject.toml's project keys: uv's settings discovery does not look inside

# What each kind is said as in a refusal: "`key` is the integer 5, expected …".
EXPECTED = {
    STRING: "a string", BOOLEAN: "a boolean (true or false)", COUNT: "a positive integer",
    ARRAY: "an array", TABLE: "a table", STRING_OR_ARRAY: "a string or an array",
    BOOLEAN_OR_ARRAY: "a boolean or an array", STRING_OR_FALSE: "a string or false",
}

_KINDS_WORDS = {
    STRING: """required-version cache-dir index-url http-proxy https-proxy python-install-mirror
        pypy-install-mirror graalpy-install-mirror pyodide-install-mirror python-downloads-json-url
        publish-url check-url torch-backend""",
    BOOLEAN: """system-certs native-tls offline no-cache preview no-index no-build-isolation
        require-build-hashes compile-bytecode no-sources upgrade reinstall no-build no-binary""",
    COUNT: "concurrent-downloads concurrent-builds concurrent-installs",
    ARRAY: """index extra-index-url find-links no-proxy allow-insecure-host dependency-metadata
        no-build-isolation-package no-sources-package upgrade-package reinstall-package
        no-build-package no-binary-package cache-keys override-dependencies exclude-dependencies
        constraint-dependencies build-constraint-dependencies""",
    TABLE: """prerelease-package config-settings config-settings-package extra-build-dependencies
        extra-build-variables exclude-newer-package audit pip minimum-libc-version""",
    STRING_OR_ARRAY: "environments required-environments",
    BOOLEAN_OR_ARRAY: "preview-features",
    STRING_OR_FALSE: "exclude-newer",
    ANY: """workspace sources managed package default-groups dependency-groups dev-dependencies
        build-backend conflicts""",
}

# uv's short lists of words (a string outside them is refused, as uv refuses it); pytui's own
# readings of `python-downloads` and `python-preference` are in core/uv_config_file.py.
WORDS: dict[str, tuple[str, ...]] = {
    "python-preference": ("only-managed", "managed", "system", "only-system"),
    "python-downloads": ("auto", "automatic", "manual", "never"),
    "index-strategy": ("first-index", "unsafe-any-match", "unsafe-first-match", "unsafe-best-match"),
    "keyring-provider": ("disabled", "subprocess"),
    "resolution": ("highest", "lowest", "lowest-direct"),
    "prerelease": ("disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit"),
    "fork-strategy": ("fewest", "requires-python"),
    "link-mode": ("clone", "reflink", "copy", "hardlink", "symlink"),
    "trusted-publishing": ("automatic", "always", "never"),
    "add-bounds": ("lower", "major", "minor", "exact"),
}

KINDS: dict[str, str] = {key: kind for kind, words in _KINDS_WORDS.items() for key in words.split()}
KINDS.update(dict.fromkeys(WORDS, STRING))
# Every top-level key uv 0.13.9 takes (its own error lists them); any other is refused.
UV_KEYS = frozenset(KINDS)


def _is(kind: str, value: object) -> bool:
    if kind == STRING:
        return isinstance(value, str)
    if kind == BOOLEAN:
        return isinstance(value, bool)
    if kind == COUNT:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 1
    if kind == ARRAY:
        return isinstance(value, list)
    if kind == TABLE:
        # uv's TOML reader hands a date over as a one-key table (config-settings takes it).
        return isinstance(value, (dict, datetime.date, datetime.time))
    if kind == STRING_OR_ARRAY:
        return isinstance(value, (str, list))
    if kind == BOOLEAN_OR_ARRAY:
        return isinstance(value, (bool, list))
    if kind == STRING_OR_FALSE:
        return isinstance(value, str) or value is False
    return True


def expected(key: str, value: object) -> str | None:
    """What uv expects of `key` when `value` is not that (None: uv takes the type)."""
    words = WORDS.get(key)
    if words is not None:
        if isinstance(value, str) and value in words:
            return None
        return "one of " + ", ".join(f"`{word}`" for word in words)
    kind = KINDS[key]
    return None if _is(kind, value) else EXPECTED[kind]


__all__ = ["KINDS", "UV_KEYS", "WORDS", "expected"]
