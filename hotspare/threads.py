"""The one helper for blocking work under asyncio: worker threads, serial or shared."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


async def run_blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a short blocking call in the loop's shared thread pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(fn, *args, **kwargs))


class SerialWorker:
    """One dedicated thread; calls run one at a time, in order (sqlite connections, one BMC)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run synchronously on the worker thread (for start-up and shutdown paths)."""
        return self._pool.submit(fn, *args, **kwargs).result()

    def call_later(self, fn: Callable[[], object]) -> None:
        """Queue work on the thread without waiting for it (closing a session, say)."""
        with contextlib.suppress(RuntimeError):  # already shut down: nothing to do
            self._pool.submit(fn)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
