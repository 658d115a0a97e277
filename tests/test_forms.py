"""Rules every form shares."""

from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm

import survey_app
from survey_app.forms import AppForm


def all_subclasses(cls: type) -> set[type]:
    direct = set(cls.__subclasses__())
    return direct.union(*(all_subclasses(sub) for sub in direct))


def test_every_form_derives_from_the_base_that_refuses_invisible_characters():
    for module in pkgutil.walk_packages(survey_app.__path__, "survey_app."):
        importlib.import_module(module.name)
    ours = {form for form in all_subclasses(FlaskForm) if form.__module__.startswith("survey_app")}
    assert len(ours) > 20
    assert {form.__qualname__ for form in ours if not issubclass(form, AppForm)} == set()
