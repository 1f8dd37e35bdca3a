"""One error hierarchy for every layer.

Services raise these; the CLI turns them into a one-line message and exit
code 2, the web layer into a status code. Each carries the HTTP status that
fits it so the mapping is written once.
"""


class CairnError(Exception):
    """Base of every error Cairn reports to a user."""

    status_code = 400
    title = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    @property
    def http_headers(self) -> dict[str, str]:
        """Headers an HTTP answer to this error carries (each web door adds them)."""
        return {}


class NotFound(CairnError):
    status_code = 404
    title = "not found"


class Unauthorized(CairnError):
    """No valid credentials; never says which part was wrong."""

    status_code = 401
    title = "unauthorized"


class Forbidden(CairnError):
    status_code = 403
    title = "forbidden"


class Conflict(CairnError):
    status_code = 409
    title = "conflict"


class StaleWrite(Conflict):
    """The incident changed between reading it and writing it (the version
    compare-and-swap matched no row); the whole use case may be run again."""

    def __init__(self, message: str = "this incident was changed by someone else while your change was being saved: reload it and try again") -> None:
        super().__init__(message)


class InvalidInput(CairnError):
    status_code = 422
    title = "invalid input"


class InvalidFilter(InvalidInput):
    """A read's filter is malformed (an unknown severity, a bad date): the
    request is wrong, not the data, hence 400 rather than 422."""

    status_code = 400
    title = "invalid filter"


class ImportFailed(InvalidInput):
    """A document or file could not be imported; names file and line."""

    title = "import failed"

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        where = ""
        if source and line:
            where = f"{source}:{line}: "
        elif source:
            where = f"{source}: "
        elif line:
            where = f"line {line}: "
        super().__init__(where + message)
        self.source = source
        self.line = line


class TooManyAttempts(CairnError):
    """Refused for now to slow down guessing; says when to try again."""

    status_code = 429
    title = "too many attempts"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = max(1, retry_after_seconds)

    @property
    def http_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class StorageUnavailable(CairnError):
    """The database cannot be reached or is not ready for this version."""

    status_code = 503
    title = "storage unavailable"
