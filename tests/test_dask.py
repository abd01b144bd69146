"""The Dask engine: the same extraction on a LocalCluster gives the local engine's tables."""

import pandas as pd
import pytest

from conftest import SAMPLE
from presslens.config import Settings
from presslens.dask_engine import DaskEngine
from presslens.pipeline import extract_corpus
from presslens.records import part_writer

TABLES = ("articles", "actors", "mentions", "actor_roles", "sentences", "themes", "article_themes",
          "quotes", "interactions")


@pytest.mark.slow
def test_dask_engine_on_a_two_worker_local_cluster_equals_the_local_engine(tmp_path):
    local = extract_corpus([SAMPLE], tmp_path / "local", name="sample",
                           settings=Settings.from_env(cache_dir=tmp_path / "cache-local", workers=2))
    with DaskEngine(workers=2) as engine:
        assert len(engine.client.scheduler_info()["workers"]) == 2
        distributed = extract_corpus([SAMPLE], tmp_path / "dask", name="sample", engine=engine,
                                     settings=Settings.from_env(cache_dir=tmp_path / "cache-dask",
                                                                workers=2))
        writers = engine.part_writers
    # The rows came back as Parquet parts written by the worker processes, not by this one,
    # in a work folder beside the store that the run removes.
    assert writers and part_writer() not in writers
    assert all(w.split(":")[0] == part_writer().split(":")[0] for w in writers)
    assert not (tmp_path / ".dask-parts").exists()
    # Both engines parsed and extracted every article themselves (cold caches).
    assert distributed.n_parsed == local.n_parsed == local.n_articles
    assert distributed.n_extracted == local.n_extracted == local.n_articles
    for table in TABLES:
        expected = pd.read_parquet(tmp_path / "local" / f"{table}.parquet").astype(str)
        found = pd.read_parquet(tmp_path / "dask" / f"{table}.parquet").astype(str)
        assert found.equals(expected), table
