"""What authentication refuses, in words safe to show a client."""

from __future__ import annotations


class InvalidToken(Exception):
    """The bearer token is not acceptable.

    `reason` is short and safe to show a client; it never carries key material, claim
    values or library internals, which go to the server log (if anywhere).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class JwksUnavailable(InvalidToken):
    """The signing keys could not be loaded.

    A subclass of InvalidToken so that callers who only care "is this request authenticated"
    get UNAUTHENTICATED, while the HTTP layer may catch it separately (e.g. to log or 503).
    """

    def __init__(self) -> None:
        super().__init__("signing keys unavailable")
