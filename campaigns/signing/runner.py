"""Run pyHanko's synchronous entry points from any thread.

pyHanko's sync functions call asyncio.run(), which refuses to run in a thread that already has
an event loop (sync Playwright in the browser tests, an async view). There the work moves to a
short-lived worker thread; elsewhere it runs in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def outside_event_loop(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)`, in a worker thread if this thread runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
