"""A DataTable for thousands of assets: rows change in place, bulk removal and reordering are O(n).

DataTable.remove_row rebuilds the row index on every call (O(n) each, O(n^2) for a search that
hides most rows) and DataTable.sort re-sorts everything; this subclass applies a whole new order
in one pass over its row map, the same way DataTable.sort does, and touches only changed cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar, overload

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, ColumnKey, Row, RowDoesNotExist, RowKey

Cells = tuple[Text, ...]  # Text, never str: a str cell would be parsed as console markup


class _OneLineOffsets(Sequence[tuple[RowKey, int]]):
    """DataTable's per-line (row key, line in row) list, computed on demand: every row is one
    line, so line y is row y. DataTable rebuilds that list (O(rows)) after every change."""

    def __init__(self, locations: TwoWayDict[RowKey, int], count: int) -> None:
        self._locations, self._count = locations, count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, y: int) -> tuple[RowKey, int]: ...

    @overload
    def __getitem__(self, y: slice) -> list[tuple[RowKey, int]]: ...

    def __getitem__(self, y: int | slice) -> tuple[RowKey, int] | list[tuple[RowKey, int]]:
        if isinstance(y, slice):
            return [self[i] for i in range(*y.indices(self._count))]
        if y < 0:
            y += self._count
        key = self._locations.get_key(y) if 0 <= y < self._count else None
        if key is None:
            raise IndexError(y)
        return key, 0


class _LazyRow(dict[ColumnKey, Text]):
    """A row's cells, rendered to Text on first look: 10,000 rows arrive, 40 are drawn."""

    def __init__(self, fill: Callable[[], dict[ColumnKey, Text]]) -> None:
        super().__init__()
        self._fill: Callable[[], dict[ColumnKey, Text]] | None = fill

    def __missing__(self, column_key: ColumnKey) -> Text:
        if self._fill is None:
            raise KeyError(column_key)
        fill, self._fill = self._fill, None
        for key, cell in fill().items():
            self.setdefault(key, cell)  # a cell written by update_cell meanwhile wins
        return self[column_key]


class FleetTable(DataTable[Text]):
    """Rows keyed by asset id; `show(order, cells_of, changed)` makes the table match `order`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", key_display="Enter"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._cells: dict[str, Cells] = {}
        self._row_keys: dict[str, RowKey] = {}
        self._present: set[str] = set()
        self._cells_of: Callable[[str], Cells] = lambda asset_id: ()
        self._shown: list[str] = []

    @property
    def cursor_key(self) -> str | None:
        """The asset id under the cursor, if any."""
        if not self.row_count or self.cursor_row < 0:
            return None
        key = self._row_locations.get_key(self.cursor_row)
        return key.value if key is not None else None

    def show(self, order: Sequence[str], cells_of: Callable[[str], Cells],
             changed: set[str]) -> None:
        """Make the rows exactly `order`; rebuild cells of `changed` ids and of unknown rows only.

        Cells of hidden rows stay cached, so clearing a search re-adds rows without rendering.
        """
        keep_cursor = self.cursor_key
        was_empty = not self.row_count
        self._cells_of = cells_of
        present = self._present
        for asset_id in changed:
            if asset_id not in present:
                self._cells.pop(asset_id, None)
        wanted = set(order)
        gone = [k for k in present if k not in wanted]
        if gone:
            self._drop(gone)
        added = False
        for asset_id in order:
            if asset_id not in present:
                self._insert(asset_id)
                added = True
            elif asset_id in changed:
                old = self._cells.get(asset_id)
                if old is None:  # never drawn: its cells will be made when it is
                    self._data[self._row_keys[asset_id]] = self._lazy(asset_id)
                    continue
                cells = cells_of(asset_id)
                if cells != old:
                    self._cells[asset_id] = cells
                    for column_key, before, after in zip(self._column_keys(), old, cells,
                                                         strict=True):
                        if before != after:
                            self.update_cell(asset_id, column_key, after)
        if added or gone or list(order) != self._shown:
            self._reorder(order)
            if was_empty and self.row_count:
                self._highlight_cursor()
        if keep_cursor is not None and keep_cursor in present:
            self.move_to(keep_cursor)

    def forget(self, asset_ids: Iterable[str]) -> None:
        """Drop cached cells of assets that left the fleet (call after show() hid them)."""
        for asset_id in asset_ids:
            if asset_id not in self._present:
                self._cells.pop(asset_id, None)
                self._row_keys.pop(asset_id, None)

    def rerender_column(self, column_key: str, cells_of: Callable[[str], Text],
                        asset_ids: Sequence[str]) -> None:
        """Re-render one column (e.g. ages) for some rows, writing only cells that changed."""
        index = [c.key.value for c in self.ordered_columns].index(column_key)
        for asset_id in asset_ids:
            old = self._cells.get(asset_id)
            if old is None or asset_id not in self._present:
                continue
            new = cells_of(asset_id)
            if old[index] != new:
                self._cells[asset_id] = (*old[:index], new, *old[index + 1:])
                self.update_cell(asset_id, column_key, new)

    def move_to(self, asset_id: str) -> None:
        try:
            row = self.get_row_index(asset_id)
        except RowDoesNotExist:
            return
        if row != self.cursor_row:
            self.move_cursor(row=row, animate=False)

    def rows_in_view(self, margin: int = 0) -> list[str]:
        """Asset ids of the rows on screen (plus `margin` rows either side)."""
        top = max(0, int(self.scroll_y) - margin)
        bottom = min(len(self._shown), int(self.scroll_y) + self.size.height + margin)
        return self._shown[top:bottom]

    def clear(self, columns: bool = False) -> FleetTable:
        self._cells.clear()
        self._row_keys.clear()
        self._present.clear()
        self._shown = []
        super().clear(columns)
        return self

    @property
    def _y_offsets(self) -> _OneLineOffsets:  # type: ignore[override]
        return _OneLineOffsets(self._row_locations, len(self.rows))

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Every column has a fixed width and every row one line: only the virtual size changes.

        (DataTable measures every cell of every new row here, 1 s for 10,000 rows.)
        """
        super()._update_dimensions(())

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        """Body cells are one-line Text: render them straight to segments.

        DataTable's general path (Padding + Styled + console.render_lines) costs about 0.3 ms a
        cell, so a sort or a search redrawing 40 rows x 7 columns took 100 ms on its own.
        """
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
                     self._update_count, self._pseudo_class_state)
        if cache_key in self._cell_render_cache:
            return self._cell_render_cache[cache_key]
        cell = self._data[row_key][column_key]
        if not isinstance(cell, Text):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        inner = max(width - 2 * self.cell_padding, 0)
        if cell.cell_len > inner:
            cell = cell.copy()
            cell.truncate(inner, overflow="ellipsis")
        pad = " " * self.cell_padding
        segments = [Segment(pad), *cell.render(self.app.console),
                    Segment(" " * (inner - cell.cell_len) + pad)]
        lines = [list(Segment.apply_style(segments, style + component_style, post_style))]
        self._cell_render_cache[cache_key] = lines
        return lines

    def _drop(self, asset_ids: list[str]) -> None:
        """Remove many rows at once (the index is rebuilt once, by _reorder); cells stay cached."""
        for asset_id in asset_ids:
            key = self._row_keys[asset_id]
            self._present.discard(asset_id)
            del self.rows[key], self._data[key]
            self._new_rows.discard(key)
        gone = set(asset_ids)
        self._updated_cells = {c for c in self._updated_cells
                               if not isinstance(c, CellKey) or c.row_key.value not in gone}

    def _column_keys(self) -> list[ColumnKey]:
        return [c.key for c in self.ordered_columns]

    def _lazy(self, asset_id: str) -> _LazyRow:
        def fill() -> dict[ColumnKey, Text]:
            cells = self._cells.get(asset_id)
            if cells is None:
                cells = self._cells[asset_id] = self._cells_of(asset_id)
            return dict(zip(self._column_keys(), cells, strict=True))

        return _LazyRow(fill)

    def _insert(self, asset_id: str) -> None:
        """What add_row stores, without its per-row cursor and idle work (done once by _reorder)."""
        key = self._row_keys.get(asset_id) or RowKey(asset_id)
        self._row_keys[asset_id] = key
        self._present.add(asset_id)
        self._data[key] = self._lazy(asset_id)
        self.rows[key] = Row(key, 1)

    def _reorder(self, order: Sequence[str]) -> None:
        resized = len(order) != len(self._shown)
        self._shown = list(order)
        keys = [self._row_keys[k] for k in order]
        locations: TwoWayDict[RowKey, int] = TwoWayDict({})
        locations._forward = dict(zip(keys, range(len(keys)), strict=True))
        locations._reverse = dict(enumerate(keys))
        self._row_locations = locations
        self._require_update_dimensions = True
        self._update_count += 1
        self.cursor_coordinate = self.cursor_coordinate  # clamp to the new row count
        self.hover_coordinate = self.hover_coordinate
        self.check_idle()
        self.refresh(layout=resized)
