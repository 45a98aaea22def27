"""Class defaults for spares: prior AFR (published field data), lead time, service level."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ClassDefaults:
    """What a part class assumes until a part or the fleet says otherwise."""

    prior_afr_per_year: float
    lead_time_days: float
    service_level: float = 0.95
    prior_device_years: float = 100.0  # weight of the prior, in device-years of evidence
    source: str = ""
    service_measure: str = "window"  # share of lead-time windows without a stock-out


# Disks: Backblaze 2024 fleet AFR 1.57 % (1.36-2.28 % by quarter 2023-2025); PSU and fans:
# Schroeder & Gibson (FAST 2007) saw field replacement rates of 2-4 % against datasheet < 0.88 %,
# so the datasheet-like 1 % is only a prior the fleet corrects.
CLASS_DEFAULTS: dict[str, ClassDefaults] = {
    "disk": ClassDefaults(0.015, 14, source="class default disk 1.5 %/y (Backblaze 2024: 1.57 %)"),
    "psu": ClassDefaults(0.01, 21, source="class default psu 1.0 %/y (datasheet-like)"),
    "fan": ClassDefaults(0.01, 14, source="class default fan 1.0 %/y (datasheet-like)"),
    "dimm": ClassDefaults(0.005, 14, source="class default dimm 0.5 %/y"),
    "nic": ClassDefaults(0.005, 21, source="class default nic 0.5 %/y"),
}
FALLBACK = ClassDefaults(0.01, 30, source="default 1.0 %/y")

# Component types as agents report them -> part class.
TYPE_TO_CLASS = {
    "disk": "disk", "hdd": "disk", "ssd": "disk", "nvme": "disk",
    "psu": "psu", "powersupply": "psu", "power supply": "psu",
    "fan": "fan", "dimm": "dimm", "memory": "dimm", "nic": "nic", "port": "nic",
}


def class_of(component_type: str) -> str:
    key = component_type.strip().lower()
    return TYPE_TO_CLASS.get(key, key or "other")


def defaults_for(part_class: str) -> ClassDefaults:
    return CLASS_DEFAULTS.get(part_class, FALLBACK)
