"""Server-rendered charts: the geometry of a horizontal bar chart, drawn as SVG by the template
analytics/_bar_chart.html. No script: the page is readable without JavaScript, printable, and
legible on a projector (large type, dark bars on white, every bar labelled with its value).

Horizontal bars keep long labels (a reason, a month) readable at any width; the drawing scales
to its box, so it fits a phone too."""

from __future__ import annotations

from dataclasses import dataclass

from .metrics import Table

WIDTH = 960
LABEL_WIDTH = 420
VALUE_WIDTH = 90
BAR_HEIGHT = 30
SERIES_GAP = 4
ROW_GAP = 18
LEGEND_HEIGHT = 48
FONT_SIZE = 22
# Dark, distinct on white and to most colour-blind readers (blue and orange), with the value
# written at each bar's end so that no reading depends on colour.
COLOURS = ("#0b3d91", "#b34700")


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    value: int | float
    text_x: int
    text_y: int
    colour: str


@dataclass(frozen=True)
class Row:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Legend:
    label: str
    colour: str
    x: int
    text_x: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    rows: list[Row]
    legend: list[Legend]
    font_size: int = FONT_SIZE
    label_x: int = LABEL_WIDTH - 12
    axis_x: int = LABEL_WIDTH


def chart_series(table: Table) -> list[tuple[str, str]]:
    """The columns drawn as bars: counts (a share column is in the table, not drawn twice)."""
    return [
        (column.key, column.label)
        for column in table.columns[1:]
        if column.key == "count" or column.key.startswith("series_")
    ]


def bar_chart(table: Table) -> BarChart:
    series = chart_series(table)
    label_key = table.columns[0].key
    top = LEGEND_HEIGHT if len(series) > 1 else 8
    biggest = max((row[key] or 0 for row in table.rows for key, _ in series), default=0) or 1
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    row_height = len(series) * (BAR_HEIGHT + SERIES_GAP) - SERIES_GAP + ROW_GAP
    rows = []
    for index, row in enumerate(table.rows):
        y = top + index * row_height
        bars = []
        for number, (key, _) in enumerate(series):
            value = row[key] or 0
            bar_y = y + number * (BAR_HEIGHT + SERIES_GAP)
            width = round(plot_width * value / biggest)
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=bar_y,
                    width=width,
                    height=BAR_HEIGHT,
                    value=value,
                    text_x=LABEL_WIDTH + width + 8,
                    text_y=bar_y + BAR_HEIGHT - 7,
                    colour=COLOURS[number % len(COLOURS)],
                )
            )
        middle = y + (row_height - ROW_GAP) // 2 + FONT_SIZE // 2 - 3
        rows.append(Row(label=str(row[label_key]), label_y=middle, bars=bars))
    legend = (
        [
            Legend(
                label=label,
                colour=COLOURS[number % len(COLOURS)],
                x=LABEL_WIDTH + number * 240,
                text_x=LABEL_WIDTH + number * 240 + 38,
            )
            for number, (_, label) in enumerate(series)
        ]
        if len(series) > 1
        else []
    )
    height = top + len(table.rows) * row_height
    return BarChart(width=WIDTH, height=height, rows=rows, legend=legend)
