#!/usr/bin/env python3
"""A workspace for the editor benchmark (issue: 2,000 metrics across 50
files): one model file with sources and dimensions, 49 files of 41 metrics
each (sums, filtered counts, ratios of earlier metrics, period operators),
and goals over some of them. Deterministic.

usage: gen_lsp_workspace.py DIR [METRICS] [FILES]
"""
import os
import sys

out = sys.argv[1]
n_metrics = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
n_files = int(sys.argv[3]) if len(sys.argv) > 3 else 50
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "model.kpi"), "w", encoding="utf-8") as f:
    f.write('package shop\n\nimport std.kpi\n\ncalendar {\n  week_start monday\n  time_zone  "Asia/Shanghai"\n}\n\n')
    f.write('dimension store "门店": string\ndimension channel "渠道": string\n\n')
    f.write('source orders "订单" from csv("orders.csv") {\n  id:      string     key\n  at:      timestamp  time\n'
            '  store:   string     -> store\n  channel: string     -> channel\n  amount:  decimal(2) unit CNY\n'
            '  qty:     int        unit item\n  vip:     bool\n}\n\n')
    f.write('source visits "访问" from csv("visits.csv") {\n  day:     date   time\n  store:   string -> store\n'
            '  channel: string -> channel\n  n:       int    unit visit\n}\n')
per_file = (n_metrics + n_files - 2) // (n_files - 1)
k = 0
for fi in range(1, n_files):
    with open(os.path.join(out, f"metrics_{fi:02d}.kpi"), "w", encoding="utf-8") as f:
        f.write("package shop\n\n")
        for _ in range(per_file):
            if k >= n_metrics:
                break
            kind = k % 6
            if kind == 0 or k < 6:
                body = f"sum(orders.amount where orders.qty > {k})"
                unit = ": CNY"
            elif kind == 1:
                body = f'count(orders where orders.channel == "c{k}")'
                unit = ""
            elif kind == 2:
                body = f"m{k - 2} / m{k - 1}"
                unit = ""
            elif kind == 3:
                body = f"m{k - 3}.previous"
                unit = ": CNY"
            elif kind == 4:
                body = f"sum(visits.n where visits.store != \"s{k}\")"
                unit = ""
            else:
                body = f"m{k - 5}.rolling(3 months)"
                unit = ": CNY"
            f.write(f'/// Metric number {k}.\nmetric m{k} "指标{k}"{unit} = {body}\n  owner "team-{k % 10}"\n\n')
            k += 1
        if fi % 10 == 0:
            f.write(f'goal g{fi} "目标{fi}" {{\n  owner  "ops"\n  metric m{(fi - 1) * per_file}\n  period 2026 by month\n'
                    f'  target m{(fi - 1) * per_file} >= 1.1 * m{(fi - 1) * per_file}.last_year\n}}\n')
print(f"{k} metrics in {n_files} files under {out}")
