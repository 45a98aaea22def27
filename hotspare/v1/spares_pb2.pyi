from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListCatalogueRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CatalogueEntry(_message.Message):
    __slots__ = ("part_key", "vendor", "model", "part_class", "spare_part_number", "capacity_bytes", "firmware", "sources", "installed_by_site", "failures")
    class InstalledBySiteEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    PART_KEY_FIELD_NUMBER: _ClassVar[int]
    VENDOR_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PART_CLASS_FIELD_NUMBER: _ClassVar[int]
    SPARE_PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    FIRMWARE_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    INSTALLED_BY_SITE_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    part_key: str
    vendor: str
    model: str
    part_class: str
    spare_part_number: str
    capacity_bytes: int
    firmware: _containers.RepeatedScalarFieldContainer[str]
    sources: _containers.RepeatedScalarFieldContainer[str]
    installed_by_site: _containers.ScalarMap[str, int]
    failures: int
    def __init__(self, part_key: _Optional[str] = ..., vendor: _Optional[str] = ..., model: _Optional[str] = ..., part_class: _Optional[str] = ..., spare_part_number: _Optional[str] = ..., capacity_bytes: _Optional[int] = ..., firmware: _Optional[_Iterable[str]] = ..., sources: _Optional[_Iterable[str]] = ..., installed_by_site: _Optional[_Mapping[str, int]] = ..., failures: _Optional[int] = ...) -> None: ...

class ListCatalogueResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[CatalogueEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[CatalogueEntry, _Mapping]]] = ...) -> None: ...

class StockRow(_message.Message):
    __slots__ = ("line", "part_number", "site", "quantity", "on_order", "expected_unix_ms", "lead_time_days", "part_class", "description", "replaces", "serial", "prior_afr_per_year", "service_level", "reserve_at_risk")
    LINE_FIELD_NUMBER: _ClassVar[int]
    PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ON_ORDER_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    LEAD_TIME_DAYS_FIELD_NUMBER: _ClassVar[int]
    PART_CLASS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REPLACES_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    PRIOR_AFR_PER_YEAR_FIELD_NUMBER: _ClassVar[int]
    SERVICE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    RESERVE_AT_RISK_FIELD_NUMBER: _ClassVar[int]
    line: int
    part_number: str
    site: str
    quantity: int
    on_order: int
    expected_unix_ms: int
    lead_time_days: float
    part_class: str
    description: str
    replaces: _containers.RepeatedScalarFieldContainer[str]
    serial: str
    prior_afr_per_year: float
    service_level: float
    reserve_at_risk: bool
    def __init__(self, line: _Optional[int] = ..., part_number: _Optional[str] = ..., site: _Optional[str] = ..., quantity: _Optional[int] = ..., on_order: _Optional[int] = ..., expected_unix_ms: _Optional[int] = ..., lead_time_days: _Optional[float] = ..., part_class: _Optional[str] = ..., description: _Optional[str] = ..., replaces: _Optional[_Iterable[str]] = ..., serial: _Optional[str] = ..., prior_afr_per_year: _Optional[float] = ..., service_level: _Optional[float] = ..., reserve_at_risk: _Optional[bool] = ...) -> None: ...

class StockChangeRequest(_message.Message):
    __slots__ = ("row", "who", "why", "new_site")
    ROW_FIELD_NUMBER: _ClassVar[int]
    WHO_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    NEW_SITE_FIELD_NUMBER: _ClassVar[int]
    row: StockRow
    who: str
    why: str
    new_site: bool
    def __init__(self, row: _Optional[_Union[StockRow, _Mapping]] = ..., who: _Optional[str] = ..., why: _Optional[str] = ..., new_site: _Optional[bool] = ...) -> None: ...

class StockItem(_message.Message):
    __slots__ = ("part_number", "site", "on_hand", "on_order", "expected_unix_ms", "lead_time_days", "part_class", "description", "replaces", "serials", "reserved", "updated_unix_ms", "prior_afr_per_year", "service_level", "reserve_at_risk")
    PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    ON_HAND_FIELD_NUMBER: _ClassVar[int]
    ON_ORDER_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    LEAD_TIME_DAYS_FIELD_NUMBER: _ClassVar[int]
    PART_CLASS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REPLACES_FIELD_NUMBER: _ClassVar[int]
    SERIALS_FIELD_NUMBER: _ClassVar[int]
    RESERVED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    PRIOR_AFR_PER_YEAR_FIELD_NUMBER: _ClassVar[int]
    SERVICE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    RESERVE_AT_RISK_FIELD_NUMBER: _ClassVar[int]
    part_number: str
    site: str
    on_hand: int
    on_order: int
    expected_unix_ms: int
    lead_time_days: float
    part_class: str
    description: str
    replaces: _containers.RepeatedScalarFieldContainer[str]
    serials: _containers.RepeatedScalarFieldContainer[str]
    reserved: int
    updated_unix_ms: int
    prior_afr_per_year: float
    service_level: float
    reserve_at_risk: bool
    def __init__(self, part_number: _Optional[str] = ..., site: _Optional[str] = ..., on_hand: _Optional[int] = ..., on_order: _Optional[int] = ..., expected_unix_ms: _Optional[int] = ..., lead_time_days: _Optional[float] = ..., part_class: _Optional[str] = ..., description: _Optional[str] = ..., replaces: _Optional[_Iterable[str]] = ..., serials: _Optional[_Iterable[str]] = ..., reserved: _Optional[int] = ..., updated_unix_ms: _Optional[int] = ..., prior_afr_per_year: _Optional[float] = ..., service_level: _Optional[float] = ..., reserve_at_risk: _Optional[bool] = ...) -> None: ...

class ListStockRequest(_message.Message):
    __slots__ = ("site",)
    SITE_FIELD_NUMBER: _ClassVar[int]
    site: str
    def __init__(self, site: _Optional[str] = ...) -> None: ...

class ListStockResponse(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[StockItem]
    def __init__(self, items: _Optional[_Iterable[_Union[StockItem, _Mapping]]] = ...) -> None: ...

class ImportStockRequest(_message.Message):
    __slots__ = ("filename", "rows", "who", "why")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    WHO_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    filename: str
    rows: _containers.RepeatedCompositeFieldContainer[StockRow]
    who: str
    why: str
    def __init__(self, filename: _Optional[str] = ..., rows: _Optional[_Iterable[_Union[StockRow, _Mapping]]] = ..., who: _Optional[str] = ..., why: _Optional[str] = ...) -> None: ...

class ImportStockResponse(_message.Message):
    __slots__ = ("rows",)
    ROWS_FIELD_NUMBER: _ClassVar[int]
    rows: int
    def __init__(self, rows: _Optional[int] = ...) -> None: ...

class ListChangesRequest(_message.Message):
    __slots__ = ("part_number", "site", "limit")
    PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    part_number: str
    site: str
    limit: int
    def __init__(self, part_number: _Optional[str] = ..., site: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class StockChange(_message.Message):
    __slots__ = ("part_number", "site", "delta_on_hand", "delta_on_order", "on_hand_after", "who", "why", "time_unix_ms", "serial")
    PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    DELTA_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    DELTA_ON_ORDER_FIELD_NUMBER: _ClassVar[int]
    ON_HAND_AFTER_FIELD_NUMBER: _ClassVar[int]
    WHO_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    part_number: str
    site: str
    delta_on_hand: int
    delta_on_order: int
    on_hand_after: int
    who: str
    why: str
    time_unix_ms: int
    serial: str
    def __init__(self, part_number: _Optional[str] = ..., site: _Optional[str] = ..., delta_on_hand: _Optional[int] = ..., delta_on_order: _Optional[int] = ..., on_hand_after: _Optional[int] = ..., who: _Optional[str] = ..., why: _Optional[str] = ..., time_unix_ms: _Optional[int] = ..., serial: _Optional[str] = ...) -> None: ...

class ListChangesResponse(_message.Message):
    __slots__ = ("changes",)
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[StockChange]
    def __init__(self, changes: _Optional[_Iterable[_Union[StockChange, _Mapping]]] = ...) -> None: ...

class ListReservationsRequest(_message.Message):
    __slots__ = ("site", "open_only")
    SITE_FIELD_NUMBER: _ClassVar[int]
    OPEN_ONLY_FIELD_NUMBER: _ClassVar[int]
    site: str
    open_only: bool
    def __init__(self, site: _Optional[str] = ..., open_only: _Optional[bool] = ...) -> None: ...

class Reservation(_message.Message):
    __slots__ = ("reservation_id", "part_number", "site", "asset_id", "component_id", "serial", "model", "state", "created_unix_ms", "closed_unix_ms", "reason", "replaced_by_serial")
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    CLOSED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REPLACED_BY_SERIAL_FIELD_NUMBER: _ClassVar[int]
    reservation_id: int
    part_number: str
    site: str
    asset_id: str
    component_id: str
    serial: str
    model: str
    state: str
    created_unix_ms: int
    closed_unix_ms: int
    reason: str
    replaced_by_serial: str
    def __init__(self, reservation_id: _Optional[int] = ..., part_number: _Optional[str] = ..., site: _Optional[str] = ..., asset_id: _Optional[str] = ..., component_id: _Optional[str] = ..., serial: _Optional[str] = ..., model: _Optional[str] = ..., state: _Optional[str] = ..., created_unix_ms: _Optional[int] = ..., closed_unix_ms: _Optional[int] = ..., reason: _Optional[str] = ..., replaced_by_serial: _Optional[str] = ...) -> None: ...

class ListReservationsResponse(_message.Message):
    __slots__ = ("reservations",)
    RESERVATIONS_FIELD_NUMBER: _ClassVar[int]
    reservations: _containers.RepeatedCompositeFieldContainer[Reservation]
    def __init__(self, reservations: _Optional[_Iterable[_Union[Reservation, _Mapping]]] = ...) -> None: ...

class GetReportRequest(_message.Message):
    __slots__ = ("site",)
    SITE_FIELD_NUMBER: _ClassVar[int]
    site: str
    def __init__(self, site: _Optional[str] = ...) -> None: ...

class PartRef(_message.Message):
    __slots__ = ("asset_id", "component_id", "serial", "model", "verdict", "probability")
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    component_id: str
    serial: str
    model: str
    verdict: str
    probability: float
    def __init__(self, asset_id: _Optional[str] = ..., component_id: _Optional[str] = ..., serial: _Optional[str] = ..., model: _Optional[str] = ..., verdict: _Optional[str] = ..., probability: _Optional[float] = ...) -> None: ...

class ReportLine(_message.Message):
    __slots__ = ("part_number", "site", "part_class", "description", "installed", "afr_per_year", "afr_source", "failures", "device_years", "prior_afr_per_year", "lead_time_days", "lead_time_source", "service_level", "demand_over_lead_time", "reorder_point", "on_hand", "reserved", "on_order", "order_quantity", "order_by_unix_ms", "arrives_by_unix_ms", "why", "at_risk", "failing", "installed_parts")
    PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    PART_CLASS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INSTALLED_FIELD_NUMBER: _ClassVar[int]
    AFR_PER_YEAR_FIELD_NUMBER: _ClassVar[int]
    AFR_SOURCE_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    DEVICE_YEARS_FIELD_NUMBER: _ClassVar[int]
    PRIOR_AFR_PER_YEAR_FIELD_NUMBER: _ClassVar[int]
    LEAD_TIME_DAYS_FIELD_NUMBER: _ClassVar[int]
    LEAD_TIME_SOURCE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    DEMAND_OVER_LEAD_TIME_FIELD_NUMBER: _ClassVar[int]
    REORDER_POINT_FIELD_NUMBER: _ClassVar[int]
    ON_HAND_FIELD_NUMBER: _ClassVar[int]
    RESERVED_FIELD_NUMBER: _ClassVar[int]
    ON_ORDER_FIELD_NUMBER: _ClassVar[int]
    ORDER_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    ARRIVES_BY_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_FIELD_NUMBER: _ClassVar[int]
    FAILING_FIELD_NUMBER: _ClassVar[int]
    INSTALLED_PARTS_FIELD_NUMBER: _ClassVar[int]
    part_number: str
    site: str
    part_class: str
    description: str
    installed: int
    afr_per_year: float
    afr_source: str
    failures: int
    device_years: float
    prior_afr_per_year: float
    lead_time_days: float
    lead_time_source: str
    service_level: float
    demand_over_lead_time: float
    reorder_point: int
    on_hand: int
    reserved: int
    on_order: int
    order_quantity: int
    order_by_unix_ms: int
    arrives_by_unix_ms: int
    why: str
    at_risk: _containers.RepeatedCompositeFieldContainer[PartRef]
    failing: _containers.RepeatedCompositeFieldContainer[PartRef]
    installed_parts: _containers.RepeatedCompositeFieldContainer[PartRef]
    def __init__(self, part_number: _Optional[str] = ..., site: _Optional[str] = ..., part_class: _Optional[str] = ..., description: _Optional[str] = ..., installed: _Optional[int] = ..., afr_per_year: _Optional[float] = ..., afr_source: _Optional[str] = ..., failures: _Optional[int] = ..., device_years: _Optional[float] = ..., prior_afr_per_year: _Optional[float] = ..., lead_time_days: _Optional[float] = ..., lead_time_source: _Optional[str] = ..., service_level: _Optional[float] = ..., demand_over_lead_time: _Optional[float] = ..., reorder_point: _Optional[int] = ..., on_hand: _Optional[int] = ..., reserved: _Optional[int] = ..., on_order: _Optional[int] = ..., order_quantity: _Optional[int] = ..., order_by_unix_ms: _Optional[int] = ..., arrives_by_unix_ms: _Optional[int] = ..., why: _Optional[str] = ..., at_risk: _Optional[_Iterable[_Union[PartRef, _Mapping]]] = ..., failing: _Optional[_Iterable[_Union[PartRef, _Mapping]]] = ..., installed_parts: _Optional[_Iterable[_Union[PartRef, _Mapping]]] = ...) -> None: ...

class SparesReport(_message.Message):
    __slots__ = ("generated_unix_ms", "site", "lines")
    GENERATED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    generated_unix_ms: int
    site: str
    lines: _containers.RepeatedCompositeFieldContainer[ReportLine]
    def __init__(self, generated_unix_ms: _Optional[int] = ..., site: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[ReportLine, _Mapping]]] = ...) -> None: ...
