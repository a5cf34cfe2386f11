"""Exports of a report snapshot: Excel (formatted tables), Word and PDF, with Chinese fonts.

PDF uses reportlab's built-in CID font STSong-Light, which needs no font file; Word asks for
宋体 (SimSun) for East Asian text, which every Chinese office machine has.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

CJK_PDF_FONT = "STSong-Light"
CJK_WORD_FONT = "宋体"


def fmt(value: object, kind: str) -> str:
    """The cell as text: rates as percentages, changes signed, empty rates as "—"."""
    if value is None or value == "":
        return "—"
    if kind == "rate":
        return f"{float(value) * 100:.1f}%"
    if kind == "change":
        return f"{float(value) * 100:+.1f}%"
    if kind in ("days", "score"):
        return f"{float(value):.2f}" if kind == "score" else f"{float(value):.1f}"
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def summary_rows(snapshot: dict) -> list[tuple[str, str, str]]:
    return [
        (
            item["label"],
            fmt(item["value"], item["format"]),
            fmt(item.get("change"), "change") if item.get("change") is not None else "",
        )
        for item in snapshot.get("summary", [])
    ]


def _paragraphs(snapshot: dict) -> list[str]:
    lines = [f"数据统计期间：{snapshot['period']['label']}"]
    lines += snapshot.get("findings", [])
    return lines


# --- Excel --------------------------------------------------------------------------------------

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
XLSX_WIDTHS = {"text": 24, "rank": 6}
EXCEL_FORMATS = {
    "rate": "0.0%",
    "change": "+0.0%;-0.0%;0.0%",
    "days": "0.0",
    "score": "0.00",
    "int": "0",
}


def to_xlsx(snapshot: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "概况"
    _xlsx_title(sheet, snapshot["title"], 3)
    _xlsx_grid(sheet, 3, ["指标", "本期", "环比"], summary_rows(snapshot), ["text"] * 3)
    for index, item in enumerate(_paragraphs(snapshot), start=len(summary_rows(snapshot)) + 5):
        sheet.cell(row=index, column=1, value=item)
    for number, section in enumerate(snapshot.get("tables", []), start=1):
        page = book.create_sheet(f"表{number}")
        width = len(section["columns"])
        _xlsx_title(page, section["title"], width)
        kinds = [c["format"] for c in section["columns"]]
        _xlsx_grid(page, 3, [c["title"] for c in section["columns"]], section["rows"], kinds)
        if section.get("note"):
            page.cell(row=len(section["rows"]) + 5, column=1, value=section["note"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_title(sheet, text: str, width: int) -> None:
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    cell = sheet.cell(row=1, column=1, value=text)
    cell.font = Font(name="宋体", bold=True, size=14)
    cell.alignment = Alignment(horizontal="center")


def _xlsx_grid(
    sheet, top: int, headers: list[str], rows: Iterable[Iterable], kinds: list[str]
) -> None:
    for col, title in enumerate(headers, start=1):
        cell = sheet.cell(row=top, column=col, value=title)
        cell.font, cell.fill, cell.border = Font(name="宋体", bold=True), HEADER_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        kind = kinds[col - 1] if col <= len(kinds) else "int"
        sheet.column_dimensions[get_column_letter(col)].width = XLSX_WIDTHS.get(kind, 11)
    for r, row in enumerate(rows, start=top + 1):
        for col, (value, kind) in enumerate(zip(row, kinds, strict=False), start=1):
            cell = sheet.cell(row=r, column=col, value=_excel_value(value, kind))
            cell.border, cell.font = BOX, Font(name="宋体")
            if kind in EXCEL_FORMATS and isinstance(cell.value, int | float):
                cell.number_format = EXCEL_FORMATS[kind]
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
    # Printed (or turned into PDF): landscape, one page wide, the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{top}"


def _excel_value(value: object, kind: str) -> object:
    if value is None:
        return "—"
    return value if kind != "text" else str(value)


# --- Word ---------------------------------------------------------------------------------------


def to_docx(snapshot: dict) -> bytes:
    document = Document()
    section = document.sections[0]
    # Landscape A4 like the PDF: the department table has a dozen columns.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.8)
    style = document.styles["Normal"]
    style.font.name, style.font.size = CJK_WORD_FONT, Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_WORD_FONT)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(snapshot["title"])
    run.bold, run.font.size = True, Pt(16)
    for text in _paragraphs(snapshot):
        document.add_paragraph(text)
    summary = summary_rows(snapshot)
    _docx_table(document, "主要指标", ["指标", "本期", "环比"], summary, ["text"] * 3)
    for part in snapshot.get("tables", []):
        kinds = [c["format"] for c in part["columns"]]
        rows = [[fmt(v, k) for v, k in zip(row, kinds, strict=False)] for row in part["rows"]]
        _docx_table(document, part["title"], [c["title"] for c in part["columns"]], rows, kinds)
        if part.get("note"):
            document.add_paragraph(part["note"])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


DOCX_WIDTHS = {"text": Cm(4.2), "rank": Cm(1.2)}


def _docx_table(document, title: str, headers: list[str], rows: list, kinds: list[str]) -> None:
    """A ruled table with a shaded header row repeated on every page; names get wide columns
    and figures narrow, centred ones, so a unit's name stays on one line."""
    document.add_paragraph().add_run(title).bold = True
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.autofit = False
    widths = [DOCX_WIDTHS.get(kind, Cm(1.9)) for kind in kinds]
    header = grid.rows[0]
    header_properties = header._tr.get_or_add_trPr()
    header_properties.append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header.cells, headers, strict=False):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), "DDE6F0")
        cell._tc.get_or_add_tcPr().append(shading)
    for row in rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=False):
            cell.text = str(text)
    for row in grid.rows:
        for cell, width, kind in zip(row.cells, widths, kinds, strict=False):
            cell.width = width
            paragraph = cell.paragraphs[0]
            if kind != "text":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.font.size = Pt(9)


# --- PDF ----------------------------------------------------------------------------------------


def _pdf_styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    if CJK_PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_PDF_FONT))
    body = ParagraphStyle("body", fontName=CJK_PDF_FONT, fontSize=9, leading=13)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=22, alignment=1)
    heading = ParagraphStyle("heading", parent=body, fontSize=11, leading=16, spaceBefore=8)
    return body, title, heading


def to_pdf(snapshot: dict) -> bytes:
    body, title, heading = _pdf_styles()
    story = [Paragraph(snapshot["title"], title), Spacer(1, 6)]
    story += [Paragraph(text, body) for text in _paragraphs(snapshot)]
    story += [
        Paragraph("主要指标", heading),
        _pdf_table([["指标", "本期", "环比"], *summary_rows(snapshot)], body),
    ]
    for section in snapshot.get("tables", []):
        kinds = [c["format"] for c in section["columns"]]
        rows = [[fmt(v, k) for v, k in zip(row, kinds, strict=False)] for row in section["rows"]]
        story += [
            Paragraph(section["title"], heading),
            _pdf_table([[c["title"] for c in section["columns"]], *rows], body),
        ]
        if section.get("note"):
            story.append(Paragraph(section["note"], body))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        title=snapshot["title"],
        leftMargin=36,
        rightMargin=36,
        topMargin=36,
        bottomMargin=36,
    ).build(story)
    return out.getvalue()


def _pdf_table(rows: list[list], body: ParagraphStyle) -> Table:
    cells = [[Paragraph(str(value), body) for value in row] for row in rows]
    grid = Table(cells, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return grid


EXPORTS = {
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (to_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (to_pdf, "application/pdf"),
}
