"""Renderers of official documents: a directive's DocumentContext to HTML (preview and print),
PDF and .docx, and the one page shell and print path that progress reports use too.

fonts.py finds the vendored fonts; page.py holds the page shell and HTML -> PDF; layout.py the
official layout's stylesheet; directive.py and docx.py the directive's own renderers.
"""

from campaigns.documents.render.directive import render_html, render_pdf
from campaigns.documents.render.docx import render_docx
from campaigns.documents.render.fonts import font_stylesheet_file
from campaigns.documents.render.layout import document_css
from campaigns.documents.render.page import html_to_pdf, render_page

__all__ = [
    "document_css",
    "font_stylesheet_file",
    "html_to_pdf",
    "render_docx",
    "render_html",
    "render_page",
    "render_pdf",
]
