"""How URLs read their parts."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

#: The largest value the database's INTEGER columns hold (PostgreSQL's int4).
LARGEST_ID = 2**31 - 1


class DatabaseIntegerConverter(IntegerConverter):
    """``<int:...>`` only up to the largest INTEGER the database holds.

    A larger number names no row, so the URL matches nothing: a 404. Passed on,
    PostgreSQL refused it as out of range and the page answered 500.
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)
