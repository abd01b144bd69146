"""One settings object for the whole pipeline: paths, model, codebooks, workers, report limits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from presslens.errors import UserError

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root(start: Path | None = None) -> Path:
    """The PressLens project folder: $PRESSLENS_ROOT, else the nearest parent holding notebooks/.

    Notebooks call this so that relative paths mean the same from JupyterLab, papermill and make.
    """
    if env := os.environ.get("PRESSLENS_ROOT"):
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "lib" / "presslens").is_dir():
            return folder
    checkout = PACKAGE_DIR.parents[1]
    if (checkout / "notebooks").is_dir():
        return checkout
    return here


@dataclass(frozen=True)
class Settings:
    """Everything a run can vary. Build with `Settings.from_env()` and override with `replace`."""

    root: Path = field(default_factory=project_root)
    model: str | None = None
    codebook: Path = PACKAGE_DIR / "codebooks" / "themes.yml"
    triggers: Path = PACKAGE_DIR / "codebooks" / "triggers.yml"
    quote_cues: Path = PACKAGE_DIR / "codebooks" / "quote_cues.yml"
    actors_file: Path | None = None
    cache_dir: Path | None = None
    workers: int = max(1, min(2, os.cpu_count() or 1))
    batch_size: int = 32
    # Longer texts are parsed in parts (nlp.pipe_texts); this only stops runaway inputs.
    max_chars: int = 50_000_000
    # The report site: a profile for every actor with min_mentions mentions, every theme,
    # every article; the caps (None: no cap) keep only the most mentioned / newest.
    min_mentions: int = 10
    top_actors: int | None = None
    top_themes: int | None = None
    max_briefs: int | None = None
    page_timeout: float = 600.0  # seconds one report page may run before it is stopped

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from PRESSLENS_* environment variables, then keyword overrides."""
        settings = cls()
        env = os.environ
        if model := env.get("PRESSLENS_MODEL"):
            settings = replace(settings, model=model)
        if codebook := env.get("PRESSLENS_CODEBOOK"):
            settings = replace(settings, codebook=Path(codebook))
        if triggers := env.get("PRESSLENS_TRIGGERS"):
            settings = replace(settings, triggers=Path(triggers))
        if quote_cues := env.get("PRESSLENS_QUOTE_CUES"):
            settings = replace(settings, quote_cues=Path(quote_cues))
        if actors := env.get("PRESSLENS_ACTORS"):
            settings = replace(settings, actors_file=Path(actors))
        if workers := env.get("PRESSLENS_WORKERS"):
            if not workers.strip().isdigit() or int(workers) < 1:
                raise UserError(f"PRESSLENS_WORKERS={workers!r}: give a whole number of processes, 1 or more")
            settings = replace(settings, workers=int(workers))
        if cache := env.get("PRESSLENS_CACHE"):
            settings = replace(settings, cache_dir=Path(cache))
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean)

    @property
    def actors_table(self) -> Path | None:
        """The analyst's actor overrides: the given file, else data/actors.yml when it exists."""
        if self.actors_file is not None:
            return Path(self.actors_file)
        default = self.root / "data" / "actors.yml"
        return default if default.exists() else None

    @property
    def parse_cache(self) -> Path:
        """Where parsed documents are kept between runs (shared by all stores)."""
        return Path(self.cache_dir) if self.cache_dir else self.root / "data" / "processed" / "cache"
