"""The Dask engine: the same batches as LocalEngine, as partitions of a dask.bag on a cluster.

Each worker builds its spaCy pipeline and extractors once (engine.extractors_for is cached per
process) and returns compact records; the client keeps the caches, resolves actors and writes
the store. With no scheduler address, a LocalCluster of `workers` single-threaded processes
runs on this machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial

from presslens.engine import ExtractorSpec


class DaskEngine:
    """Runs batches on a Dask cluster: `scheduler` (tcp://host:8786) or a new LocalCluster."""

    def __init__(self, scheduler: str | None = None, *, workers: int = 2):
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            # Threads would share one GIL; a process per worker parses in parallel.
            self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                                        processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def map(self, function: Callable, spec: ExtractorSpec, batches: Iterable[list],
            total: int | None = None) -> Iterator[list]:
        """Yield function(spec, batch) for each batch, in order (`total` is not needed here).

        Batches go to the cluster a window at a time (a bag of one partition per batch), so the
        client never holds the whole corpus's inputs.
        """
        import dask.bag as db

        window = 4 * self.workers
        group: list[list] = []
        for batch in batches:
            group.append(batch)
            if len(group) >= window:
                yield from self._run(db, function, spec, group)
                group = []
        if group:
            yield from self._run(db, function, spec, group)

    def _run(self, db, function: Callable, spec: ExtractorSpec, group: list[list]) -> list[list]:
        bag = db.from_sequence(group, npartitions=len(group)).map(partial(function, spec))
        return bag.compute(scheduler=self.client)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
