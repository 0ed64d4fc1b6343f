#!/usr/bin/env python3
"""Generates a large, realistic .kpi package for the `kpic check` benchmark.

N metrics (default 2000) over 10 sources with 20 columns each: filtered sums
and counts, distinct counts, averages, ratios of other metrics and derived
expressions, plus one goal per 40 metrics. Deterministic: same N, same files.
Run: python3 gen_check_suite.py OUT_DIR [N]
"""
import os
import sys


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    os.makedirs(out, exist_ok=True)
    sources = [f"src{i}" for i in range(10)]
    lines = ["package bench", "", "import std.kpi", ""]
    for d in range(5):
        lines.append(f'dimension dim{d} "维度{d}": string')
    lines.append("")
    for s in sources:
        lines.append(f'source {s} "来源 {s}" from csv("data/{s}.csv") {{')
        lines.append("  id: string key entity row")
        lines.append("  at: timestamp time")
        for d in range(5):
            lines.append(f"  dim{d}: string -> dim{d}")
        for c in range(8):
            lines.append(f"  amount{c}: decimal(2) unit CNY")
        for c in range(4):
            lines.append(f"  qty{c}: int unit item")
        lines.append("  flag: bool")
        lines.append("}")
        lines.append("")
    with open(os.path.join(out, "model.kpi"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")

    metrics = ["package bench", ""]
    for i in range(n):
        s = sources[i % len(sources)]
        c = i % 8
        kind = i % 6
        if kind == 0 or i < 20:
            body = f"sum({s}.amount{c} where {s}.qty{i % 4} >= {i}) where not {s}.flag"
        elif kind == 1:
            body = f'count({s} where {s}.dim{i % 5} == "v{i % 7}" and {s}.qty{i % 4} > {i})'
        elif kind == 2:
            body = f"count_distinct({s}.dim{i % 5} where {s}.qty{i % 4} < {i})"
        elif kind == 3:
            body = f"avg({s}.amount{c} * {s}.qty{i % 4} where {s}.qty{(i + 1) % 4} > {i})"
        elif kind == 4:
            body = f"std.kpi.ratio(m{i - 4}, m{i - 10} + m{i - 16})"
        else:
            body = f"(m{i - 5} - m{i - 17}.last_year) / m{i - 17}.last_year"
        metrics.append(f"/// Generated metric {i}.")
        metrics.append(f'metric m{i} "指标 {i}" = {body}')
        metrics.append(f'  owner "team-{i % 13}"')
    with open(os.path.join(out, "metrics.kpi"), "w", encoding="utf-8") as f:
        f.write("\n".join(metrics) + "\n")

    goals = ["package bench", ""]
    for g in range(max(1, n // 40)):
        m = g * 40
        goals += [f'goal g{g} "目标 {g}" {{', '  owner "ops"', f"  metric m{m}", "  period 2026 by month",
                  f"  target m{m} >= 1.1 * m{m}.last_year", f"  drill dim0, dim{1 + g % 4}",
                  f"  alert when m{m}.change(month) < -10% severity warning", "}", ""]
    with open(os.path.join(out, "goals.kpi"), "w", encoding="utf-8") as f:
        f.write("\n".join(goals) + "\n")


if __name__ == "__main__":
    main()
