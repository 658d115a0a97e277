"""Form pieces shared by the blueprints."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, MonthField, RadioField, SelectField, StringField
from wtforms.validators import ValidationError

from survey_app.services.text import has_invisible_controls

INVISIBLE_CHARACTER = _l("The text has an invisible character that cannot be saved. Type it "
                         "in instead of pasting it.")

EARLIEST_YEAR, LATEST_YEAR = 1900, 2199


def _refuse_invisible_controls(data: Any) -> Any:
    if not isinstance(data, str) or not has_invisible_controls(data):
        return data
    if not data.strip():
        # Only controls Python counts as spaces (\x1c-\x1f, \x85): nothing was entered.
        # Optional() would clear the error below and keep the controls as the data.
        return ""
    # A filter's ValueError becomes the field's error, so the form does not validate.
    raise ValueError(str(INVISIBLE_CHARACTER))


class AppForm(FlaskForm):
    """The base of every form here: text fields take no control characters but
    line breaks and tabs.

    Without this, a NUL sent in any text field, the login's included, reached
    PostgreSQL, which refuses it, and the user got a server error.
    """

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            field = unbound_field.bind(form=form, **options)
            if isinstance(field, StringField):
                field.filters = (*field.filters, _refuse_invisible_controls)
            return field


class _SaysWhatToEnter:
    """A field whose message for unreadable input tells the user what to do.

    WTForms' own messages ("Not a valid choice", "Not a valid date value") name
    the fault, not the fix.
    """

    data: Any

    def __init__(self, *args: Any, invalid_message: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError:
            self.data = None
            raise ValueError(str(self.invalid_message)) from None


class _SaysWhatToChoose(_SaysWhatToEnter):
    """Also for a value that reads fine but is not one of the choices."""

    choices: Any
    coerce: Any

    def process_formdata(self, valuelist: list[Any]) -> None:
        # No choice has spaces around it, and a blank one is no choice: Optional()
        # lets " " through, and as data it would pass for a value.
        super().process_formdata([value.strip() if isinstance(value, str) else value
                                  for value in valuelist])

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            return
        if self.data not in {self.coerce(choice.value) for choice in self.choices}:
            raise ValidationError(str(self.invalid_message))


class ChoiceRadioField(_SaysWhatToChoose, RadioField):
    pass


class ChoiceSelectField(_SaysWhatToChoose, SelectField):
    pass


class _InTheServicesYears(_SaysWhatToEnter):
    """A date or month between 1900 and 2199.

    Nothing in the service happens outside those years, and a year such as 1 or
    9999 overflows the date arithmetic and the database's timestamps.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not EARLIEST_YEAR <= self.data.year <= LATEST_YEAR:
            self.data = None
            raise ValueError(str(_l("Enter a year between %(earliest)d and %(latest)d.",
                                    earliest=EARLIEST_YEAR, latest=LATEST_YEAR)))


class ClearDateField(_InTheServicesYears, DateField):
    pass


class ClearMonthField(_InTheServicesYears, MonthField):
    pass


class ActionForm(AppForm):
    """Only the CSRF token: for a button that is the whole request."""
