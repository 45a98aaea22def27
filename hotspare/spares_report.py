"""Renders the procurement report: plain table, CSV, JSON and a self-contained printable HTML."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import time
from typing import Any

from hotspare.spares import PartRef, ReportLine, SparesReport

FORMATS = ("table", "csv", "json", "html")
CSV_COLUMNS = ("part_number", "site", "class", "description", "order_quantity", "order_by",
               "arrives_by", "reorder_point", "on_hand", "reserved", "on_order", "available",
               "installed", "afr_percent_per_year", "afr_source", "failures", "device_years",
               "lead_time_days", "lead_time_source", "service_level_percent",
               "demand_over_lead_time", "at_risk", "failing", "why")


def _day(ms: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ms / 1000)) if ms else ""


def _refs(refs: tuple[PartRef, ...]) -> str:
    return "; ".join(f"{r.asset_id} {r.component_id} {r.serial}".strip() for r in refs)


def line_dict(line: ReportLine) -> dict[str, Any]:
    doc = dataclasses.asdict(line)
    doc["available"] = line.available
    doc["below_reorder_point"] = line.below_reorder_point
    return doc


def to_json(report: SparesReport) -> str:
    return json.dumps({"generated_unix_ms": report.generated_unix_ms, "site": report.site,
                       "lines": [line_dict(ln) for ln in report.lines]}, indent=2)


def to_csv(report: SparesReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as spreadsheets expect
    writer.writerow(CSV_COLUMNS)
    for ln in report.lines:
        writer.writerow([
            ln.part_number, ln.site, ln.part_class, ln.description, ln.order_quantity,
            _day(ln.order_by_unix_ms), _day(ln.arrives_by_unix_ms), ln.reorder_point,
            ln.on_hand, ln.reserved, ln.on_order, ln.available, ln.installed,
            f"{ln.afr_per_year * 100:.3f}", ln.afr_source, ln.failures, f"{ln.device_years:.2f}",
            f"{ln.lead_time_days:g}", ln.lead_time_source, f"{ln.service_level * 100:g}",
            f"{ln.demand_over_lead_time:.3f}", _refs(ln.at_risk), _refs(ln.failing), ln.why])
    return out.getvalue()


def to_table(report: SparesReport) -> str:
    head = (f"{'PART':<22} {'SITE':<10} {'CLASS':<6} {'ORDER':>5} {'BY':<10} {'S':>3}"
            f" {'HAND':>4} {'RSV':>3} {'ORD':>3} {'INST':>5} {'AFR%':>5} {'LEAD':>5}  STATUS")
    rows = [head]
    for ln in report.lines:
        status = "BELOW REORDER POINT" if ln.below_reorder_point else "ok"
        rows.append(f"{ln.part_number[:22]:<22} {ln.site[:10] or '-':<10} {ln.part_class[:6]:<6}"
                    f" {ln.order_quantity:>5} {_day(ln.order_by_unix_ms) or '-':<10}"
                    f" {ln.reorder_point:>3} {ln.on_hand:>4} {ln.reserved:>3} {ln.on_order:>3}"
                    f" {ln.installed:>5} {ln.afr_per_year * 100:>5.2f} {ln.lead_time_days:>4g}d"
                    f"  {status}")
        for ref in ln.failing:
            rows.append(f"    failing: {ref.asset_id} {ref.component_id} {ref.serial}")
        for ref in ln.at_risk:
            rows.append(f"    at-risk: {ref.asset_id} {ref.component_id} {ref.serial}"
                        f" (p={ref.probability:.2f} within lead time)")
    if not report.lines:
        rows.append("no parts: no components reported and no stock recorded")
    return "\n".join(rows)


_CSS = """body{font-family:sans-serif;font-size:11pt;margin:1.5em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:3px 5px;
vertical-align:top;text-align:left}th{background:#eee}td.n{text-align:right}
tr.below{background:#fde2e2}.why{font-size:9pt;color:#333}
@media print{body{margin:0}tr{page-break-inside:avoid}}"""


def to_html(report: SparesReport) -> str:
    """One file, no scripts or external assets, printable on A4 (a procurement officer's page)."""
    e = html.escape
    generated = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(report.generated_unix_ms / 1000))
    order = [ln for ln in report.lines if ln.order_quantity]
    body = [f"<h1>Spare parts: procurement report{' for site ' + e(report.site) if report.site else ''}</h1>",
            f"<p>Generated {generated} by HotSpare. {len(order)} of {len(report.lines)} part"
            " lines need an order. The reorder point S is the smallest stock that covers the"
            " failures expected over the lead time (Poisson, &lambda;&middot;L) with the service"
            " level; each line's <i>why</i> gives every input.</p>",
            "<table><thead><tr><th>Part</th><th>Site</th><th>Order</th><th>Order by</th>"
            "<th>Arrives by</th><th>S</th><th>On hand</th><th>Reserved</th><th>On order</th>"
            "<th>Installed</th><th>AFR</th><th>Lead time</th><th>Why</th></tr></thead><tbody>"]
    for ln in report.lines:
        cls = ' class="below"' if ln.below_reorder_point else ""
        refs = "".join(f"<br>failing: {e(r.asset_id)} {e(r.component_id)} {e(r.serial)}"
                       for r in ln.failing)
        refs += "".join(f"<br>at-risk: {e(r.asset_id)} {e(r.component_id)} {e(r.serial)}"
                        f" (p={r.probability:.2f})" for r in ln.at_risk)
        body.append(
            f"<tr{cls}><td>{e(ln.part_number)}<br><small>{e(ln.part_class)}"
            f" {e(ln.description)}</small></td><td>{e(ln.site)}</td>"
            f"<td class=n><b>{ln.order_quantity}</b></td><td>{_day(ln.order_by_unix_ms)}</td>"
            f"<td>{_day(ln.arrives_by_unix_ms)}</td><td class=n>{ln.reorder_point}</td>"
            f"<td class=n>{ln.on_hand}</td><td class=n>{ln.reserved}</td>"
            f"<td class=n>{ln.on_order}</td><td class=n>{ln.installed}</td>"
            f"<td class=n>{ln.afr_per_year * 100:.2f}&nbsp;%</td>"
            f"<td>{ln.lead_time_days:g}&nbsp;d</td>"
            f"<td class=why>{e(ln.why)}<br>AFR source: {e(ln.afr_source)}{refs}</td></tr>")
    body.append("</tbody></table>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>HotSpare spares report</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def render(report: SparesReport, fmt: str) -> str:
    return {"table": to_table, "csv": to_csv, "json": to_json, "html": to_html}[fmt](report)
