#!/usr/bin/env python3
"""Writes orders.csv for the metric-forecast test (metric_forecast_test.py).

Daily rows, one per store and day, whose monthly totals follow a seasonal
series with a trend and deterministic noise (a linear congruential
generator, so the file is the same on every machine):

  store A  2023-01-01 .. 2026-01-15  amount: multiplicative season, trend
  store B  2023-01-01 .. 2026-01-15  amount: additive season
  store C  2025-03-01 .. 2026-01-15  amount: 10 complete months, no season
  profit   every store: a seasonal series crossing zero (additive models only)
  price    always 5.00 (its monthly max is a constant series)

The month 2026-01 stops on the 15th: it is partial when the run's as-of
date is the last day with rows.
"""
import calendar
import datetime
import math
import os

STATE = [20240601]


def noise():
    STATE[0] = (STATE[0] * 1103515245 + 12345) % 2**31
    return STATE[0] / 2**31 - 0.5  # in [-0.5, 0.5)


SEASON = [0.80, 0.85, 1.00, 0.95, 1.00, 1.05, 1.10, 1.05, 0.95, 1.00, 1.10, 1.40]


def month_totals(store, t, month):
    """(amount, profit) for month index t (0 = 2023-01) of a store."""
    if store == "A":
        amount = 3000 * (1 + 0.015 * t) * SEASON[month - 1] * (1 + 0.04 * noise())
    elif store == "B":
        amount = 2000 + 10 * t + 400 * math.sin(2 * math.pi * (month - 1) / 12) + 80 * noise()
    else:
        amount = 1500 + 25 * t + 60 * noise()
    profit = 40 + 120 * math.sin(2 * math.pi * (month - 1) / 12) + 30 * noise()
    return amount, profit


def main():
    rows = []
    for t in range(37):
        year, month = 2023 + t // 12, t % 12 + 1
        days = calendar.monthrange(year, month)[1]
        for store in "ABC":
            if store == "C" and (year, month) < (2025, 3):
                continue
            amount, profit = month_totals(store, t, month)
            # Spread the month's total over its days in whole cents.
            a_cents, p_cents = round(amount * 100), round(profit * 100)
            last = 15 if (year, month) == (2026, 1) else days
            for d in range(1, last + 1):
                a = a_cents // days + (a_cents % days if d == days else 0)
                p = p_cents // days + (p_cents % days if d == days else 0)
                rows.append((datetime.date(year, month, d).isoformat(), store, a, p))
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "orders.csv"), "w") as f:
        f.write("day,store,amount,profit,price\n")
        for day, store, a, p in rows:
            f.write(f"{day},{store},{a / 100:.2f},{p / 100:.2f},5.00\n")


if __name__ == "__main__":
    main()
