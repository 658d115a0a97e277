"""Errors as the API gives them: JSON with the status and a message a person can act on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Response, jsonify


def json_error(status: int, message: str,
               fields: Mapping[str, Sequence[str]] | None = None) -> Response:
    """``{"error": {"status": …, "message": …, "fields": {name: [message, …]}}}``."""
    error: dict[str, object] = {"status": status, "message": message}
    if fields:
        error["fields"] = {name: [str(m) for m in messages] for name, messages in fields.items()}
    response = jsonify(error=error)
    response.status_code = status
    return response
