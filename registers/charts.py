"""Inline SVG bar charts: reports stay one self-contained HTML file with no scripts or downloads."""

from __future__ import annotations

from html import escape
from typing import Any

PALETTE = ("#1d4f91", "#c8102e", "#6a8d2f", "#e08a00", "#6b3fa0", "#2a8c8c", "#8a6d3b")


def bar_chart(title: str, values: dict[str, Any], width: int = 560, unit: str = "") -> str:
    """Horizontal bars; suppressed cells ("<5") are drawn as a hatched stub and labelled."""
    items = list(values.items())
    numeric = [v for _, v in items if isinstance(v, int | float)]
    top = max(numeric, default=0) or 1
    label_w, bar_h, gap = 190, 20, 8
    height = 30 + len(items) * (bar_h + gap)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" class="chart">'
        ),
        f'<text x="0" y="16" font-weight="bold" font-size="14">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 28 + i * (bar_h + gap)
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(label.replace("_", " "))}</text>'
        )
        if isinstance(value, int | float):
            w = int((width - label_w - 70) * value / top)
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" '
                f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            )
            parts.append(
                f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="12">{value:,}{unit}</text>'
            )
        else:
            parts.append(f'<rect x="{label_w}" y="{y}" width="6" height="{bar_h}" fill="#999"/>')
            parts.append(
                f'<text x="{label_w + 12}" y="{y + 15}" font-size="12">{escape(str(value))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
