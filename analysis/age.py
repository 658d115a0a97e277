"""Age bands for breakdowns and exports: exact ages are never reported."""

from __future__ import annotations

import numpy as np

#: (label, lowest age, highest age or None). Participants under 15 are rare and
#: counted in the first band rather than shown on their own.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("15-24", 15, 24),
    ("25-54", 25, 54),
    ("55-64", 55, 64),
    ("65+", 65, None),
)
AGE_BAND_LABELS = tuple(label for label, _, _ in AGE_BANDS)


#: The highest age of every band but the last, which is open-ended.
_HIGHEST_AGES = np.array([high for _, _, high in AGE_BANDS[:-1]])


def age_bands(ages: np.ndarray) -> np.ndarray:
    """The band of each age: the first whose highest age it does not exceed."""
    return np.array(AGE_BAND_LABELS)[np.searchsorted(_HIGHEST_AGES, ages, side="left")]


def age_band(age: int) -> str:
    return str(age_bands(np.array([age]))[0])


def age_range(label: str) -> tuple[int | None, int | None]:
    """The ages a band covers, None meaning unbounded (the first band has no floor)."""
    for index, (band, low, high) in enumerate(AGE_BANDS):
        if band == label:
            return (None if index == 0 else low), high
    raise ValueError(f"unknown age band {label!r}")
