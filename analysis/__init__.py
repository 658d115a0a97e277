"""Pure analysis functions: plain data in, dataclasses out. No Flask, no ORM."""

from analysis.movement import (
    GENDERS,
    OUTCOMES,
    TOTAL,
    GroupMovement,
    MovementTable,
    StepDistribution,
    StepObservation,
    movement_table,
    step_distribution,
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
