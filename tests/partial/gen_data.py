#!/usr/bin/env python3
"""Writes data/orders.csv: every day from 2023-01-01 to 2026-03-12 (the
last day with rows), one to three orders a day with amounts from a fixed
rule, so that every period and span has a different sum. Channel `web`
sells only from the 1st to the 5th of each month, so that a window starting
later in a month does not see it; channel `promo` sells only from 2025-02-01
to 2025-02-05, before the tests' window starts (2025-02-10). Run once; the CSV is committed."""
import csv
import datetime as dt
import os

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "orders.csv")
first, last = dt.date(2023, 1, 1), dt.date(2026, 3, 12)
with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["order_id", "day", "channel", "amount"])
    n = 0
    day = first
    while day <= last:
        i = (day - first).days
        for k in range(1 + (i % 3 == 0) + (i % 7 == 0)):
            n += 1
            cents = (i * 37 + k * 91) % 50000 + 100 + (i % 11)
            channel = "web" if day.day <= 5 and k == 0 else ("store" if (i + k) % 2 else "app")
            w.writerow([f"o{n}", day.isoformat(), channel, f"{cents // 100}.{cents % 100:02d}"])
        if dt.date(2025, 2, 1) <= day <= dt.date(2025, 2, 5):
            n += 1
            w.writerow([f"o{n}", day.isoformat(), "promo", f"{day.day * 7}.25"])
        day += dt.timedelta(days=1)
