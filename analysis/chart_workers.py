"""Several charts drawn at once, each in a worker process.

Drawing a chart is matplotlib's work in Python, which holds the GIL: threads would
draw one chart at a time. The report page shows five, drawn side by side in worker
processes on every core. A worker gets a chart as a ``Drawing`` (the function that
builds its figure, with plain data bound) and sends back the chart's bytes.

The workers stay for the life of the process. They are forked from a server process
that has imported matplotlib once, so a new worker neither imports it again nor
copies the web process's threads and the locks they may hold. As with any use of
``multiprocessing``, a script that draws charts this way must guard its main code
with ``if __name__ == "__main__":`` (console scripts and servers do).
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from analysis.charts import Drawing, render

__all__ = ["render_all", "render_drawing"]


def render_drawing(drawing: Drawing, fmt: str) -> bytes:
    """The chart's bytes, drawn in this process."""
    return render(drawing(), fmt)


def render_all(drawings: Mapping[str, Drawing], fmt: str, processes: int) -> dict[str, bytes]:
    """Every chart's bytes by name: the same bytes wherever they are drawn.

    With ``processes`` of 2 or more, in that many worker processes, taking the charts
    in the order given (so give the slowest first); otherwise in this process. Should
    a worker die (killed, out of memory), the charts are drawn here instead and new
    workers start on the next call.
    """
    if processes < 2 or len(drawings) < 2:
        return _render_here(drawings, fmt)
    pool = _pool(processes)
    futures = {name: pool.submit(render_drawing, drawing, fmt)
               for name, drawing in drawings.items()}
    try:
        return {name: future.result() for name, future in futures.items()}
    except BrokenProcessPool:
        _discard(pool)
        return _render_here(drawings, fmt)


def _render_here(drawings: Mapping[str, Drawing], fmt: str) -> dict[str, bytes]:
    return {name: render_drawing(drawing, fmt) for name, drawing in drawings.items()}


_lock = threading.Lock()
#: This process's workers, by their number; a forked child starts its own.
_pools: dict[int, ProcessPoolExecutor] = {}
_owner = os.getpid()


def _pool(processes: int) -> ProcessPoolExecutor:
    global _owner
    with _lock:
        if _owner != os.getpid():
            _pools.clear()
            _owner = os.getpid()
        if processes not in _pools:
            _pools[processes] = ProcessPoolExecutor(processes, mp_context=_context(),
                                                    initializer=_start_worker)
        return _pools[processes]


def _start_worker() -> None:
    # What a worker starts with (matplotlib, the main module) stays for its life:
    # frozen, the garbage collector no longer walks it after every few charts.
    gc.freeze()
    threading.Thread(target=_end_with_parent, name="end-with-parent", daemon=True).start()


def _end_with_parent() -> None:
    # A web server stopped by a signal shuts no pool down: its workers would wait for
    # charts for ever, and keep the server that forked them alive.
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def _discard(pool: ProcessPoolExecutor) -> None:
    with _lock:
        for processes, known in list(_pools.items()):
            if known is pool:
                del _pools[processes]
    pool.shutdown(wait=False, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # This module (with matplotlib) is imported once, in the server that forks the
    # workers. So is the main module, which multiprocessing has every worker import,
    # from Python 3.13.8 on; before, each worker imports it itself (CPython gh-137996).
    context.set_forkserver_preload(["__main__", __name__])
    return context
