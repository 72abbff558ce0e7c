"""Reports as PDF, laid out by WeasyPrint from the very HTML the report view serves, so the two
always carry the same figures. WeasyPrint needs Debian's pango (``./run`` installs it)."""

from __future__ import annotations

import logging

from weasyprint import CSS, HTML

# WeasyPrint logs every layout step at INFO: hundreds of lines per report.
for _name in ("weasyprint", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)

# A4 pages with the report's own styles; charts and tables are not split across pages.
PRINT_CSS = CSS(
    string="""
@page { size: A4; margin: 16mm 14mm 18mm; @bottom-right { content: "page " counter(page) " of " counter(pages);
        font: 8pt Arial, Helvetica, sans-serif; color: #555; } }
body { margin: 0 !important; max-width: none !important; }
svg.chart, table { page-break-inside: avoid; }
h2 { page-break-after: avoid; }
"""
)


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained report (no external resources are fetched)."""
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf(
        stylesheets=[PRINT_CSS]
    )


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    # Reports are self-contained; refusing every fetch keeps a crafted value from reaching out.
    raise ValueError(f"reports fetch no resources ({url})")
