"""Rules every form shares."""

from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField
from wtforms.validators import Optional

import survey_app
from survey_app.forms import INVISIBLE_CHARACTER, AppForm


def all_subclasses(cls: type) -> set[type]:
    direct = set(cls.__subclasses__())
    return direct.union(*(all_subclasses(sub) for sub in direct))


def test_every_form_derives_from_the_base_that_refuses_invisible_characters():
    for module in pkgutil.walk_packages(survey_app.__path__, "survey_app."):
        importlib.import_module(module.name)
    ours = {form for form in all_subclasses(FlaskForm) if form.__module__.startswith("survey_app")}
    assert len(ours) > 20
    assert {form.__qualname__ for form in ours if not issubclass(form, AppForm)} == set()


class NoteForm(AppForm):
    class Meta:
        csrf = False

    note = TextAreaField(validators=[Optional()])


def filled(note: str) -> NoteForm:
    form = NoteForm(formdata=MultiDict({"note": note}))
    form.validate()
    return form


def test_text_fields_refuse_control_characters_but_keep_line_breaks_and_tabs(app):
    with app.test_request_context():
        for note in ("a\x00b", "\x00", "Bra\x1b[31m", " \x7f "):
            assert filled(note).errors == {"note": [str(INVISIBLE_CHARACTER)]}, note
        assert filled("Två\r\nrader\tmed tabb").data["note"] == "Två\r\nrader\tmed tabb"
        # Blank but for controls Python strips as spaces: nothing entered, nothing kept.
        for note in ("\x1c", " \x1f\x85 "):
            form = filled(note)
            assert (form.errors, form.note.data) == ({}, ""), note
