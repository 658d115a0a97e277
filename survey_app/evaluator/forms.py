from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from survey_app.models import Organisation


class ScopeForm(FlaskForm):
    """The part of the evaluator's organisation tree a report covers (a GET filter)."""

    class Meta:
        csrf = False  # a read-only filter in the query string

    organisation = SelectField(_l("Organisation"), coerce=int)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(str(o.id), o.path) for o in organisations]
