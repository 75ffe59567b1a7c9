"""The lines a subprocess writes, read in a thread so that waiting for the next one can time out."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import IO


class OutputLines:
    def __init__(self, stream: IO[str] | None) -> None:
        assert stream is not None, "start the process with stdout/stderr=subprocess.PIPE, text=True"
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line.rstrip("\n"))

    def first(self, wanted: Callable[[str], bool], timeout: float) -> str | None:
        """The next line that is ``wanted``, skipping others; None if none comes within ``timeout`` seconds."""
        try:
            while not wanted(line := self._lines.get(timeout=timeout)):
                pass
        except queue.Empty:
            return None
        return line
