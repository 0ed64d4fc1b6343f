#!/usr/bin/env python3
"""Generates the SaaS example's CSV data, deterministically.

240 accounts over 2025-2026: monthly MRR snapshots with new, expansion,
contraction and churned MRR, plus support tickets. Own PRNG, so the output
is identical on every Python version. Run: python3 gen_data.py [OUT_DIR]
"""
import datetime as dt
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from xorshift import Rng  # noqa: E402


PLANS = [("starter", 4900), ("growth", 19900), ("enterprise", 99900)]  # cents per month
REGIONS = ["华东", "华南", "北美", "欧洲"]
SEGMENTS = ["smb", "mid_market", "enterprise"]


def months():
    y, m = 2025, 1
    while (y, m) <= (2026, 12):
        yield dt.date(y, m, 1)
        m += 1
        if m == 13:
            y, m = y + 1, 1


def money(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    os.makedirs(out, exist_ok=True)
    rng = Rng(424242)
    all_months = list(months())
    accounts = []
    for i in range(240):
        start = all_months[rng.below(len(all_months) - 2)]
        plan = PLANS[0] if rng.uniform() < 0.55 else (PLANS[1] if rng.uniform() < 0.75 else PLANS[2])
        segment = "enterprise" if plan[0] == "enterprise" else SEGMENTS[rng.below(2)]
        accounts.append({"id": f"A{i + 1:04d}", "region": REGIONS[rng.below(4)], "segment": segment,
                         "start": start, "plan": plan[0], "mrr": plan[1] * (1 + rng.below(5))})
    with open(os.path.join(out, "accounts.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("account_id,region,segment,signed_on\n")
        for a in accounts:
            f.write(f"{a['id']},{a['region']},{a['segment']},{a['start'].isoformat()}\n")

    rows = []
    tickets = []
    ticket_no = 0
    for a in accounts:
        mrr = 0
        alive = True
        for month in all_months:
            if month < a["start"] or not alive:
                continue
            new = exp = con = churn = 0
            churned = False
            if month == a["start"]:
                new = a["mrr"]
            else:
                r = rng.uniform()
                if r < 0.025:
                    churn, churned, alive = mrr, True, False
                elif r < 0.12:
                    exp = (mrr * (5 + rng.below(30))) // 100
                elif r < 0.17:
                    con = (mrr * (5 + rng.below(20))) // 100
            mrr = mrr + new + exp - con - churn
            rows.append(f"{month.isoformat()},{a['id']},{a['plan']},{money(mrr)},{money(new)},{money(exp)},"
                        f"{money(con)},{money(churn)},{'true' if churned else 'false'}")
            for _ in range(rng.below(3)):
                ticket_no += 1
                opened = dt.datetime(month.year, month.month, 1 + rng.below(28), rng.below(24), rng.below(60))
                resolved = "" if rng.uniform() < 0.05 else (opened + dt.timedelta(hours=1 + rng.below(96))).strftime(
                    "%Y-%m-%dT%H:%M:%S")
                csat = 3 + rng.below(3) if resolved else 1 + rng.below(3)
                tickets.append(f"T{ticket_no:06d},{opened.strftime('%Y-%m-%dT%H:%M:%S')},{a['id']},{resolved},{csat}")
    with open(os.path.join(out, "mrr.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("Month,account_id,plan,MRR (USD),new_mrr,expansion,contraction,churned_mrr,churned\n")
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(out, "tickets.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("ticket_id,opened_at,account_id,resolved_at,csat\n")
        f.write("\n".join(tickets) + "\n")
    print(f"wrote {len(accounts)} accounts, {len(rows)} MRR rows and {len(tickets)} tickets to {out}")


if __name__ == "__main__":
    main()
