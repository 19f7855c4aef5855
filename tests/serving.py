"""A dev server on its own thread, for the tests and the latency benchmark (not part of the product)."""

from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from site_builder.options import Options
from site_builder.serve.server import DevServer


@contextmanager
def running(options: Options, host: str = "127.0.0.1", port: int = 0, timeout: float = 60.0,
            **kwargs: Any) -> Iterator[DevServer]:
    """A DevServer on its own thread and event loop, stopped (and its port freed) on exit."""
    server = DevServer(options, host, port, **kwargs)
    server.listen()
    server.prepare()
    ready = threading.Event()
    failure: list[BaseException] = []
    loop_box: list[asyncio.AbstractEventLoop] = []

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop_box.append(loop)
        try:
            server.start()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            failure.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    thread = threading.Thread(target=run, name="serve", daemon=True)
    thread.start()
    if not ready.wait(timeout):
        raise TimeoutError("the dev server did not start")
    if failure:
        raise failure[0]
    try:
        yield server
    finally:
        loop_box[0].call_soon_threadsafe(loop_box[0].stop)
        thread.join(timeout)


def call_in_loop(server: DevServer, function: Any, timeout: float = 30.0) -> Any:
    """Run ``function()`` on the server's thread (where the session lives) and return its result."""
    assert server.loop is not None
    done = threading.Event()
    box: list[Any] = []

    def run() -> None:
        try:
            box.append((True, function()))
        except BaseException as exc:  # noqa: BLE001
            box.append((False, exc))
        done.set()

    server.loop.add_callback(run)
    if not done.wait(timeout):
        raise TimeoutError("the dev server did not answer")
    ok, value = box[0]
    if not ok:
        raise value
    return value
