"""The one keymap (no Textual): the app's bindings, the help screen, the command palette and
the README's key table are all made from `KEYMAP` (a test compares the README with it)."""

from __future__ import annotations

from pytui.core.record import FrozenRecord


class Key(FrozenRecord):
    __slots__ = ("keys", "action", "display", "label", "help", "show", "group", "priority",
                 "palette", "table", "footer")
    # Textual key names, comma-separated ("q", "question_mark"); "" for keys handled by a
    # widget rather than an app binding (Tab, Enter on a table).
    keys: str
    # The app action (`action_<name>`); "" when there is none.
    action: str
    # How the key is written for people ("?", "Ctrl+Q").
    display: str
    # The short footer label.
    label: str
    # What it does: the help screen, the palette and the README say this.
    help: str
    show: bool
    # Footer group: keys sharing one label.
    group: str
    # Handled by the app before the focused widget sees the key (and before the keys queued
    # behind it are handed on): ctrl+q, and `/` (which check_action turns off in the box).
    priority: bool
    # Listed in the command palette.
    palette: bool
    # A binding of every pane table (widgets/keyed_table.py's BINDINGS, which a test compares
    # with these), not of the app: the filter box still gets these letters while focused.
    table: bool
    # How the footer writes the key when `display` names several ("Esc" of "Esc / q / ?");
    # "" for Textual's name of the first key.
    footer: str

    def __init__(self, keys: str, action: str, display: str, label: str, help: str,
                 show: bool = True, group: str = "", priority: bool = False, palette: bool = True,
                 table: bool = False, footer: str = "") -> None:
        _set = object.__setattr__
        _set(self, "keys", keys)
        _set(self, "action", action)
        _set(self, "display", display)
        _set(self, "label", label)
        _set(self, "help", help)
        _set(self, "show", show)
        _set(self, "group", group)
        _set(self, "priority", priority)
        _set(self, "palette", palette)
        _set(self, "table", table)
        _set(self, "footer", footer)

    @property
    def action_name(self) -> str:
        """The action without its arguments: `focus_pane('cached')` -> `focus_pane`."""
        return self.action.split("(", 1)[0]


KEYMAP: tuple[Key, ...] = (
    # Not "this help": the palette and the README say it too, where no help is open.
    Key("question_mark", "help", "?", "Help", "every key and what it does"),
    Key("slash", "filter", "/", "Filter",
        "filter every pane: 3.12, 3.13t, >=3.11,<3.13, musl, freethreaded, any key part "
        "(Enter keeps it, Esc clears it)",
        # A priority key runs before the keys queued behind it are handed to the focused
        # table, so every key typed right after `/` reaches the box (view_keys.action_filter).
        priority=True),
    Key("i", "install", "i", "Install",
        "install the highlighted build (on Installed: the newer patch or build, after saying "
        "from what to what)"),
    Key("", "install_asking", "Enter", "Install",
        "on a table: install the highlighted build after asking (a stray Enter never "
        "downloads)", palette=False),
    Key("u", "uninstall", "u", "Uninstall",
        "uninstall the highlighted install (asks first, shows the space freed; c cancels it "
        "while it waits for the lock)"),
    Key("p", "purge", "p", "Purge archive",
        "purge the highlighted cached archive (or kept tree no archive uses: every such tree goes)",
        group="Purge"),
    Key("P", "purge_rules", "P", "Purge by rule",
        "purge by rule (superseded / installed / all archives, or outdated installs as "
        "`pytui uninstall --outdated`) with a preview of what goes and the space freed",
        group="Purge"),
    # `d` too (lazygit's, k9s's key), as a laptop's Delete is a chord (Fn+Backspace).
    Key("delete,d", "delete", "Delete / d", "Delete",
        "on Installed: uninstall (as u); on Cached: purge the archive (as p); both ask first",
        # A file manager's key: no footer room; the help and the palette list it.
        show=False),
    Key("U", "upgrade", "U", "Upgrade",
        "upgrade preview: each installed minor version with a newer patch or build in the catalog, from → "
        "to, the environments that follow and those staying pinned; yes installs them as jobs",
        # In the footer only while Installed leads it (PANE_LEADS): one key too many at 120
        # columns everywhere; the help lists it.
        show=False),
    Key("v", "verify", "v", "Verify", "verify the cache: re-hash every archive and check every "
        "kept tree (as `pytui cache verify`), remove corrupt ones"),
    Key("e", "environments", "e", "Envs",
        "environments: every venv, uv tool, pipx env and .python-version pin found, the install "
        "each uses and how (follows 3.12 / pinned to 3.12.8 / external), broken ones first",
        # In the footer only while Installed leads it (PANE_LEADS), as every key must fit at
        # 120 columns; the Installed pane's subtitle names it too.
        show=False),
    Key("a", "toggle_versions", "a", "All versions",
        "all versions (default: the newest patch of each minor version)", group="View"),
    Key("A", "toggle_platforms", "A", "All platforms",
        "all platforms and x86-64 levels (default: builds this machine runs)", group="View"),
    Key("f", "toggle_variants", "f", "Free-threaded/debug",
        "free-threaded and debug variants too (default: the standard build)", group="View"),
    Key("o", "toggle_offline", "o", "Offline",
        "toggle offline mode: no network, install only from the cache (or a file:// mirror)"),
    Key("r", "refresh", "r", "Refresh",
        "refresh the catalog (online only; a local --downloads-json file is read again); "
        "list the cache and root again, measure every install again"),
    Key("c", "cancel_job", "c", "Cancel",
        "cancel the highlighted job (or dismiss its row once it ended)"),
    Key("H", "history", "H", "History",
        "history: every job and operation of this session with its full outcome",
        # Not in the footer (it would push Quit out at 120 columns); failures point to it.
        show=False),
    Key("", "", "Tab", "", "move between the panes shown, Details and the Jobs panel (an "
        "empty one too; Details follows the highlighted row or job; focused, ↑/↓ and PgUp/PgDn "
        "scroll it)", palette=False),
    # lazygit's keys for the next and previous panel (they did nothing here).
    Key("l", "focus_next", "h / l", "Next pane", "previous / next pane (as Shift+Tab / Tab)",
        show=False, palette=False),
    Key("h", "focus_previous", "", "Previous pane", "", show=False, palette=False),
    # The Jobs panel binds these too, with ↓ / ↑ (widgets/job_list.py): they move between jobs.
    Key("j", "cursor_down", "j / k", "Down", "next / previous row or job (as ↓ / ↑); in Details, "
        "the help and History they scroll", show=False, palette=False, table=True),
    Key("k", "cursor_up", "", "Up", "", show=False, palette=False, table=True),
    Key("g,home", "scroll_top", "g / Home", "First", "first row of the table or job (the top of a "
        "text)", show=False, palette=False, table=True),
    Key("G,end", "scroll_bottom", "G / End", "Last", "last row of the table or job (the end of a "
        "text)", show=False, palette=False, table=True),
    Key("1", "focus_pane('available')", "1 / 2 / 3 / 4 / 5", "Available",
        "jump to the Available / Cached / Installed pane / the Jobs panel (with no job too, as "
        "Tab) / Details (to scroll it)", show=False, palette=False),
    Key("2", "focus_pane('cached')", "", "Cached", "", show=False, palette=False),
    Key("3", "focus_pane('installed')", "", "Installed", "", show=False, palette=False),
    Key("4", "focus_pane('jobs')", "", "Jobs", "", show=False, palette=False),
    Key("5", "focus_pane('details')", "", "Details", "", show=False, palette=False),
    Key("s", "sort", "s", "Sort",
        "sort the focused pane by its next column (a header click sorts by that column)",
        show=False),
    Key("S", "sort_reverse", "S", "Reverse sort", "reverse the focused pane's sort order",
        show=False),
    Key("y", "copy", "y", "Copy path",
        "copy the highlighted row's path: install dir (Installed), archive (Cached), URL "
        "(Available); shown in a notification too, as many terminals ignore the clipboard",
        show=False),
    Key("x", "repl", "x", "Python REPL",
        "run the highlighted install's Python REPL; pytui comes back when it exits",
        show=False),
    Key("exclamation_mark", "shell", "!", "Shell",
        "open $SHELL with the highlighted install's bin dir first on PATH; exit returns",
        show=False),
    # `:` as well: k9s's command prompt key, the first a k9s user types. Textual adds its own
    # Ctrl+P only when no binding runs the palette, so Ctrl+P is here too, a priority key as
    # Textual's was (the filter box takes `:` as text).
    Key("colon", "command_palette", ": / Ctrl+P", "Commands", "command palette", show=False,
        palette=False),
    Key("ctrl+p", "command_palette", "", "Commands", "", show=False, priority=True,
        palette=False),
    Key("q", "quit", "q / Ctrl+Q", "Quit",
        "quit (asks first while jobs or a purge run; quitting cancels the jobs and leaves no "
        "partial install, only resumable .part downloads)"),
    Key("ctrl+q", "quit", "", "Quit", "", show=False, priority=True, palette=False),
)

# The screens shown over the main one, by name: their keys are here too (one keymap), each
# screen's bindings made from them (app/key_bindings.py); the help and the README list them
# under the screen's title.
ENVIRONMENTS, PURGE_SCREEN, QUESTION, HELP, HISTORY = (
    "environments", "purge_rules", "question", "help", "history")
SCREEN_KEYS: dict[str, tuple[Key, ...]] = {
    ENVIRONMENTS: (
        Key("escape,e", "close", "Esc / e", "Close", "close the view", footer="Esc"),
        # Priority: run before the keys typed after it are handed to the table (action_filter).
        Key("slash", "filter", "/", "Filter",
            "filter the rows: path, kind, key, 3.12, broken, pinned, pipx (Enter keeps it, "
            "Esc clears it)", priority=True),
        Key("r", "rescan", "r", "Rescan", "scan again, the whole tree"),
        Key("c", "cancel_scan", "c", "Stop scan",
            "stop the scan running (the last result stays shown)"),
        # The main screen's `?` is blocked under a screen over it: here it did nothing at all.
        Key("question_mark", "help", "?", "Help", "every key (this view's under its title)"),
    ),
    PURGE_SCREEN: (
        Key("y", "confirm", "y", "Purge", "purge what the preview lists (dimmed while it lists "
            "nothing)"),
        Key("n,escape", "cancel", "n / Esc", "Cancel", "close it, nothing purged",
            footer="n/Esc"),
    ),
    QUESTION: (
        Key("y", "answer(True)", "y", "Yes", "yes: do what it asks (Enter on a button too)"),
        Key("n,escape", "answer(False)", "n / Esc", "No", "no: nothing is done", footer="n/Esc"),
        # A question taller than the screen scrolls; the focus stays on its No button.
        Key("up", "scroll_question('up')", "↑ / ↓ / PgUp / PgDn", "",
            "scroll a question taller than the screen", show=False),
        Key("down", "scroll_question('down')", "", "", "", show=False),
        Key("pageup", "scroll_question('page_up')", "", "", "", show=False),
        Key("pagedown", "scroll_question('page_down')", "", "", "", show=False),
    ),
    HELP: (
        Key("escape,q,question_mark", "dismiss_help", "Esc / q / ?", "Close", "close the help",
            footer="Esc"),
    ),
    HISTORY: (
        Key("escape,q,H", "close", "Esc / q / H", "Close", "close History", footer="Esc"),
        Key("question_mark", "help", "?", "Help", "every key"),
    ),
}
# How the help and the README title each screen's keys.
SCREEN_TITLES: dict[str, str] = {
    ENVIRONMENTS: "In the Environments view (e)",
    PURGE_SCREEN: "In Purge by rule (P)",
    QUESTION: "In a question (install, uninstall, purge, quit…)",
    HELP: "In this help",
    HISTORY: "In History (H)",
}

# The footer keeps these first when it is too narrow for every shown key (the rest are
# left out from the end of this list, then unlisted ones; `?` lists them all).
FOOTER_PRIORITY: tuple[str, ...] = (
    "help", "quit", "install", "cancel_job", "filter", "uninstall", "purge", "purge_rules",
    "verify", "toggle_offline", "toggle_versions", "toggle_platforms", "toggle_variants",
    "refresh",
)

# Actions of the main screen: blocked while a modal screen is on top. Not the palette: Ctrl+P
# opened it over Environments and dialogs as Textual's own binding, before it joined the keymap.
MAIN_ACTIONS = frozenset(k.action_name for k in KEYMAP
                         if k.action and k.action not in ("quit", "command_palette")
                         and not k.table)


def key_display(action: str) -> str:
    """The key as the footer and the help show it for `action` (`history` -> `H`)."""
    return next(k.display for k in KEYMAP if k.action == action)


def bound_keys() -> list[Key]:
    """The keys that become app bindings."""
    return [k for k in KEYMAP if k.keys and k.action and not k.table]


def table_keys() -> list[Key]:
    """The keys every pane table binds (cursor moves)."""
    return [k for k in KEYMAP if k.table]


def footer_label(action: str, *, offline: bool, focused_job_ended: bool = False) -> str | None:
    """The footer's label for `action` when it is not its key's: `o` reads `Online` while
    offline (where it goes, as `Offline` does while online), never the mode it is in; `c`
    reads `Dismiss` on a job row whose job has ended, as that is what it does there."""
    if action == "toggle_offline" and offline:
        return "Online"
    if action == "cancel_job" and focused_job_ended:
        return "Dismiss"
    return None


def footer_ranks() -> dict[str, int]:
    """action -> rank for the footer (lower is kept longer)."""
    return {action: rank for rank, action in enumerate(FOOTER_PRIORITY)}


# The keys that lead the footer while each pane has the focus (as lazygit and k9s do: the
# focused pane's keys first); the other shown keys follow in KEYMAP's order. Details acts on
# the row it shows, so it leads with the keys of that row's pane (app/pytui_app.py). A lead
# key the footer does not show elsewhere (`show=False`: U, e) is shown while its pane leads.
PANE_LEADS: dict[str, tuple[str, ...]] = {
    "available": ("install", "filter", "toggle_versions", "toggle_platforms",
                  "toggle_variants"),
    "cached": ("purge", "verify", "install"),
    "installed": ("uninstall", "upgrade", "environments", "install", "purge_rules"),
    "jobs": ("cancel_job",),
}


class FooterPlan(FrozenRecord):
    """How the footer reads while one pane has the focus."""

    __slots__ = ("lead", "ranks", "dimmed")
    # Actions drawn first, in this order.
    lead: tuple[str, ...]
    # action -> rank (lower is kept longer when the line is too narrow).
    ranks: dict[str, int]
    # Actions drawn dimmed: their key does nothing now (it still runs and says why).
    dimmed: frozenset[str]

    def __init__(self, lead: tuple[str, ...], ranks: dict[str, int],
                 dimmed: frozenset[str]) -> None:
        _set = object.__setattr__
        _set(self, "lead", lead)
        _set(self, "ranks", ranks)
        _set(self, "dimmed", dimmed)


def footer_plan(pane: str, *, jobs_listed: bool, installed_target: bool = True) -> FooterPlan:
    """The footer while `pane` has the focus: its keys lead and are kept longest after `?`
    and `q`; `c Cancel` is dimmed while the Jobs panel lists no job (it has none to cancel),
    and `u Uninstall` while what the keys act on (the highlighted row, the focused job's build)
    has no install (`installed_target` false), as the Environments view dims `c Stop scan`
    while no scan runs (dimmed keys still run and say why they do nothing now: one policy)."""
    lead = PANE_LEADS.get(pane, ())
    kept = ("help", "quit", *lead)
    order = [*kept, *(action for action in FOOTER_PRIORITY if action not in kept)]
    dimmed = frozenset(action for action, idle in (("cancel_job", not jobs_listed),
                                                   ("uninstall", not installed_target)) if idle)
    return FooterPlan(lead, {action: rank for rank, action in enumerate(order)}, dimmed)


def help_rows(keys: tuple[Key, ...] = KEYMAP) -> list[tuple[str, str]]:
    """(key as written, what it does) for the help screen and the README: the main screen's
    keys, or those of one screen over it (SCREEN_KEYS)."""
    return [(k.display, k.help) for k in keys if k.display and k.help]


def screen_help() -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, help rows) of each screen shown over the main one."""
    return [(SCREEN_TITLES[name], help_rows(keys)) for name, keys in SCREEN_KEYS.items()]


def palette_keys() -> list[Key]:
    return [k for k in KEYMAP if k.palette and k.action and k.keys and not k.table]


def readme_table() -> str:
    """The README's key table, as Markdown."""
    lines = ["| Key | Action |", "|---|---|"]
    sections = [("", help_rows()), *screen_help()]
    for title, rows in sections:
        if title:
            lines.append(f"| **{title}** | |")
        for display, what in rows:
            keys = " / ".join(f"`{part}`" if len(part) == 1 else part
                              for part in display.split(" / "))
            cell = what.replace("|", "\\|")
            lines.append(f"| {keys} | {cell} |")
    return "\n".join(lines)


if __name__ == "__main__":  # `python -m pytui.app.keymap` prints the README's table
    print(readme_table())
