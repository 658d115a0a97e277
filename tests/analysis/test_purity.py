"""analysis/ and questionnaires/ are plain Python: no Flask, no ORM."""

import subprocess
import sys


def test_pure_packages_import_without_flask_or_sqlalchemy():
    code = (
        "import sys, analysis, analysis.charts, analysis.chart_workers, questionnaires\n"
        "questionnaires.Catalogue.from_directory()\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'flask_sqlalchemy', 'survey_app'})\n"
        "assert not leaked, leaked\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
