"""Form pieces shared by the blueprints."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, SelectField
from wtforms.validators import ValidationError


class _SaysWhatToChoose:
    """A choice field whose wrong-value message tells the user what to do.

    WTForms' own "Not a valid choice" names the fault, not the fix.
    """

    choices: Any
    coerce: Any
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

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            return
        if self.data not in {self.coerce(choice.value) for choice in self.choices}:
            raise ValidationError(str(self.invalid_message))


class ChoiceRadioField(_SaysWhatToChoose, RadioField):
    pass


class ChoiceSelectField(_SaysWhatToChoose, SelectField):
    pass
