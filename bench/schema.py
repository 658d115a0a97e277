"""The schema of a benchmark's throw-away database (run the scripts from this folder's
parent: this folder is on the path)."""

from __future__ import annotations

import logging

import flask_migrate


def upgrade_quietly() -> None:
    """Migrate the app's database to the newest revision.

    ``migrations/env.py`` sends Alembic's INFO lines to the terminal, one per revision,
    which would break the table a benchmark prints; warnings still get through.
    """
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        flask_migrate.upgrade()
    finally:
        logging.disable(previous)
