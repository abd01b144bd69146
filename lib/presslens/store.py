"""The store: one Parquet file per table plus a DuckDB database with the same tables.

Layout of STORE/: `<table>.parquet` for each table, `presslens.duckdb`, and `meta.json`
(corpus name, build time, model, counts). docs/store.md documents every column.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from presslens.errors import UserError

DATABASE = "presslens.duckdb"
META = "meta.json"


class StoreError(UserError, FileNotFoundError):
    """A store folder that is missing or incomplete; the message says how to build it."""


def write_store(path: str | Path, tables: Mapping[str, pd.DataFrame], meta: dict) -> Path:
    """Write every table as Parquet and into DuckDB, replacing the store atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        con = duckdb.connect(str(staging / DATABASE))
        for name, frame in tables.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)',
                        [str(staging / f"{name}.parquet")])
        con.close()
        (staging / META).write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
        if target.exists():
            old = target.with_name(f".{target.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


@dataclass
class Store:
    """Read access to a store: DuckDB SQL and pandas tables."""

    path: Path
    con: duckdb.DuckDBPyConnection
    meta: dict

    def table(self, name: str) -> pd.DataFrame:
        """A whole table as a DataFrame."""
        return pd.read_parquet(self.path / f"{name}.parquet")

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Run a DuckDB query over the store's tables."""
        return self.con.execute(query, params or []).df()

    @property
    def tables(self) -> list[str]:
        return sorted(p.stem for p in self.path.glob("*.parquet"))

    def find_actor(self, name: str) -> pd.Series:
        """The actor whose id, canonical name or alias is `name` (case-insensitive)."""
        actors = self.table("actors")
        wanted = name.strip().lower()
        hit = actors[(actors["actor_id"] == wanted) | (actors["name"].str.lower() == wanted)]
        if hit.empty:
            hit = actors[actors["aliases"].map(lambda a: wanted in {x.lower() for x in a})]
        if hit.empty:
            close = actors[actors["name"].str.lower().str.contains(wanted, regex=False)]
            hint = f"; did you mean {', '.join(close['name'].head(3))}?" if len(close) else ""
            raise KeyError(f"no actor named '{name}' in {self.path}{hint}")
        return hit.iloc[0]

    def close(self) -> None:
        self.con.close()


def open_store(path: str | Path) -> Store:
    """Open a store read-only; raises StoreError naming the folder when it is not a store."""
    folder = Path(path)
    if not (folder / DATABASE).exists():
        raise StoreError(f"{folder} is not a PressLens store (no {DATABASE}): build it with "
                         f"'presslens extract PATH --out {folder}' or 'make extract'")
    meta = json.loads((folder / META).read_text(encoding="utf-8")) if (folder / META).exists() else {}
    con = duckdb.connect(str(folder / DATABASE), read_only=True)
    return Store(folder, con, meta)
