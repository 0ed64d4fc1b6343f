#!/usr/bin/env python3
"""Writes data/sales.csv (NRF fiscal 2021 to 2024, 31 January 2021 to
1 February 2025: FY2022..FY2025 of the package) and data/holidays.csv (China's
public holidays with their make-up working days, 调休) for tests/calendar.

usage: gen_data.py DIR   (deterministic; the committed files are its output)
"""
import datetime as dt
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
os.makedirs(out, exist_ok=True)
day, end = dt.date(2021, 1, 31), dt.date(2025, 2, 1)
rows = []
i = 0
while day <= end:
    i += 1
    # Store A sells every day; store B skips every seventh day; amounts vary
    # with the day so that shifted periods differ.
    rows.append((day, "A", (i * 37) % 1000 + 100 + (i % 13) / 100))
    if i % 7:
        rows.append((day, "B", (i * 53) % 700 + 50 + (i % 11) / 100))
    day += dt.timedelta(days=1)
with open(os.path.join(out, "sales.csv"), "w") as f:
    f.write("day,store,amount\n")
    for d, s, a in rows:
        f.write(f"{d.isoformat()},{s},{a:.2f}\n")

# Holidays (false) and make-up working days on weekends (true); a holiday on
# a weekend day changes nothing.
holidays = {
    2023: (["01-02", "01-21", "01-22", "01-23", "01-24", "01-25", "01-26", "01-27", "04-05", "04-29", "04-30",
            "05-01", "05-02", "05-03", "06-22", "06-23", "06-24", "09-29", "09-30", "10-01", "10-02", "10-03",
            "10-04", "10-05", "10-06"],
           ["01-28", "01-29", "04-23", "05-06", "06-25", "10-07", "10-08"]),
    2024: (["01-01", "02-10", "02-11", "02-12", "02-13", "02-14", "02-15", "02-16", "02-17", "04-04", "04-05",
            "04-06", "05-01", "05-02", "05-03", "05-04", "05-05", "06-10", "09-15", "09-16", "09-17", "10-01",
            "10-02", "10-03", "10-04", "10-05", "10-06", "10-07"],
           ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"]),
}
with open(os.path.join(out, "holidays.csv"), "w") as f:
    f.write("day,working\n")
    for y, (off, on) in holidays.items():
        for md in sorted(off + on):
            f.write(f"{y}-{md},{'true' if md in on else 'false'}\n")
