"""The errors a user can fix: each names the file (and line) and what to do."""

from __future__ import annotations

from presslens.codebook import CodebookError
from presslens.extract.resolve import ActorTableError
from presslens.ingest import IngestError
from presslens.nlp import ModelNotFound
from presslens.store import StoreError

USER_ERRORS: tuple[type[BaseException], ...] = (
    ActorTableError, CodebookError, IngestError, ModelNotFound, StoreError, FileNotFoundError,
    KeyError,
)
