"""Small inline SVG charts for the offline report (no JavaScript, no external requests)."""

from __future__ import annotations

from markupsafe import Markup, escape

SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#e67e22", "info": "#2e86c1"}


def stacked_bars(
    rows: list[tuple[str, dict[str, int]]],
    *,
    width: int = 560,
    bar_height: int = 18,
    label_width: int = 200,
    title: str = "",
) -> Markup:
    """Horizontal bars, one per row, stacked by severity; labels are escaped."""
    peak = max((sum(parts.values()) for _, parts in rows), default=0) or 1
    scale = (width - label_width - 50) / peak
    height = bar_height * len(rows) + 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart"><title>{escape(title)}</title>'
    ]
    for index, (label, parts) in enumerate(rows):
        y = 4 + index * bar_height
        out.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 5}" text-anchor="end" '
            f'font-size="12">{escape(label)}</text>'
        )
        x = float(label_width)
        for severity, colour in SEVERITY_COLOURS.items():
            value = parts.get(severity, 0)
            if not value:
                continue
            w = value * scale
            out.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{bar_height - 5}" '
                f'fill="{colour}"><title>{escape(severity)}: {value}</title></rect>'
            )
            x += w
        out.append(
            f'<text x="{x + 4:.1f}" y="{y + bar_height - 5}" font-size="11">'
            f"{sum(parts.values())}</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def share_bar(share: float, *, width: int = 120, colour: str = "#c0392b") -> Markup:
    """A thin bar showing a share in [0, 1], with the percentage as its tooltip."""
    share = min(max(share, 0.0), 1.0)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="10" class="share">'
        f'<rect width="{width}" height="10" fill="#eee"/>'
        f'<rect width="{share * width:.1f}" height="10" fill="{colour}"/>'
        f"<title>{share:.0%}</title></svg>"
    )
