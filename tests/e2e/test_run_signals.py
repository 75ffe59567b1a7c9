"""`kill -TERM` stops `triggers run` as cleanly as Ctrl-C, even when the signal comes more than once:
`make run` forwards the SIGTERM it gets to the stack, which a `kill` of the process group reached too.

Its own stack: this one is stopped by the test.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest

from local.stack import StackState

from .helpers import stack_environment, start_stack, wait_for_banner

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

STOP_SECONDS = 20


def test_sigterm_stops_the_stack_cleanly_however_many_arrive(tmp_path: Path) -> None:
    log_path = tmp_path / "stack.log"
    process = start_stack(log_path, stack_environment())
    try:
        banner = wait_for_banner(process, log_path)
        port = re.search(r"Triggers API local stack: http://[\d.]+:(\d+)", banner)
        assert port, banner
        assert StackState.load(int(port.group(1))) is not None

        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            process.send_signal(signal.SIGTERM)  # more, all through the shutdown
            time.sleep(0.02)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
            pytest.fail(f"`triggers run` did not stop within {STOP_SECONDS}s of SIGTERM")

    output = log_path.read_text(errors="replace")
    assert process.returncode == 0, output
    assert output.rstrip().endswith("Local stack stopped."), output
    assert "Traceback" not in output
    assert StackState.load(int(port.group(1))) is None  # its state file is gone with it
