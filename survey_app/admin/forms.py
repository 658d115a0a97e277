from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length


class OrganisationForm(FlaskForm):
    path = StringField(
        _l("New organisation"),
        description=_l("The path from the top, names separated by “/”, e.g. MIA/Haninge."),
        validators=[InputRequired(_l("Enter the organisation's path.")), Length(max=1000)],
    )
