"""`faqbot` that stops itself (SIGSTOP) just before one operation, so a test can SIGKILL it at
exactly that point: `python -m tests.crash.stop_at EVENT NEEDLE <faqbot arguments>`.

EVENT is a Python audit event raised before the operation runs (`open`, `os.mkdir`, `os.rename`
for os.replace too, `shutil.rmtree`), or `call:NAME`, a call of a Python function named NAME
(for a step no audit event marks, such as one statement of a migration); the process stops at
the first one whose arguments mention NEEDLE. Nothing in faqbot is replaced: the command runs as
an operator runs it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading


def stop() -> None:
    os.kill(os.getpid(), signal.SIGSTOP)


def stop_before(event: str, needle: str) -> None:
    if event.startswith("call:"):
        function = event.removeprefix("call:")

        def profile(frame, what: str, _argument) -> None:  # noqa: ANN001 - sys.setprofile's frame
            if what == "call" and frame.f_code.co_name == function:
                if any(isinstance(value, str) and needle in value for value in frame.f_locals.values()):
                    stop()

        sys.setprofile(profile)
        threading.setprofile(profile)  # and in threads started from now on (email serve answers on a worker thread)
        return

    def hook(name: str, arguments: tuple) -> None:
        if name == event and any(needle in str(argument) for argument in arguments):
            stop()

    sys.addaudithook(hook)


if __name__ == "__main__":
    event, needle, *arguments = sys.argv[1:]
    stop_before(event, needle)
    sys.argv = ["faqbot", *arguments]
    from bot.cli.app import main

    sys.exit(main())
