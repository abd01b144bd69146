"""JupyterLab as a newcomer meets it: open 01-explore in a real JupyterLab, Run All Cells.

The server is the project venv's JupyterLab on 127.0.0.1 (a free port, no token) serving a
copy of the project laid out as `make reports` leaves it (tests/conftest.py, sample_project);
the browser is Debian's chromium driven by Playwright, never a downloaded one. The server is
stopped by its own process id whatever happens, and the test checks that neither it nor a
kernel it started outlives it. Settings, workspaces and runtime files go to a temporary
folder, so the test neither reads nor changes the user's JupyterLab state.
"""

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import psutil
import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is not installed ({CHROMIUM}): apt-get install chromium (.ci/run installs "
                "it); Playwright's own browsers are not used", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")

NOTEBOOK = "notebooks/01-explore.ipynb"
STARTUP = 120  # seconds for the server to answer; the machine may be busy
RUN_ALL = 600  # seconds for Run All Cells; a cold kernel imports pandas, DuckDB, matplotlib
STOP = 20  # seconds the server gets to shut its kernels down before it is killed
PR_SET_PDEATHSIG = 1  # prctl(2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(server: subprocess.Popen) -> list[int]:
    """Stop the server (its process group, by its pid): SIGTERM, then SIGKILL after STOP
    seconds. Returns the pids of its children (kernels) still alive afterwards."""
    try:
        children = psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(STOP)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    _, alive = psutil.wait_procs(children, timeout=STOP)
    for process in alive:  # a kernel in its own session that did not go with the server
        process.kill()
    return [p.pid for p in alive]


def _stop_with_parent() -> None:
    """In the server's process, before it starts: ask Linux to send it SIGTERM when the test
    process dies, so that a killed test run (where no `finally` runs) leaves no server behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def jupyter_lab(root: Path, state: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A JupyterLab server serving `root`; yields (base URL, server process). Stopped on exit."""
    port = _free_port()
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"), "IPYTHONDIR": str(state / "ipython")}
    env.pop("PRESSLENS_ROOT", None)  # the kernel finds the project from the notebook's folder
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               "--ServerApp.password=", f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False",
               *(["--allow-root"] if os.geteuid() == 0 else [])]  # CI containers run as root
    log_path = state / "jupyterlab.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True, preexec_fn=_stop_with_parent)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + STARTUP
            while not _answers(f"{url}/api/status"):
                assert server.poll() is None, f"jupyter lab exited: {log_path.read_text()[-2000:]}"
                assert time.monotonic() < deadline, f"no answer in {STARTUP} s: {log_path.read_text()[-2000:]}"
                time.sleep(0.5)
            yield url, server
        finally:
            left = _stop(server)
            assert left == [], f"kernels outlived the server: {left}"


# Run All has finished (or stopped at an error): the first cell ran, none is queued or running
# ('[*]:'), and the kernel is idle.
FINISHED = """() => {
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')]
    .map(p => p.textContent.trim());
  const indicator = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  return prompts.length > 0 && /^\\[\\d+\\]:$/.test(prompts[0]) && !prompts.includes('[*]:')
    && indicator !== null && indicator.getAttribute('data-status') === 'idle';
}"""
PROMPTS = "els => els.map(e => e.textContent.trim())"
STARTED = """() => {
  const first = document.querySelector('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt');
  return first !== null && first.textContent.trim() !== '[ ]:';
}"""
# itables 2.9.1 (init_notebook_mode, offline) displays its dark-theme helper before the library
# it imports from, so JupyterLab logs this once when the first long table is shown; the tables
# themselves render (the test checks them). Any other page error fails the test.
ITABLES_INIT_ORDER = "Cannot destructure property 'set_or_remove_dark_class'"


def test_lab_run_all_cells_of_the_exploration_notebook(sample_project, tmp_path):
    started = time.monotonic()
    root = tmp_path / "project"  # its own copy: saving the notebook changes no other test's files
    shutil.copytree(sample_project, root, symlinks=True)
    state = tmp_path / "jupyter"
    state.mkdir()
    with jupyter_lab(root, state) as (url, server):
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page_errors: list[str] = []
                page.on("pageerror", lambda e: page_errors.append(str(e)))
                page.goto(f"{url}/lab/tree/{NOTEBOOK}")
                page.locator(".jp-NotebookPanel .jp-CodeCell").first.wait_for(timeout=STARTUP * 1000)
                kernel = page.locator(".jp-NotebookPanel-toolbar .jp-KernelName")
                kernel.filter(has_text="PressLens").wait_for(timeout=STARTUP * 1000)
                page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
                    timeout=STARTUP * 1000)

                page.get_by_role("menuitem", name="Run", exact=True).click()
                page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
                clicked = time.monotonic()
                page.wait_for_function(STARTED, timeout=60_000)  # fail fast when no cell starts
                page.wait_for_function(FINISHED, timeout=RUN_ALL * 1000, polling=500)
                ran = time.monotonic()
                prompts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt").evaluate_all(PROMPTS)
                interactive_tables = page.locator(".jp-NotebookPanel table.dataTable").count()
                shown_errors = page.locator(".jp-NotebookPanel .jp-OutputArea-output[data-mime-type="
                                            "'application/vnd.jupyter.stderr']").all_inner_texts()
                kernel_name = kernel.inner_text().strip()
                page.screenshot(path=state / "lab-run-all.png")
                page.keyboard.press("Control+s")  # keep what the reader saw, to check it cell by cell
                page.locator(".jp-mod-current.jp-mod-dirty").wait_for(state="detached", timeout=30_000)
            finally:
                browser.close()
        assert server.poll() is None, "the server died while the notebook ran"
    assert server.poll() is not None, "the server is still running"

    assert kernel_name.startswith("PressLens"), kernel_name
    assert shown_errors == []
    assert prompts == [f"[{n}]:" for n in range(1, len(prompts) + 1)]  # every cell ran, in order
    assert [e for e in page_errors if not e.startswith(ITABLES_INIT_ORDER)] == []
    assert interactive_tables >= 1  # itables ran offline inside JupyterLab
    nb = nbformat.read(root / NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    outputs = [o for c in code for o in c.outputs]
    assert [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"] == []
    assert nb.metadata["kernelspec"]["display_name"] == kernel_name
    html = "\n".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "Actor profile: Ali Akbar Ahmadian" in html and 'class="pl-mention' in html
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3  # the inline pages' plots
    # The figures to report (pytest -s shows them): cells run, seconds for Run All, for the test.
    print(json.dumps({"code_cells_executed": len(code), "run_all_seconds": round(ran - clicked, 1),
                      "test_seconds": round(time.monotonic() - started, 1)}))
