"""pyHanko's API is async; our callers are not. `ausfuehren` runs a coroutine to completion from sync code, also
when the calling thread already runs an event loop (then in a helper thread: asyncio.run refuses to nest)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def ausfuehren(coro: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as helfer:
        return helfer.submit(asyncio.run, coro).result()
