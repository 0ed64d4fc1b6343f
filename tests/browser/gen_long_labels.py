#!/usr/bin/env python3
"""Writes a package shaped like examples/retail, but with long labels (Chinese
and English, 60+ characters) and many members (40 stores, 12 channels), for
the browser test: its report must still fit a phone's width.

The data is deterministic (examples/xorshift.py) and small: one traffic row
per store, channel and month, and a few orders per row.
usage: gen_long_labels.py OUT_DIR
"""
import datetime as dt
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
from xorshift import Rng  # noqa: E402

CITIES = ["北京", "上海", "广州", "深圳", "成都", "杭州", "南京", "武汉", "西安", "重庆"]
STORES = []
for i in range(40):
    if i % 2 == 0:
        STORES.append(f"{CITIES[i % 10]}市中心区国际金融中心购物广场地下一层东侧旗舰体验店第{i + 1:02d}分店（含线上自提点与会员服务中心）")
    else:
        STORES.append(f"Store {i + 1:02d} - The Very Long Flagship Experience Store at International Finance Centre - Level B1 East Wing")
CHANNELS = [f"channel_{i + 1:02d}_{'线下门店直营渠道与加盟合作伙伴联合销售网络覆盖全国主要城市' if i % 2 else 'online_marketplace_partner_program_with_a_remarkably_long_identifier'}"
            for i in range(12)]
CUSTOMER_TYPES = ["new", "regular", "vip"]
PRODUCTS = [(f"P{i + 1:03d}", f"商品{i + 1}", ["家居", "服饰", "数码", "食品"][i % 4], f"{20 + 7 * i}.50") for i in range(8)]

LONG_ZH = "门店业绩同比提升百分之二十八并在全国四十家门店与十二个销售渠道中保持客单价与转化率双增长的年度经营总目标"
LONG_EN = "Grow same-store net sales by twenty-eight percent year over year across every store and every channel"

KPI = f'''/// A retail chain with long labels and many members (browser test).
package longlabels

dimension store "门店名称（按照集团统一的门店编码与全称登记，包含所在城市、商圈、楼层与门店类型的完整描述）": string
dimension channel "销售渠道（线上线下全渠道，包括第三方平台、小程序、社群团购与加盟合作伙伴）": string
dimension customer_type "客户类型": string

source orders "订单明细（集团全部门店与全部渠道的销售订单，含退货标记与会员身份）" from csv("data/orders.csv") {{
  order_id:      string     key entity order
  ordered_at:    timestamp  time "下单时间"
  store:         string     -> store
  channel:       string     -> channel
  customer_type: string     -> customer_type
  customer_id:   string     entity customer
  amount:        decimal(2) unit CNY
  returned:      bool
}}

source traffic "客流" from csv("data/traffic.csv") {{
  day:      date   time
  store:    string -> store
  channel:  string -> channel
  visitors: int    unit visit
}}

/// Net sales after returns.
metric sales "{LONG_ZH}（销售额）": CNY = sum(orders.amount) where not orders.returned
  owner "sales-operations-and-planning-department-of-the-group-headquarters"
  label.en "{LONG_EN} (net sales)"

metric order_count "不含退货的有效订单数量（按下单日期统计，跨渠道去重后的订单总数）" = count(orders) where not orders.returned
  owner "sales-ops"

metric visitors "全部门店与全部渠道的访客数量（含线上访问与线下进店客流）" = sum(traffic.visitors)
  owner "store-ops"

metric aov "平均每笔有效订单的销售金额（客单价，按不含退货的订单计算）": CNY/order = sales / order_count
  owner "sales-ops"

metric conversion "访客到有效订单的转化率（有效订单数除以全部访客数，按月计算）": percent = order_count / visitors
  owner "growth"

metric return_rate "退货订单占全部订单的比例（按下单日期统计，含部分退货）": percent =
  count(orders where orders.returned) / count(orders)
  owner "sales-ops"

goal grow_sales "{LONG_ZH}" {{
  owner     "retail-operations-excellence-program-office"
  metric    sales
  period    2026 by month
  target    sales >= 1.28 * sales.last_year
  at_risk   95%
  decompose sales = visitors * conversion * aov
  drill     store, channel
  alert     "转化率过低：任何一个月的访客到有效订单转化率低于百分之一点五时需要门店店长立即复盘" when conversion < 1.5% severity critical
  alert     "Net sales fell more than ten percent month over month in at least one store or channel" when sales.change(month) < -10% severity warning
  alert     "退货率偏高（超过百分之八）" when return_rate > 8% severity warning
}}

role store_manager "门店店长（仅可查看本人负责门店的订单与客流数据）"(store_id: string) {{
  orders    where orders.store == store_id
  traffic   where traffic.store == store_id
}}

report weekly "{LONG_ZH}（运营周报）" {{
  goals grow_sales
  chart sales by month as line
  chart conversion by channel as bar
  chart aov by store as bar
  chart return_rate by month as line
}}
'''


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    with open(os.path.join(out, "longlabels.kpi"), "w", encoding="utf-8") as f:
        f.write(KPI)
    rng = Rng(20260202)
    traffic, orders = [], []
    n = 0
    for year in (2025, 2026):
        for month in range(1, 13):
            day = dt.date(year, month, 28)
            for si, store in enumerate(STORES):
                for ci, channel in enumerate(CHANNELS):
                    growth = 1.0 if year == 2025 else (1.5 if si % 7 == 0 else 1.15)
                    visits = int((200 + 10 * ci) * growth * (0.8 + 0.4 * rng.uniform()))
                    traffic.append(f"{day.isoformat()},{store},{channel},{visits}")
                    for _ in range(1 + rng.below(3)):
                        n += 1
                        ctype = rng.pick(CUSTOMER_TYPES)
                        cents = 1000 + rng.below(90000)
                        ts = dt.datetime(year, month, 1 + rng.below(28), 9 + rng.below(12), rng.below(60))
                        returned = "true" if rng.uniform() < 0.06 else "false"
                        orders.append(f"O{n:07d},{ts.strftime('%Y-%m-%dT%H:%M:%S')},{store},{channel},{ctype},"
                                      f"C{rng.below(5000):05d},{cents // 100}.{cents % 100:02d},{returned}")
    with open(os.path.join(out, "data", "traffic.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("day,store,channel,visitors\n" + "\n".join(traffic) + "\n")
    with open(os.path.join(out, "data", "orders.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("order_id,下单时间,store,channel,customer_type,customer_id,amount,returned\n" + "\n".join(orders) + "\n")
    print(STORES[0])  # a member for --role store_manager --param store_id=...


if __name__ == "__main__":
    main()
