"""The bar chart's geometry: bars proportional to their values, every bar labelled."""

from apps.analytics.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, bar_chart
from apps.analytics.metrics import Column, Table


def _table(rows, series=1):
    columns = [Column("period", "Month")] + [
        Column(f"series_{n}", f"Series {n}") for n in range(series)
    ]
    return Table(columns=columns, rows=rows, empty=False)


def test_bars_are_proportional_and_the_biggest_fills_the_plot():
    chart = bar_chart(_table([{"period": "Jan", "series_0": 10}, {"period": "Feb", "series_0": 5}]))
    full = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    assert [row.bars[0].width for row in chart.rows] == [full, full // 2]
    assert [row.label for row in chart.rows] == ["Jan", "Feb"]
    assert chart.rows[1].bars[0].value == 5
    assert chart.legend == []  # one series: the heading says what it is


def test_two_series_have_a_legend_and_distinct_colours():
    chart = bar_chart(_table([{"period": "Jan", "series_0": 1, "series_1": 0}], series=2))
    assert [entry.label for entry in chart.legend] == ["Series 0", "Series 1"]
    first, second = chart.rows[0].bars
    assert first.colour != second.colour
    assert second.width == 0 and second.y > first.y
    assert chart.height > chart.rows[0].bars[1].y


def test_share_columns_are_in_the_table_not_drawn():
    table = Table(
        columns=[Column("label", "Reason"), Column("count", "Count"), Column("percent", "Share")],
        rows=[{"label": "Other", "count": 2, "percent": 100.0}],
        empty=False,
    )
    assert len(bar_chart(table).rows[0].bars) == 1


def test_all_zero_draws_no_bar_and_does_not_divide_by_zero():
    chart = bar_chart(_table([{"period": "Jan", "series_0": 0}]))
    assert chart.rows[0].bars[0].width == 0
