"""The errors a user can fix: each names the file (and line or entry) and what to do.

Imports nothing but the standard library, so that the CLI can catch UserError without loading
spaCy or pandas. Each module's own error class (CodebookError, TriggerFileError, ActorTableError,
IngestError, ModelNotFound, StoreError, GoldError) subclasses UserError.
"""

from __future__ import annotations


class UserError(Exception):
    """An error the user can fix; its message names the file (and line or entry) and what to do."""


class MissingFile(UserError, FileNotFoundError):
    """A file the user named (gold file, codebook, table) does not exist."""
