"""Server-drawn SVG charts: escaping, one bar per non-zero value, one line per series."""

from xml.etree import ElementTree

from hrguard.reports.svg import Series, line_svg, stacked_bar_svg

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ElementTree.Element:
    # The SVG comes from the code under test, not from outside, so the plain parser is safe.
    return ElementTree.fromstring(svg)  # noqa: S314


def test_stacked_bar_svg_escapes_labels_and_draws_non_zero_segments() -> None:
    svg = stacked_bar_svg(
        ["<script>alert(1)</script>", "研发部"],
        [Series("关注", "#d4a017", [2, 0]), Series("高风险", "#c5221f", [1, 3])],
        label="各部门预警",
    )

    root = _parse(svg)
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "<script>alert(1)</script>" in texts
    assert "<script>" not in svg
    # Two legend squares, then three bars: the zero value draws none.
    assert len(list(root.iter(f"{SVG}rect"))) == 5
    assert root.get("aria-label") == "各部门预警"


def test_stacked_bar_svg_axis_reaches_largest_total() -> None:
    svg = stacked_bar_svg(["销售部"], [Series("高风险", "#c5221f", [9])], label="x")

    texts = [element.text for element in _parse(svg).iter(f"{SVG}text")]
    assert texts == ["高风险", "0", "3", "6", "9", "12", "销售部", "9"]


def test_line_svg_one_polyline_per_series() -> None:
    svg = line_svg(
        ["2026-10", "2026-11"],
        [Series("立案", "#e8710a", [2, 1]), Series("结案", "#188038", [0, 1])],
        label="立案与结案",
    )

    root = _parse(svg)
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 4
