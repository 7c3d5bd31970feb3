"""Tables of figures for a page and its CSV and XLSX downloads, shared by the apps that report
(the dashboard, the pembinaan section of the development app) without one importing the other.

Cells hold raw values (integers, dates, text); the page formats them by column kind
(``count`` → ``3.000``, ``rupiah`` → ``Rp7.200.000.000``) and the downloads keep them as
numbers, so a spreadsheet can add them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tablib

from umkm_portal.spreadsheets import safe_cell

TEXT, COUNT, RUPIAH, DATE = "text", "count", "rupiah", "date"


@dataclass
class Column:
    label: str
    kind: str = COUNT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    # Rows whose cells are formatted otherwise than their columns say, by row index: a
    # rupiah figure in a table of counts (the yearly targets' "Nilai KUR cair").
    row_kinds: dict[int, list[str]] = field(default_factory=dict)

    def dataset(self) -> tablib.Dataset:
        """The table for download: numbers stay numbers, text is never a live formula (a
        proposer's name is whatever the proposer typed)."""
        data = tablib.Dataset(headers=[c.label for c in self.columns], title=self.key[:31])
        for row in self.rows:
            data.append([safe_cell(value) for value in row])
        if self.total is not None:
            data.append([safe_cell(value) for value in self.total])
        return data

    @property
    def body(self) -> list[list[tuple[str, object]]]:
        """Rows as (column kind, value) pairs, for the template to format."""
        kinds = [c.kind for c in self.columns]
        return [
            list(zip(self.row_kinds.get(i, kinds), row, strict=True))
            for i, row in enumerate(self.rows)
        ]

    @property
    def footer(self) -> list[tuple[str, object]] | None:
        if self.total is None:
            return None
        kinds = [TEXT] + [c.kind for c in self.columns[1:]]  # the first cell is the label
        return list(zip(kinds, self.total, strict=True))

    def column_total(self, index: int) -> int:
        return sum(row[index] or 0 for row in self.rows)


def totals_row(table: Table, label: str) -> list:
    return [
        label if i == 0 else (table.column_total(i) if c.kind in (COUNT, RUPIAH) else "")
        for i, c in enumerate(table.columns)
    ]
