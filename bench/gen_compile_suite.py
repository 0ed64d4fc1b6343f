#!/usr/bin/env python3
"""The benchmark's 50-metric compile suite over orders (see
../shared/design/benchmark.md, "Compile"): 10 filtered sums, 10 filtered
counts, 5 distinct counts, 5 averages, 10 ratios and 10 derived metrics.
usage: gen_compile_suite.py OUT.kpi"""
import sys

filters = ['orders.channel == "online"', 'orders.channel == "app"', 'orders.customer_type == "vip"',
           'orders.customer_type == "new"', 'orders.returned', 'not orders.returned', 'orders.discount > 0.1',
           'orders.amount > 100 CNY', 'orders.channel in ("wechat", "offline")', 'orders.amount * orders.discount > 5 CNY']
out = ['package bench_compile', '', 'dimension channel: string', '',
       'source orders from csv("orders.csv") {', '  ts:            timestamp  time',
       '  store_id:      string', '  channel:       string     -> channel', '  customer_id:   int        entity customer',
       '  customer_type: string', '  amount:        decimal(2) unit CNY', '  discount:      decimal(2)',
       '  returned:      bool', '}', '']
for i, f in enumerate(filters):
    out.append(f'metric fsum{i}: CNY = sum(orders.amount where {f})')
for i, f in enumerate(filters):
    out.append(f'metric fcount{i} = count(orders where {f})')
for i, f in enumerate(filters[:5]):
    out.append(f'metric fdistinct{i} = count_distinct(orders.customer_id where {f})')
for i, f in enumerate(filters[5:]):
    out.append(f'metric favg{i}: CNY = avg(orders.amount where {f})')
for i in range(10):
    out.append(f'metric ratio{i} = fsum{i} / sum(orders.amount)')
for i in range(10):
    out.append(f'metric derived{i} = (fsum{i} - fsum{(i + 1) % 10}) / fsum{(i + 2) % 10} + ratio{(i + 3) % 10} * fcount{i} / fcount{(i + 4) % 10}')
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
