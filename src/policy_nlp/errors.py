"""Errors that carry a one-line, user-facing reason."""


class PolicyNLPError(Exception):
    """Base class: str(error) is a complete one-line message."""


class InputError(PolicyNLPError):
    """A file could not be ingested; the batch goes on without it."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):
        # Sent back from ingest's worker processes: the default pickling would call
        # InputError(message) and fail, which breaks the whole worker pool.
        return (type(self), (self.path, self.reason))


class StoreError(PolicyNLPError):
    """The database cannot be used (wrong schema version, not a policy_nlp store, locked)."""


class NotFoundError(PolicyNLPError):
    """A document or other object named by the user is not in the store."""
