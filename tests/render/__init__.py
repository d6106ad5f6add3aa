"""Renderers that turn real Swedish policy texts into PDFs and DOCX files laid out like the documents
municipalities publish (exported from Word), for the layout-aware parsing tests and benchmarks.

``elements_of`` reads a corpus file with the project's own readers; ``render_pdf`` and
``render_docx`` lay its elements out.
"""

from tests.render.docx import render_docx
from tests.render.pdf import PdfStyle, render_pdf
from tests.render.source import elements_of, elements_of_text

__all__ = ["PdfStyle", "elements_of", "elements_of_text", "render_docx", "render_pdf"]
