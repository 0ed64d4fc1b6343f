#!/usr/bin/env python3
"""Generates the retail example's CSV data, deterministically.

Two years (2025 and 2026) of orders and daily traffic for six stores and
three channels, with a product catalogue. 2026 grows over 2025 unevenly: one
"dark-horse" store grows fast, one store's offline conversion collapses in
the autumn, and VIP customers spend more, so that the goal's decomposition
and drill-down have something to find.

The generator uses its own xorshift PRNG so that the output is identical on
every Python version. Run: python3 gen_data.py [OUT_DIR]
"""
import datetime as dt
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from xorshift import Rng  # noqa: E402


STORES = ["北京朝阳店", "上海静安店", "广州天河店", "深圳南山店", "成都锦江店", "杭州西湖店"]
CHANNELS = ["offline", "online", "mini_program"]
CUSTOMER_TYPES = ["new", "regular", "vip"]
PRODUCTS = [
    ("P001", "保温杯", "家居", "38.00"),
    ("P002", "帆布包", "服饰", "25.50"),
    ("P003", "蓝牙耳机", "数码", "120.00"),
    ("P004", "运动T恤", "服饰", "31.00"),
    ("P005", "咖啡豆 500g", "食品", "46.80"),
    ("P006", "香薰蜡烛", "家居", "19.90"),
    ("P007", "充电宝", "数码", "65.00"),
    ("P008", "坚果礼盒", "食品", "58.00"),
]
PRICES = {"P001": 89, "P002": 59, "P003": 299, "P004": 79, "P005": 98, "P006": 49, "P007": 149, "P008": 128}


def store_growth(store, day):
    """Traffic multiplier of 2026 over 2025 for a store."""
    if day.year == 2025:
        return 1.0
    if store == "成都锦江店":  # the dark horse
        return 1.55
    if store == "广州天河店":
        return 0.95
    return 1.18


def conversion(store, channel, day):
    base = {"offline": 0.050, "online": 0.040, "mini_program": 0.045}[channel]
    if day.year == 2026:
        base *= 1.06
    # Guangzhou's offline conversion collapses from September 2026.
    if store == "广州天河店" and channel == "offline" and day >= dt.date(2026, 9, 1):
        base *= 0.45
    return base


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    os.makedirs(out, exist_ok=True)
    rng = Rng(20260101)
    with open(os.path.join(out, "products.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("product_id,商品名称,category,unit_cost\n")
        for pid, name, cat, cost in PRODUCTS:
            f.write(f"{pid},{name},{cat},{cost}\n")

    traffic_rows = []
    order_rows = []
    seen_customers = set()
    order_no = 0
    day = dt.date(2025, 1, 1)
    while day <= dt.date(2026, 12, 31):
        weekend = day.weekday() >= 5
        for store in STORES:
            for channel in CHANNELS:
                base = {"offline": 24, "online": 16, "mini_program": 12}[channel]
                visits = int(base * store_growth(store, day) * (1.3 if weekend else 1.0) * (0.8 + 0.4 * rng.uniform()))
                traffic_rows.append(f"{day.isoformat()},{store},{channel},{visits}")
                n_orders = 0
                p = conversion(store, channel, day)
                # Binomial draw, visit by visit.
                for _ in range(visits):
                    if rng.uniform() < p:
                        n_orders += 1
                for _ in range(n_orders):
                    order_no += 1
                    ctype_roll = rng.uniform()
                    ctype = "vip" if ctype_roll < 0.15 else ("regular" if ctype_roll < 0.60 else "new")
                    pool = {"new": 4000, "regular": 1500, "vip": 300}[ctype]
                    cust = f"C{ctype[0].upper()}{rng.below(pool):05d}"
                    is_repeat = cust in seen_customers
                    seen_customers.add(cust)
                    pid = rng.pick(PRODUCTS)[0]
                    qty = 1 + rng.below(3 if ctype != "vip" else 5)
                    price = PRICES[pid] * (1.08 if day.year == 2026 and ctype == "vip" else 1.0)
                    gross_cents = int(round(price * 100)) * qty
                    disc_cents = (gross_cents * rng.below(16)) // 100 if rng.uniform() < 0.3 else 0
                    amount_cents = gross_cents - disc_cents
                    hour = 9 + rng.below(13)
                    minute = rng.below(60)
                    ts = dt.datetime(day.year, day.month, day.day, hour, minute, rng.below(60))
                    returned = rng.uniform() < (0.09 if channel == "online" else 0.04)
                    if channel == "offline":
                        shipped = ""
                    else:
                        shipped = (ts + dt.timedelta(hours=4 + rng.below(60))).strftime("%Y-%m-%dT%H:%M:%S")
                    order_rows.append(
                        f"O{order_no:07d},{ts.strftime('%Y-%m-%dT%H:%M:%S')},{store},{channel},{ctype},{cust},{pid},"
                        f"{qty},{amount_cents // 100}.{amount_cents % 100:02d},{disc_cents // 100}.{disc_cents % 100:02d},"
                        f"{'true' if returned else 'false'},{'true' if is_repeat else 'false'},{shipped}")
        day += dt.timedelta(days=1)

    with open(os.path.join(out, "traffic.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("day,store,channel,visitors\n")
        f.write("\n".join(traffic_rows) + "\n")
    with open(os.path.join(out, "orders.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("order_id,下单时间,store,channel,customer_type,customer_id,product_id,quantity,amount,discount,"
                "returned,is_repeat,shipped_at\n")
        f.write("\n".join(order_rows) + "\n")
    print(f"wrote {len(order_rows)} orders and {len(traffic_rows)} traffic rows to {out}")


if __name__ == "__main__":
    main()
