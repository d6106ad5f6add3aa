"""A few small valid documents per format, built in memory: the starting corpus of the harnesses.
They carry what the parsers look for (a title, header metadata, headings, lists, a table)."""

from __future__ import annotations

import io
from collections.abc import Callable

TITLE = "Policy för integration i Exempelby kommun"
HEADER = ("Antagen av kommunfullmäktige 2021-03-15, § 42\nGäller till: 2025-12-31\n"
          "Dokumentansvarig: Kommunchef\nDiarienummer: KS 2021/123\n")
BODY = ("Inledning\n\nKommunen ska verka för att nyanlända snabbt kommer i arbete.\n\n"
        "Ansvar\n\n- Socialnämnden ansvarar för boende.\n- Arbetsmarknadsenheten ansvarar för praktik.\n")


def text_seeds() -> list[bytes]:
    plain = f"{TITLE}\n\n{HEADER}\n{BODY}"
    return [plain.encode("utf-8"), plain.encode("cp1252", errors="replace"), b"\xef\xbb\xbf" + plain.encode()]


def markdown_seeds() -> list[bytes]:
    table = "| Åtgärd | Huvudansvar |\n|---|---|\n| Boende | Socialnämnden |\n"
    return [f"# {TITLE}\n\n{HEADER}\n## Inledning\n\n1. Första\n2. Andra\n\n## Ansvar\n\n{table}".encode()]


def html_seeds() -> list[bytes]:
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{TITLE}</title></head><body>"
            f"<h1>{TITLE}</h1><p>{HEADER}</p><h2>Ansvar</h2><ul><li>Socialnämnden</li><li>KS</li></ul>"
            "<table><tr><th>Åtgärd</th><th>Huvudansvar</th></tr><tr><td>Boende</td><td>KS</td></tr></table>"
            "</body></html>")
    return [page.encode("utf-8"), page.encode("cp1252", errors="replace")]


def pdf_seeds() -> list[bytes]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=0)
    y = 800
    for line in [TITLE, *HEADER.splitlines(), *BODY.splitlines()]:
        pdf.drawString(60, y, line)
        y -= 18
    pdf.showPage()
    pdf.drawString(60, 800, "Uppföljning sker årligen.")
    pdf.save()
    return [out.getvalue()]


def docx_seeds() -> list[bytes]:
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=1)
    for line in HEADER.splitlines():
        document.add_paragraph(line)
    document.add_heading("Ansvar", level=2)
    document.add_paragraph("Socialnämnden ansvarar för boende.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate([("Åtgärd", "Huvudansvar"), ("Boende", "Socialnämnden")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    out = io.BytesIO()
    document.save(out)
    return [out.getvalue()]


SEEDS: dict[str, Callable[[], list[bytes]]] = {
    ".txt": text_seeds, ".md": markdown_seeds, ".html": html_seeds, ".pdf": pdf_seeds, ".docx": docx_seeds,
}
