"""The terminal driver pytui runs on: Textual's own, made safe for a terminal that went away.

Textual's Linux driver hands every write to a writer thread through a queue of 30 slots. When
the terminal closes (a window closed, an SSH connection dropped) the thread's next write fails
with EIO and the thread ends, but writes keep going into the queue; once it is full the next
one waits for room forever, on the event loop's thread. pytui then never finished quitting on
the SIGHUP that came with the close (its goodbye writes, mouse off and cursor back, waited), and
a process with nothing left to draw on stayed asleep, deaf to SIGTERM. Here a write once the
writer thread has ended is dropped: there is no terminal left to draw on.
"""

from __future__ import annotations

from pytui.app.terminal_codes import CLEAR_SCREEN
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver


class TerminalGoneSafeDriver(LinuxDriver):
    """`LinuxDriver` whose writes are dropped once its writer thread has ended, and which
    clears the alternate screen before leaving it (on quit, and before `x` / `!` hand over)."""

    def write(self, data: str) -> None:
        # Textual's own attribute, looked up softly: under another name the guard is skipped.
        writer = getattr(self, "_writer_thread", None)
        if writer is not None and not writer.is_alive():
            return
        super().write(data)

    def stop_application_mode(self) -> None:
        # As lazygit's tcell does: tmux carried the last frame's top rows into the shell's
        # screen when the window had grown while pytui ran (plain Textual too), and a
        # terminal without an alternate screen kept the whole frame.
        self.write(CLEAR_SCREEN)
        super().stop_application_mode()


def safe_driver(driver_class: type[Driver]) -> type[Driver]:
    """The driver pytui runs on for Textual's choice `driver_class`: Textual's Linux driver
    (on Linux and macOS) as `TerminalGoneSafeDriver`; any other (Windows, a driver named by
    TEXTUAL_DRIVER) as it is."""
    return TerminalGoneSafeDriver if driver_class is LinuxDriver else driver_class
