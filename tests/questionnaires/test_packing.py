"""Answer values packed one response to a byte string, and read back many at once."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from questionnaires import load_file, packing

REFERENCE = load_file(Path(__file__).parent / "definitions" / "reference" / "v1.yaml").definition
ITEM_IDS = [item.id for item in REFERENCE.items]


def test_values_come_back_in_item_order_with_nan_where_there_is_none():
    first = {ITEM_IDS[0]: 3, ITEM_IDS[1]: 1, ITEM_IDS[2]: None}
    second = {ITEM_IDS[-1]: 5, "not_an_item": 9}
    matrix = packing.unpack(REFERENCE, [packing.pack(REFERENCE, first),
                                        packing.pack(REFERENCE, second)])
    assert matrix.shape == (2, len(ITEM_IDS))
    assert matrix[0, 0] == 3 and matrix[0, 1] == 1
    assert all(math.isnan(x) for x in matrix[0, 2:])
    assert matrix[1, -1] == 5
    assert all(math.isnan(x) for x in matrix[1, :-1])


def test_four_bytes_an_item_whatever_was_answered():
    assert len(packing.pack(REFERENCE, {})) == 4 * len(ITEM_IDS)


@pytest.mark.parametrize("value", [-packing.MAX_PACKED_VALUE, -1, 0, 7,
                                   packing.MAX_PACKED_VALUE])
def test_every_value_a_scale_may_have_is_kept_exactly(value):
    unpacked = packing.unpack(REFERENCE, [packing.pack(REFERENCE, {ITEM_IDS[0]: value})])
    assert unpacked[0, 0] == value


def test_no_responses_give_an_empty_matrix():
    assert packing.unpack(REFERENCE, []).shape == (0, len(ITEM_IDS))


def test_a_response_packed_for_another_layout_is_refused():
    with pytest.raises(ValueError, match="do not fit"):
        packing.unpack(REFERENCE, [packing.pack(REFERENCE, {}) + b"\0\0\0\0"])


def test_the_matrix_is_float_so_missing_values_are_nan():
    assert packing.unpack(REFERENCE, [packing.pack(REFERENCE, {})]).dtype == np.float64


def test_responses_read_with_their_ids_as_one_byte_string():
    # As the report's query gives them: each id as four big-endian bytes, then the values.
    records = b"".join(
        response_id.to_bytes(4, "big") + packing.pack(REFERENCE, {ITEM_IDS[0]: value})
        for response_id, value in ((7, 1), (70_000, 4), (2**32 - 1, None))
    )
    ids, values = packing.unpack_with_ids(REFERENCE, records, 3)
    assert ids.tolist() == [7, 70_000, 2**32 - 1]
    assert values[:2, 0].tolist() == [1.0, 4.0]
    assert math.isnan(values[2, 0])
    assert values.shape == (3, len(ITEM_IDS))


def test_records_of_another_length_than_counted_are_refused():
    record = (1).to_bytes(4, "big") + packing.pack(REFERENCE, {})
    with pytest.raises(ValueError, match="do not fit"):
        packing.unpack_with_ids(REFERENCE, record, 2)
    assert packing.unpack_with_ids(REFERENCE, b"", 0)[1].shape == (0, len(ITEM_IDS))
