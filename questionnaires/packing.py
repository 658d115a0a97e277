"""A submitted response's answer values, packed into one short byte string.

A report reads two responses per participant. Read as one row per answer, that is
some 3 million rows for 100 000 participants; read as one packed row per response,
200 000. The layout is fixed by the questionnaire version: its items in their own
order, each a little-endian float32 holding the answer's value, or NaN where there
is none (not asked, "don't know", "don't want to answer", skipped, free text).
A version's items never change once answers exist, so a response's (slug,
version) says how to read it. float32 holds every scale value exactly: the schema
keeps them within ``MAX_PACKED_VALUE``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from questionnaires.schema import MAX_PACKED_VALUE, Questionnaire

__all__ = ["MAX_PACKED_VALUE", "pack", "unpack", "unpack_with_ids"]

PACKED = np.dtype("<f4")
#: A response's id where packed values are read with it: as PostgreSQL's int4send
#: and an eight-digit hex print give it.
RESPONSE_ID = np.dtype(">u4")


def pack(questionnaire: Questionnaire, values: Mapping[str, int | None]) -> bytes:
    """The values by item id, in the questionnaire's item order; NaN for items absent
    from ``values`` or given as None."""
    packed = np.array(
        [np.nan if values.get(item.id) is None else values[item.id]
         for item in questionnaire.items],
        dtype=PACKED,
    )
    return packed.tobytes()


def unpack(questionnaire: Questionnaire, packed: Sequence[bytes]) -> np.ndarray:
    """Packed responses of one questionnaire version as a float matrix: one row per
    response, one column per item in the questionnaire's order, NaN where no value."""
    width = len(questionnaire.items)
    if any(len(row) != width * PACKED.itemsize for row in packed):
        raise ValueError(f"packed answers do not fit {questionnaire.slug} "
                         f"version {questionnaire.version}")
    flat = np.frombuffer(b"".join(packed), dtype=PACKED)
    return flat.reshape(len(packed), width).astype(float)


def unpack_with_ids(
    questionnaire: Questionnaire, records: bytes, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` responses of one questionnaire version read as one byte string, each
    its id (``RESPONSE_ID``) then its packed values: their ids, and their values as
    ``unpack`` gives them. Many responses read this way cost no object each."""
    record = np.dtype([("id", RESPONSE_ID), ("values", PACKED, (len(questionnaire.items),))])
    if len(records) != count * record.itemsize:
        raise ValueError(f"packed answers do not fit {questionnaire.slug} "
                         f"version {questionnaire.version}")
    found = np.frombuffer(records, dtype=record)
    return found["id"].astype(np.int64), found["values"].astype(float)
