"""The `[spares]` section of the controller's TOML: per-class priors, lead times, service levels."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from controller.spares.defaults import CLASS_DEFAULTS, FALLBACK, ClassDefaults
from controller.spares.forecast import MOMENT, WINDOW
from hotspare.tomlconf import Section


@dataclass(frozen=True, slots=True)
class SparesConfig:
    """Class settings after the operator's overrides (built-in classes otherwise)."""

    classes: dict[str, ClassDefaults] = field(default_factory=lambda: dict(CLASS_DEFAULTS))

    def for_class(self, part_class: str) -> ClassDefaults:
        return self.classes.get(part_class, FALLBACK)


def parse_spares(sec: Section) -> SparesConfig:
    """[spares.classes.NAME] tables: prior_afr_percent, prior_device_years, lead_time_days,
    service_level_percent, service_measure ("window" or "moment"); errors name file and line."""
    classes = dict(CLASS_DEFAULTS)
    table = sec.table_("classes")
    for name in table.data:
        one = table.table_(name)
        base = classes.get(name, FALLBACK)
        measure = one.str("service_measure", base.service_measure)
        if measure not in (WINDOW, MOMENT):
            raise one.error("service_measure", f"must be {WINDOW!r} or {MOMENT!r}")
        level = one.float("service_level_percent", base.service_level * 100, minimum=1)
        if level >= 100:
            raise one.error("service_level_percent", "must be below 100")
        afr = one.float("prior_afr_percent", base.prior_afr_per_year * 100, minimum=0)
        classes[name] = replace(
            base, prior_afr_per_year=afr / 100,
            prior_device_years=one.float("prior_device_years", base.prior_device_years,
                                         minimum=0.001),
            lead_time_days=one.float("lead_time_days", base.lead_time_days, minimum=0),
            service_level=level / 100, service_measure=measure,
            source=f"configured class {name} {afr:g} %/y" if "prior_afr_percent" in one.data
            else base.source)
        one.finish()
    table.finish()
    sec.finish()
    return SparesConfig(classes)
