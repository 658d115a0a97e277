"""File uploads: the few views that take a file get a larger request limit.

Every other request stays under ``MAX_CONTENT_LENGTH``. The limit must be raised
before CSRF protection reads the form, so ``init_app`` runs before it is bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, request

View = TypeVar("View", bound=Callable[..., object])


def accepts_upload(limit: int) -> Callable[[View], View]:
    """Let this view receive a request body of up to ``limit`` bytes."""
    def mark(view: View) -> View:
        view.upload_limit = limit  # type: ignore[attr-defined]
        return view
    return mark


def init_app(app: Flask) -> None:
    @app.before_request
    def raise_upload_limit() -> None:
        view = app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "upload_limit", None)
        if limit is not None:
            request.max_content_length = limit
