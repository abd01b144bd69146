"""Run inside a report kernel before each page: a clean namespace, the store opened once.

The report runner keeps one kernel per worker for the whole build. Before each page it runs
`new_page()`: the user namespace is emptied (no page sees another page's variables), while
imported modules stay loaded (that is the point of a warm kernel). Stores are opened once per
kernel: `presslens.store.open_store` is wrapped, in this kernel only, to hand back the Store
already open for a folder.
"""

from __future__ import annotations

from pathlib import Path


def new_page() -> None:
    """Empty the user namespace and its history; keep modules and open stores."""
    from IPython import get_ipython

    shell = get_ipython()
    # What IPython's reset() does, but its full garbage collection (a third of a second
    # with pandas and matplotlib loaded): every name the page made, its inputs and outputs.
    hidden = shell.user_ns_hidden
    for name in [n for n in shell.user_ns if n not in hidden and not _dunder(n)]:
        del shell.user_ns[name]
    for name in ("_", "__", "___"):
        shell.user_ns[name] = ""
    # A new history session: cell numbers restart at 1 below, and IPython refuses to log a
    # (session, line) pair twice ("Session/line number was not unique"), printing it on the page.
    shell.history_manager.reset(new_session=True)
    shell.execution_count = 0  # the page's first cell is then cell 1, as when run alone
    _share_stores()
    import matplotlib.pyplot as plt

    plt.close("all")


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")  # __builtins__, __name__: the module's own


def _share_stores() -> None:
    import presslens.store as store

    if getattr(store.open_store, "shared_per_kernel", False):
        return
    opened: dict[str, store.Store] = {}
    open_one = store.open_store

    def open_store(path: str | Path) -> store.Store:
        key = str(Path(path).resolve())
        if key not in opened:
            opened[key] = open_one(path)
        return opened[key]

    open_store.__doc__ = open_one.__doc__
    open_store.shared_per_kernel = True  # type: ignore[attr-defined]
    store.open_store = open_store
