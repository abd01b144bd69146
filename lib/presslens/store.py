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
from typing import TYPE_CHECKING

import duckdb

from presslens.errors import UserError

if TYPE_CHECKING:  # pandas and pyarrow load where tables are read or written, not to open a store
    import pandas as pd

DATABASE = "presslens.duckdb"
META = "meta.json"


class StoreError(UserError, FileNotFoundError):
    """A store folder that is missing or incomplete; the message says how to build it."""


def old_folder(target: Path) -> Path:
    """Where write_store keeps the previous store while it swaps the new one in."""
    return target.with_name(f".{target.name}-old")


def recover_store(path: str | Path) -> bool:
    """Put back the previous store when a run was killed between write_store's two renames.

    Returns True when a store was recovered. Staging folders of killed runs are left for the
    next write_store to remove.
    """
    target = Path(path)
    old = old_folder(target)
    if not target.exists() and (old / DATABASE).exists() and (old / META).exists():
        old.rename(target)
        return True
    return False


class StoreWriter:
    """Writes a store table by table, in parts, and swaps it in when finished.

    Each `append` writes one Parquet part, so a table never has to be in memory whole; `finish`
    joins the parts of each table into `<table>.parquet` (row group by row group), loads DuckDB
    and replaces the old store with two renames. A run killed at any point leaves the old store
    (or, between the renames, its kept copy that `recover_store` puts back).
    """

    def __init__(self, path: str | Path):
        self.target = Path(path)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        recover_store(self.target)
        for stale in self.target.parent.glob(f".{self.target.name}-*"):
            if stale != old_folder(self.target) and stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-", dir=self.target.parent))
        self.parts: dict[str, list[Path]] = {}

    def append(self, name: str, frame: pd.DataFrame) -> None:
        """Add rows to table `name` (the first call fixes the table's place in the store)."""
        parts = self.parts.setdefault(name, [])
        part = self.staging / ".parts" / f"{name}-{len(parts):05d}.parquet"
        part.parent.mkdir(exist_ok=True)
        frame.to_parquet(part, index=False)
        parts.append(part)

    def finish(self, meta: dict) -> Path:
        """Join the parts, build the DuckDB database and swap the store in."""
        try:
            con = duckdb.connect(str(self.staging / DATABASE))
            for name, parts in self.parts.items():
                table_file = self.staging / f"{name}.parquet"
                _join_parts(parts, table_file)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [str(table_file)])
            con.close()
            shutil.rmtree(self.staging / ".parts", ignore_errors=True)
            (self.staging / META).write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
            if self.target.exists():
                old = old_folder(self.target)
                shutil.rmtree(old, ignore_errors=True)
                self.target.rename(old)
                self.staging.rename(self.target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                self.staging.rename(self.target)
        except BaseException:
            self.abort()
            raise
        return self.target

    def abort(self) -> None:
        """Remove the staging folder; the old store stays."""
        shutil.rmtree(self.staging, ignore_errors=True)


def _join_parts(parts: list[Path], out: Path) -> None:
    if len(parts) == 1:
        parts[0].rename(out)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    # A part whose column is all missing has a null type there: the joined schema widens it.
    schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="permissive")
    with pq.ParquetWriter(out, schema) as writer:
        for part in parts:
            writer.write_table(pq.read_table(part).cast(schema))


def write_store(path: str | Path, tables: Mapping[str, pd.DataFrame], meta: dict) -> Path:
    """Write every table as Parquet and into DuckDB, replacing the store atomically."""
    writer = StoreWriter(path)
    try:
        for name, frame in tables.items():
            writer.append(name, frame)
    except BaseException:
        writer.abort()
        raise
    return writer.finish(meta)


@dataclass
class Store:
    """Read access to a store: DuckDB SQL and pandas tables."""

    path: Path
    con: duckdb.DuckDBPyConnection
    meta: dict

    def table(self, name: str) -> pd.DataFrame:
        """A whole table as a DataFrame."""
        import pandas as pd

        return pd.read_parquet(self.path / f"{name}.parquet")

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Run a DuckDB query over the store's tables."""
        return self.con.execute(query, params or []).df()

    @property
    def tables(self) -> list[str]:
        return sorted(p.stem for p in self.path.glob("*.parquet"))

    def find_actor(self, name: str) -> pd.Series:
        """The actor whose id, canonical name or alias is `name` (case-insensitive)."""
        # One actor row by SQL, not the whole table: report pages call this once each.
        wanted = {"name": name.strip().lower()}
        for match in ("actor_id = $name OR lower(name) = $name",
                      "list_contains(list_transform(aliases, lambda a: lower(a)), $name)"):
            hit = self.con.execute(f"SELECT * FROM actors WHERE {match} ORDER BY rowid LIMIT 1", wanted).df()
            if not hit.empty:
                return hit.iloc[0]
        close = self.con.execute("SELECT name FROM actors WHERE contains(lower(name), $name) "
                                 "ORDER BY rowid LIMIT 3", wanted).df()["name"]
        hint = f"; did you mean {', '.join(close)}?" if len(close) else ""
        raise KeyError(f"no actor named '{name}' in {self.path}{hint}")

    def close(self) -> None:
        self.con.close()


def open_store(path: str | Path) -> Store:
    """Open a store read-only; raises StoreError naming the folder when it is not a store."""
    folder = Path(path)
    recover_store(folder)
    if not (folder / DATABASE).exists():
        raise StoreError(f"{folder} is not a PressLens store (no {DATABASE}): build it with "
                         f"'presslens extract PATH --out {folder}' or 'make extract'")
    meta = json.loads((folder / META).read_text(encoding="utf-8")) if (folder / META).exists() else {}
    # Attached to a private in-memory database rather than connected by path: DuckDB shares one
    # instance per path in a process, so a store rebuilt in place would still show its old rows
    # to a second open_store while a first connection lives (a kernel, a notebook).
    con = duckdb.connect()
    con.execute("ATTACH ? AS store (READ_ONLY)", [str(folder / DATABASE)])
    con.execute("USE store")
    return Store(folder, con, meta)
