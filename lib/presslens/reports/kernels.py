"""Execution: one long-lived kernel and one HTML exporter per worker process.

Each worker starts a kernel once and runs page after page on it with nbclient. Before a
page, a first cell (removed from the result) empties the namespace (in_kernel.new_page);
the page's parameters are injected the papermill way, as a cell tagged
`injected-parameters` after the `parameters` cell. A page that raises, runs past the
per-page time limit or kills its kernel yields its failure page; after a time-out or a dead
kernel the kernel is replaced and the worker goes on with the next page.
"""

from __future__ import annotations

import atexit
import os
import queue
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from presslens.reports.render import ASSETS, bare_failure_page, make_exporter, one_line, render_notebook

# Kernel start-up can fail transiently (slow machine); try this many times.
KERNEL_ATTEMPTS = 3
KERNEL_READY_SECONDS = 120
RESET_TAG = "presslens-new-page"
RESET_SOURCE = "from presslens.reports.in_kernel import new_page\nnew_page()"


def kernel_name() -> str:
    """The 'presslens' kernel when registered, else the default Python kernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    return "presslens" if "presslens" in KernelSpecManager().find_kernel_specs() else "python3"


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker of one build shares."""

    kernel: str
    root: str
    out: str
    notebooks_dir: str
    corpus: str
    timeout: float  # seconds a page may run; 0 for no limit
    self_contained: bool = False


class PageWorker:
    """A warm kernel and an exporter: executes and renders one page after another."""

    def __init__(self, config: WorkerConfig):
        self.config = config
        self.exporter = make_exporter()
        self.texts = None
        if config.self_contained:
            from presslens.reports.render import asset_texts

            self.texts = asset_texts()
        self.km = None
        self.kc = None
        self._sockets = tempfile.mkdtemp(prefix="presslens-kernel-")
        self._started = 0

    # -- kernel -----------------------------------------------------------------------------

    def _kernel_manager(self):
        """A kernel manager talking over Unix sockets in a private folder.

        With TCP, jupyter_client picks free ports and closes them before the kernel binds
        them, so kernels started at once by parallel workers can collide; IPC sockets in a
        folder of their own cannot. TCP (the default) off POSIX.
        """
        from jupyter_client import AsyncKernelManager

        self._started += 1
        if os.name != "posix":
            return AsyncKernelManager(kernel_name=self.config.kernel)
        return AsyncKernelManager(kernel_name=self.config.kernel, transport="ipc",
                                  ip=os.path.join(self._sockets, f"kernel-{self._started}"))

    def stop_kernel(self) -> None:
        """Shut the kernel down (at once: it may be stuck in a loop)."""
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # already gone: nothing left to stop
                pass
        self.km = self.kc = None

    def close(self) -> None:
        """Stop the kernel and remove its socket folder."""
        self.stop_kernel()
        shutil.rmtree(self._sockets, ignore_errors=True)

    # -- pages ------------------------------------------------------------------------------

    def build(self, task: dict) -> dict:
        """Execute and render one page; never raises. Returns status, error and seconds."""
        started = time.perf_counter()
        out = Path(self.config.out)
        executed_path = out / "notebooks" / (Path(task["filename"]).stem + ".ipynb")
        nb, error = None, ""
        for attempt in range(1, KERNEL_ATTEMPTS + 1):
            try:
                nb, error = self._execute(task)
                break
            except _KernelStartError as failure:
                self.stop_kernel()
                error = one_line(f"{failure} (attempt {attempt} of {KERNEL_ATTEMPTS})")
                if attempt < KERNEL_ATTEMPTS:
                    time.sleep(attempt)
            except Exception as failure:  # a bug or an unreadable notebook: this page fails
                self.stop_kernel()
                error = one_line(f"{type(failure).__name__}: {failure}")
                break
        try:
            if error and nb is not None:  # keep the executed notebook of a failed page to read
                import nbformat

                executed_path.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, str(executed_path))
            else:
                executed_path.unlink(missing_ok=True)
            import nbformat

            render_notebook(nb if nb is not None else nbformat.v4.new_notebook(), out / task["filename"],
                            exporter=self.exporter, title=task["title"],
                            parameters=task["parameters"], error=error, corpus=self.config.corpus,
                            assets="" if self.config.self_contained else ASSETS,
                            notebook_name=executed_path.name if error and nb is not None else "",
                            texts=self.texts)
        except Exception as failure:
            error = error or one_line(f"rendering: {type(failure).__name__}: {failure}")
            from presslens.reports.state import write_atomic

            write_atomic(out / task["filename"], bare_failure_page(
                task["title"], error, task["parameters"], self.config.corpus))
        return {"filename": task["filename"], "status": "failed" if error else "ok", "error": error,
                "seconds": round(time.perf_counter() - started, 2)}

    def _execute(self, task: dict):
        """(executed notebook, error) of one page on the warm kernel."""
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
        from papermill.parameterize import parameterize_notebook

        source = Path(self.config.notebooks_dir) / task["notebook"]
        nb = nbformat.read(str(source), as_version=4)
        for cell in nb.cells:  # papermill reads every cell's tags and its own metadata
            cell.metadata.setdefault("tags", [])
        nb.metadata.setdefault("papermill", {})
        nb = parameterize_notebook(nb, task["parameters"], kernel_name=self.config.kernel,
                                   language="python")
        reset = nbformat.v4.new_code_cell(RESET_SOURCE, metadata={"tags": [RESET_TAG]})
        nb.cells.insert(0, reset)
        limit = self.config.timeout or None
        deadline: list[float] = []
        running: list[int] = [0]

        def time_left(cell) -> float | None:
            if limit is None:
                return None
            if not deadline:  # the clock starts with the page, not with the kernel
                deadline.append(time.monotonic() + limit)
            return max(1.0, deadline[0] - time.monotonic())

        def on_cell_execute(cell, cell_index):
            running[0] = cell_index

        fresh = self.km is None
        if fresh:
            self.km = self._kernel_manager()
        client = NotebookClient(nb, km=self.km, kernel_name=self.config.kernel,
                                timeout_func=time_left, on_cell_execute=on_cell_execute,
                                resources={"metadata": {"path": self.config.root}},
                                startup_timeout=KERNEL_READY_SECONDS)
        client.kc = self.kc
        error = ""
        try:
            client.execute()
        except CellExecutionError as failure:
            cell = nb.cells[running[0]]
            if cell.metadata.get("tags") == [RESET_TAG]:
                raise _KernelStartError(f"new page: {failure.ename}: {failure.evalue}") from None
            error = one_line(f"{failure.ename}: {failure.evalue} (cell {cell.get('execution_count')})")
        except CellTimeoutError:
            cell = nb.cells[running[0]]
            error = (f"TimeoutError: the page ran past its time limit of {limit:g} s "
                     f"(presslens reports --page-timeout) in cell {cell.get('execution_count')}")
            cell.setdefault("outputs", []).append(nbformat.v4.new_output(
                "error", ename="TimeoutError", evalue=error, traceback=[error]))
            self.stop_kernel()
        except DeadKernelError:
            cell = nb.cells[running[0]]
            error = f"DeadKernelError: the kernel died in cell {cell.get('execution_count')}"
            self.stop_kernel()
        except Exception as failure:
            if fresh and client.kc is None or running[0] == 0:
                self.stop_kernel()
                raise _KernelStartError(f"{type(failure).__name__}: {failure}") from None
            error = one_line(f"{type(failure).__name__}: {failure}")
            self.stop_kernel()
        else:
            self.kc = client.kc
        if self.km is not None:
            self.kc = client.kc
        # nbclient registers each client for clean-up at exit, which would keep every
        # executed notebook of the build in memory; the kernel is ours to stop.
        atexit.unregister(client._cleanup_kernel)
        nb.cells = [c for c in nb.cells if c.metadata.get("tags") != [RESET_TAG]]
        return nb, error


class _KernelStartError(RuntimeError):
    """The kernel did not start or did not take the new page: try again with a fresh one."""


# ------------------------------------------------------------------------------ the pool


def _worker_main(config: WorkerConfig, tasks, results, parent: int, log: str) -> None:
    """A worker process: pages from `tasks` until None; ("start"|"done", ...) to `results`."""
    os.environ["PRESSLENS_ROOT"] = config.root  # notebooks resolve relative paths from here
    # Kernel chatter (ipykernel logs interrupts and shutdowns) goes to a log, not the terminal.
    with open(log, "ab") as stream:
        os.dup2(stream.fileno(), 2)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    worker = PageWorker(config)
    try:
        while True:
            try:
                task = tasks.get(timeout=1.0)
            except queue.Empty:
                if os.getppid() != parent:  # the build was killed: stop, write nothing more
                    return
                continue
            if task is None or os.getppid() != parent:
                return
            results.put(("start", os.getpid(), task["filename"]))
            results.put(("done", os.getpid(), worker.build(task)))
    finally:
        worker.close()


def run_pages(tasks: list[dict], config: WorkerConfig, *, workers: int) -> Iterator[dict]:
    """Build the pages in `workers` processes, each with a warm kernel; yield each result.

    A worker process that dies fails the page it was building; the others go on.
    """
    context = get_context("spawn")
    inbox, outbox = context.Queue(), context.Queue()
    for task in tasks:
        inbox.put(task)
    count = max(1, min(workers, len(tasks)))
    for _ in range(count):
        inbox.put(None)
    log_dir = Path(config.out) / "notebooks"
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = [context.Process(target=_worker_main, name=f"presslens-page-worker-{i}",
                                 args=(config, inbox, outbox, os.getpid(),
                                       str(log_dir / f"worker-{i + 1}.log")))
                 for i in range(count)]
    for process in processes:
        process.start()
    pending = {task["filename"] for task in tasks}
    building: dict[int, str] = {}
    try:
        while pending:
            try:
                kind, pid, payload = outbox.get(timeout=1.0)
            except queue.Empty:
                for process in processes:
                    if not process.is_alive() and process.pid in building:
                        filename = building.pop(process.pid)
                        pending.discard(filename)
                        yield {"filename": filename, "status": "failed", "seconds": 0.0,
                               "error": f"the worker process died (exit code {process.exitcode})"}
                if not any(p.is_alive() for p in processes):
                    for filename in sorted(pending):
                        yield {"filename": filename, "status": "failed", "seconds": 0.0,
                               "error": "not built: every worker process died"}
                    pending.clear()
                continue
            if kind == "start":
                building[pid] = payload
            else:
                building.pop(pid, None)
                pending.discard(payload["filename"])
                yield payload
    finally:
        for process in processes:
            if process.is_alive() and pending:
                process.terminate()
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
