"""Report tables as files: CSV for Excel and R, an XLSX workbook, SPSS ``.sav``.

A hidden figure is written as "–" in CSV and XLSX (never 0, never empty, so
nobody mistakes it for a real value or for "not applicable"), and in SPSS as the
user-missing value ``SPSS_SUPPRESSED`` labelled as hidden. Text from users
(organisation and target names) never starts a formula in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

import pandas as pd
import pyreadstat
from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from analysis.status_report import StatusReport
from survey_app.services.report_tables import (
    MISSING_ANSWER_CODES,
    SPSS_SUPPRESSED,
    SUPPRESSED,
    Column,
    Kind,
    Table,
    Value,
    about,
    report_tables,
    status_about,
    status_table,
)
from survey_app.services.reporting import EvaluatorReport, ReportFilters

HIDDEN_MARK = "–"
# Characters that make Excel, LibreOffice or Sheets read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    SAV = "sav"


MEDIA_TYPES = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.SAV: "application/x-spss-sav",
}


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _shown(column: Column, value: Value) -> Value:
    """The value as a reader sees it: a category's label, a hidden figure's mark."""
    if value is SUPPRESSED:
        return HIDDEN_MARK
    if column.kind is Kind.CATEGORY and value is not None:
        return column.categories.get(str(value), str(value))
    return value


def csv_bytes(table: Table, *, swedish_excel: bool = False) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads å, ä and ö; with ``swedish_excel``,
    ``;`` between fields and a decimal comma, as Excel set to Swedish expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if swedish_excel else ",", lineterminator="\r\n")
    writer.writerow([_safe_text(heading) for heading in table.header()])
    for row in table.rows:
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            shown = _shown(column, value)
            if isinstance(shown, float):
                shown = repr(round(shown, 6))
                if swedish_excel:
                    shown = shown.replace(".", ",")
            elif isinstance(shown, str):
                shown = _safe_text(shown)
            cells.append("" if shown is None else shown)
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(tables: Sequence[Table], about: Sequence[tuple[str, str]]) -> bytes:
    """One workbook: a sheet saying what the figures cover and how they were made, then
    one sheet per table with its column labels in the first row."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = gettext("About")[:31]
    bold = Font(bold=True)
    for heading, text in about:
        cover.append([_safe_text(heading), _safe_text(text)])
        cover.cell(cover.max_row, 1).font = bold
    cover.append([])
    cover.append([gettext("Sheet"), gettext("Table")])
    cover.cell(cover.max_row, 1).font = bold
    cover.cell(cover.max_row, 2).font = bold
    for table in tables:
        cover.append([table.name, _safe_text(table.title)])
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 100

    for table in tables:
        sheet = workbook.create_sheet(table.name[:31])
        sheet.append([_safe_text(heading) for heading in table.header()])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            shown = [_shown(column, value) for column, value in zip(table.columns, row,
                                                                     strict=True)]
            sheet.append([_safe_text(v) if isinstance(v, str) else v for v in shown])
        for index, column in enumerate(table.columns, start=1):
            if column.kind is Kind.NUMBER:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "0.000"
            elif column.kind is Kind.PERCENT:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "0.0"
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _spss_column(column: Column, values: list[Value]) -> tuple[list[object], dict | None]:
    """The column's SPSS values and value labels: categories become numbered codes."""
    if column.kind is Kind.CATEGORY:
        codes = {code: number for number, code in enumerate(column.categories, start=1)}
        labels = {number: label for code, label in column.categories.items()
                  for number in [codes[code]]}
        return [float(codes[str(v)]) if v is not None else None for v in values], labels
    if column.kind is Kind.TEXT:
        return ["" if v is None else str(_shown(column, v)) for v in values], None
    if column.kind is Kind.ANSWER:
        return [None if v is None else float(v) for v in values], dict(column.value_labels)
    hidden = {float(SPSS_SUPPRESSED): gettext("Hidden: too few participants")}
    return [float(SPSS_SUPPRESSED) if v is SUPPRESSED else v for v in values], hidden


def sav_bytes(table: Table) -> bytes:
    """An SPSS data file: variable labels, value labels for categories and for hidden
    figures, which are declared user-missing so no statistic counts them."""
    data, value_labels, missing = {}, {}, {}
    for index, column in enumerate(table.columns):
        values, labels = _spss_column(column, [row[index] for row in table.rows])
        data[column.name] = pd.Series(values, dtype="object" if column.kind is Kind.TEXT
                                      else "float64")
        if labels:
            value_labels[column.name] = labels
        if column.kind in (Kind.COUNT, Kind.PERCENT, Kind.NUMBER):
            missing[column.name] = [float(SPSS_SUPPRESSED)]
        elif column.kind is Kind.ANSWER:
            missing[column.name] = [{"lo": float(min(MISSING_ANSWER_CODES.values())),
                                     "hi": float(max(MISSING_ANSWER_CODES.values()))}]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.sav"
        pyreadstat.write_sav(
            pd.DataFrame(data), str(path), file_label=table.title[:64],
            column_labels={column.name: column.label for column in table.columns},
            variable_value_labels=value_labels, missing_ranges=missing,
        )
        return path.read_bytes()


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def report_file(
    report: EvaluatorReport, filters: ReportFilters, today: date,
    file_format: FileFormat, table_name: str | None = None, *, swedish_excel: bool = False,
) -> ExportFile | None:
    """The whole report (a workbook, or a ZIP of CSV or SPSS files) or one table of it;
    None when the report has no table of that name."""
    tables = report_tables(report)
    notes = about(report, filters, today)
    stem = f"stegvis-{slugify(filters.scope.path)}-{today.isoformat()}"
    if table_name is None:
        return tables_file(tables, notes, file_format, stem, swedish_excel=swedish_excel)
    chosen = [table for table in tables if table.name == table_name]
    if not chosen:
        return None
    if file_format is FileFormat.XLSX:
        content = xlsx_bytes(chosen, notes)
    else:
        content = table_bytes(chosen[0], file_format, swedish_excel=swedish_excel)
    return ExportFile(content, MEDIA_TYPES[file_format], f"{stem}-{table_name}.{file_format}")


def tables_file(tables: Sequence[Table], notes: Sequence[tuple[str, str]],
                file_format: FileFormat, stem: str, *, swedish_excel: bool = False
                ) -> ExportFile:
    """Several tables in one download: a workbook, or a ZIP of CSV or SPSS files."""
    if file_format is FileFormat.XLSX:
        return ExportFile(xlsx_bytes(tables, notes), MEDIA_TYPES[file_format], f"{stem}.xlsx")
    return ExportFile(archive_bytes(tables, file_format, notes, swedish_excel=swedish_excel),
                      "application/zip", f"{stem}-{file_format}.zip")


def status_file(
    report: StatusReport, scope_path: str, today: date,
    file_format: FileFormat, *, swedish_excel: bool = False,
) -> ExportFile:
    """The monthly status report as CSV, a workbook (with its About sheet) or SPSS."""
    table = status_table(report)
    filename = f"stegvis-status-{slugify(scope_path)}-{report.month}.{file_format}"
    if file_format is FileFormat.XLSX:
        content = xlsx_bytes([table], status_about(report, scope_path, today))
    else:
        content = table_bytes(table, file_format, swedish_excel=swedish_excel)
    return ExportFile(content, MEDIA_TYPES[file_format], filename)


def slugify(text: str) -> str:
    """An ASCII file-name part: "MIA/Haninge Södertörn" becomes "mia-haninge-sodertorn"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "report"


def table_bytes(table: Table, file_format: FileFormat, *, swedish_excel: bool = False) -> bytes:
    if file_format is FileFormat.SAV:
        return sav_bytes(table)
    return csv_bytes(table, swedish_excel=swedish_excel)


def archive_bytes(tables: Sequence[Table], file_format: FileFormat,
                  about: Sequence[tuple[str, str]], *, swedish_excel: bool = False) -> bytes:
    """Every table as its own CSV or SPSS file in one ZIP, with the notes as ``about.txt``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("about.txt", "".join(f"{heading}: {text}\n" for heading, text in about))
        for table in tables:
            archive.writestr(f"{table.name}.{file_format}",
                             table_bytes(table, file_format, swedish_excel=swedish_excel))
    return buffer.getvalue()
