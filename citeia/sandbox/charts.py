"""Horizontal bar charts as data for server-rendered SVG (templates/sandbox/includes/bar_chart.html)."""

from dataclasses import dataclass, field

WIDTH = 560
LABEL_WIDTH = 180
BAR_HEIGHT = 22
GAP = 8


@dataclass
class Bar:
    label: str
    value: float
    text: str
    x: float = 0
    y: float = 0
    width: float = 0
    text_y: float = 0
    text_x: float = 0
    label_x: float = 0


@dataclass
class BarChart:
    id: str
    title: str
    summary: str
    bars: list[Bar]
    threshold: float | None = None
    threshold_label: str = ""
    maximum: float = 1.0
    height: int = 0
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    threshold_x: float | None = None
    columns: list[str] = field(default_factory=list)


def bar_chart(
    id, title, summary, items, *, maximum=None, threshold=None, threshold_label="", columns=()
):
    """`items`: (label, value, text). Bars scale to `maximum` (default: largest value)."""
    values = [max(0.0, float(v)) for _l, v, _t in items]
    top = maximum or (max(values) if values and max(values) > 0 else 1.0)
    plot = WIDTH - LABEL_WIDTH - 70
    bars = []
    for index, (label, value, text) in enumerate(items):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = plot * max(0.0, float(value)) / top
        bars.append(
            Bar(
                label=str(label)[:28],
                value=value,
                text=text,
                x=LABEL_WIDTH,
                y=y,
                width=round(width, 1),
                text_y=round(y + BAR_HEIGHT * 0.7, 1),
                text_x=round(LABEL_WIDTH + width + 6, 1),
                label_x=LABEL_WIDTH - 8,
            )
        )
    chart = BarChart(
        id=id,
        title=title,
        summary=summary,
        bars=bars,
        threshold=threshold,
        threshold_label=threshold_label,
        maximum=top,
        height=GAP + len(bars) * (BAR_HEIGHT + GAP),
        columns=list(columns),
    )
    if threshold is not None:
        chart.threshold_x = round(LABEL_WIDTH + plot * threshold / top, 1)
    return chart
