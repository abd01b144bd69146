"""The errors a user can fix: each names the file (and line) and what to do."""

from __future__ import annotations


class UserError(Exception):
    """An error the user can fix; its message names the file (and line or entry) and what to do."""


def user_errors() -> tuple[type[BaseException], ...]:
    """Every error class the CLI reports as one line (imported late: the modules are heavy)."""
    from presslens.codebook import CodebookError
    from presslens.extract.resolve import ActorTableError
    from presslens.ingest import IngestError
    from presslens.nlp import ModelNotFound
    from presslens.store import StoreError

    return (UserError, ActorTableError, CodebookError, IngestError, ModelNotFound, StoreError,
            FileNotFoundError, KeyError)
