"""Bar charts as inline SVG for the printed briefing: vector, no script, no external resource.

Every text is escaped; labels too long for the label column are cut with "…" (the full name is in
the table beside the chart)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed at the end of the bar


def _cut(label: str, max_chars: int) -> str:
    return label if len(label) <= max_chars else label[: max_chars - 1] + "…"


def hbar_svg(bars: Sequence[Bar], *, title: str, max_value: float | None = None, width: int = 640,
             label_width: int = 190, bar_height: int = 16, gap: int = 7, colour: str = "#b03a2e") -> str:
    """A horizontal bar chart, one bar a row, longest scale `max_value` (default: the largest value)."""
    top = 26
    value_width = 64
    height = top + len(bars) * (bar_height + gap) + 6
    scale_max = max_value if max_value is not None else max((b.value for b in bars), default=0.0)
    track = width - label_width - value_width - 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)} '
        f'font-family={quoteattr(FONT)} font-size="11">',
        f'<text x="0" y="15" font-size="12" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]
    if not bars:
        parts.append(f'<text x="0" y="{top + 12}" fill="#777">（无数据）</text>')
    for i, b in enumerate(bars):
        y = top + i * (bar_height + gap)
        length = 0.0 if scale_max <= 0 else max(0.0, min(1.0, b.value / scale_max)) * track
        mid = y + bar_height / 2 + 4
        parts.append(f'<text x="{label_width - 6}" y="{mid:.1f}" text-anchor="end" fill="#222">'
                     f'{escape(_cut(b.label, (label_width - 6) // 11))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{track}" height="{bar_height}" fill="#f1f1f1"/>')
        if length > 0:
            parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
                         f'fill="{colour}"/>')
        parts.append(f'<text x="{label_width + track + 6}" y="{mid:.1f}" fill="#222">{escape(b.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
