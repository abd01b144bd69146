"""The Dask engine: the same batches as LocalEngine, as partitions of a dask.bag on a cluster.

Each worker builds its spaCy pipeline and extractors once (engine.extractors_for is cached per
process), writes the rows it extracts (sentences, quotes, interactions, theme hits) as Parquet
parts in a folder the client can read, and returns only the compact records: the people each
text names, its local actors and the part's path. The client keeps the caches, reads the parts,
resolves actors over the compact records and writes the store. With no scheduler address, a
LocalCluster of `workers` single-threaded processes runs on this machine.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

from presslens.engine import ExtractorSpec
from presslens.records import pickled, read_record_parts, write_record_parts


def batch_in_parts(function: Callable, spec: ExtractorSpec, folder: str, batch: list) -> tuple[str, list]:
    """Run function(spec, batch) on a worker, write the rows of its results as record parts
    in `folder`; returns the parts' prefix and the results without their rows."""
    results = function(spec, batch)
    if not results or not hasattr(results[0], "core"):
        return "", results          # parse results: names and parses, no rows
    records = []
    for result in results:
        rows = pickle.loads(result.core[1]) if result.core is not None else None
        themes = pickle.loads(result.themes) if result.themes is not None else None
        records.append((result[0], rows, themes))
    prefix = write_record_parts(folder, records)
    return prefix, [r._replace(core=(r.core[0], None) if r.core is not None else None, themes=None)
                    for r in results]


class DaskEngine:
    """Runs batches on a Dask cluster: `scheduler` (tcp://host:8786) or a new LocalCluster.

    Workers write record parts to `parts`, else to the folder the pipeline gives (beside the
    store), else to a temporary folder; with a remote cluster, that folder must be one the
    workers and the client share. `part_writers` lists the 'host:pid' of every part read.
    """

    def __init__(self, scheduler: str | None = None, *, workers: int = 2,
                 parts: str | Path | None = None):
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
        self.parts = Path(parts) if parts else None
        self.part_writers: set[str] = set()
        self._temporary: Path | None = None

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def map(self, function: Callable, spec: ExtractorSpec, batches: Iterable[list],
            total: int | None = None, *, work: Path | None = None) -> Iterator[list]:
        """Yield function(spec, batch) for each batch, in order (`total` is not needed here).

        Batches go to the cluster a window at a time (a bag of one partition per batch), so the
        client never holds the whole corpus's inputs; each batch's rows come back through
        the parts folder (`self.parts`, else `work`), not through the scheduler.
        """
        import dask.bag as db

        folder = self.parts or work or self._temporary_folder()
        folder.mkdir(parents=True, exist_ok=True)
        window = 4 * self.workers
        group: list[list] = []
        for batch in batches:
            group.append(batch)
            if len(group) >= window:
                yield from self._run(db, function, spec, str(folder), group)
                group = []
        if group:
            yield from self._run(db, function, spec, str(folder), group)

    def prepare(self, spec: ExtractorSpec) -> None:
        """Nothing to do here: each worker builds its own extractors."""

    def _run(self, db, function: Callable, spec: ExtractorSpec, folder: str,
             group: list[list]) -> list[list]:
        bag = db.from_sequence(group, npartitions=len(group)).map(
            partial(batch_in_parts, function, spec, folder))
        batches = []
        for prefix, results in bag.compute(scheduler=self.client):
            if not prefix:
                batches.append(results)
                continue
            records, writer = read_record_parts(prefix)
            self.part_writers.add(writer)
            restored = []
            for result in results:
                rows, themes = records[result[0]]
                restored.append(result._replace(
                    core=(result.core[0], pickled(rows)) if result.core is not None else None,
                    themes=pickled(themes) if themes is not None else None))
            batches.append(restored)
        return batches

    def _temporary_folder(self) -> Path:
        if self._temporary is None:
            self._temporary = Path(tempfile.mkdtemp(prefix="presslens-parts-"))
        return self._temporary

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
