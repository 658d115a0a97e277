"""Pure analysis functions: plain data in, dataclasses out. No Flask, no ORM."""

from analysis.distribution import StepDistribution, step_distribution
from analysis.movement import (
    GENDERS,
    OUTCOMES,
    TOTAL,
    GroupMovement,
    MovementTable,
    StepObservation,
    movement_table,
)
from analysis.suppression import Cell, SuppressionMask, suppression_mask

__all__ = [
    "GENDERS",
    "OUTCOMES",
    "TOTAL",
    "Cell",
    "GroupMovement",
    "MovementTable",
    "StepDistribution",
    "StepObservation",
    "SuppressionMask",
    "movement_table",
    "step_distribution",
    "suppression_mask",
]
