"""Locust's `*_stats.csv` as a Markdown table: throughput, p50/p95 latency and errors, per page and overall."""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def main(stats_csv: Path) -> None:
    with stats_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    print("| request | count | errors | req/s | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in sorted(rows, key=lambda row: (row["Name"] == "Aggregated", -int(row["Request Count"]))):
        name = "**all requests**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count'])} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {float(row['Max Response Time']):.0f} |"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
