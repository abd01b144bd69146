"""Shared test fixtures."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRESSLENS_SHARED", ROOT.parent / "shared")).resolve()
SEED = SHARED / "corpus" / "seed" / "iran-china-strategic-cooperation.txt"
WHITEHOUSE = SHARED / "corpus" / "whitehouse" / "wh_foreign_policy.jsonl"
SAMPLE = ROOT / "data" / "sample"


def need(path: Path) -> Path:
    """Skip the calling test, with the reason, when a file from ../shared is not there."""
    if not path.exists():
        pytest.skip(
            f"{path} is absent: the shared corpora live in ../shared (set PRESSLENS_SHARED)"
        )
    return path


@pytest.fixture(scope="session")
def nlp():
    from presslens.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return need(SEED)


@pytest.fixture(scope="session")
def seed_doc(nlp, seed_path):
    from presslens.ingest import read_articles

    return nlp(read_articles([seed_path]).articles.text[0])


@pytest.fixture(scope="session")
def finder():
    from presslens.extract.actors import ActorFinder

    return ActorFinder()
