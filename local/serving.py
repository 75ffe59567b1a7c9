"""Runs a socket server in a daemon thread, as one of the local stack's background services."""

from __future__ import annotations

import socketserver
import threading


class ServerThread:
    def __init__(self, server: socketserver.BaseServer, name: str) -> None:
        self._server = server
        # A short poll interval makes stop() take a tenth of a second instead of half of one.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
