"""Domain operations. They flush but never commit, and never read the request."""


class ServiceError(ValueError):
    """A rule refused an operation; ``message`` is fit to show the user."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
