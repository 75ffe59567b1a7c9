"""Plain-text tables: one per section, aligned so they read well in a terminal and in a note."""

from __future__ import annotations

from collections.abc import Sequence


def table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    notes: Sequence[str] = (),
    text_columns: int = 1,
) -> str:
    """The first ``text_columns`` columns are left-aligned (labels); the rest right-aligned (figures)."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(str(header)), *(len(row[i]) for row in cells)]) for i, header in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.ljust(width) if index < text_columns else value.rjust(width)
            for index, (value, width) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line([str(header) for header in headers]))
    out = [title, "=" * len(title), line([str(header) for header in headers]), rule]
    out += [line(row) for row in cells]
    out += [rule, *(f"  {note}" for note in notes)] if notes else []
    return "\n".join(out) + "\n"


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.3f}"


def us(microseconds: float) -> str:
    return f"{microseconds:,.0f}"


def pct(ratio: float) -> str:
    return f"{ratio * 100:.0f}%"


def per(value: float) -> str:
    """A per-event or per-request figure: exact zeros and ones stay readable, fractions keep precision."""
    if value == 0:
        return "0"
    return f"{value:.2f}" if value >= 0.1 else f"{value:.4f}"


def usd(value: float) -> str:
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"
