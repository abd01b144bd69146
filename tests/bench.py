"""Speed and memory of extraction, as ratios against bare spaCy measured in the same run.

    python tests/bench.py [--limit 200] [--corpus PATH]

Baseline: `nlp.pipe` over the same texts in one process. Then `presslens extract` cold (empty
parse cache) with 1 and 2 workers, and warm (every text cached). Each extract runs in its own
process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRESSLENS_SHARED", ROOT.parent / "shared"))
DEFAULT_CORPUS = SHARED / "corpus" / "whitehouse" / "wh_foreign_policy.jsonl"

CHILD = """
import json, resource, sys, time
from presslens.config import Settings
from presslens.pipeline import extract_corpus
settings = Settings.from_env(cache_dir=sys.argv[3], workers=int(sys.argv[4]))
started = time.perf_counter()
summary = extract_corpus([sys.argv[1]], sys.argv[2], settings=settings)
print(json.dumps({"seconds": time.perf_counter() - started, "parsed": summary.n_parsed,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_extract(corpus: Path, store: Path, cache: Path, workers: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(store), str(cache),
                          str(workers)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=200, help="articles to use (0 = all)")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"benchmark corpus {args.corpus} is absent: pass --corpus or set PRESSLENS_SHARED")
        return 2

    from presslens.ingest import read_articles
    from presslens.nlp import load_pipeline

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        articles = read_articles([args.corpus]).articles
        if args.limit:
            articles = articles.head(args.limit)
        subset = tmp_path / "subset.jsonl"
        with subset.open("w") as handle:
            for row in articles.itertuples():
                handle.write(json.dumps({"id": row.article_id, "title": row.title,
                                         "text": row.text}) + "\n")
        words = int(articles["n_words"].sum())

        started = time.perf_counter()
        load_pipeline.cache_clear()
        nlp = load_pipeline()
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for _ in nlp.pipe(articles["text"], batch_size=32):
            pass
        bare = time.perf_counter() - started

        cold1 = run_extract(subset, tmp_path / "s1", tmp_path / "cache1", 1)
        cold2 = run_extract(subset, tmp_path / "s2", tmp_path / "cache2", 2)
        warm = run_extract(subset, tmp_path / "s3", tmp_path / "cache2", 2)

    print(f"corpus: {len(articles)} articles, {words:,} words ({args.corpus.name})")
    print(f"model load: {load_seconds:.2f} s")
    print(f"baseline bare nlp.pipe, 1 process: {words / bare:,.0f} words/s ({bare:.1f} s)")
    for label, result in [("extract cold, 1 worker", cold1), ("extract cold, 2 workers", cold2),
                          ("extract warm (cached parse)", warm)]:
        speed = words / result["seconds"]
        print(f"{label:30s} {speed:8,.0f} words/s  ratio to baseline {speed / (words / bare):5.2f}"
              f"  parsed {result['parsed']:4d}  peak RSS {result['max_rss_mb']:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
