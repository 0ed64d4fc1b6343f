#!/usr/bin/env python3
"""Goals' forecasts (docs/language.md, "Forecasts") against statsmodels.

Usage: goal_forecast_test.py KPIC ROOT

Writes a package with monthly sales of two stores from 2023-01 to 2026-12
(a trend, a yearly season and deterministic noise), then checks `kpic run
--goal ... --format json` with everything expected computed here:

  history   the series fitted is the monthly totals this script sums from
            its own rows, from the first month to the last complete one
            before the as-of date (a partial month is not fitted)
  oracle    with the model and parameters kpic reports, statsmodels'
            ETSModel (0.13.5, initialization_method='known') gives the
            same point forecasts (1e-6 relative) and, for linear models,
            the same intervals; otherwise the intervals match statsmodels'
            simulated quantiles within 7% of the 95% half width
  chance    the target (the sum of 1.5 x, or 0.9 x, last year's months) and
            the total so far are this script's sums; the probability of
            meeting the target equals the share of 20,000 paths simulated
            by statsmodels within 5 standard errors + 0.002
  alerts    `forecast.probability < 50%` fires on the ambitious goal (for
            the total and for each store whose own probability is below
            50%) and not on the modest one; members at risk are ranked by
            their probability
  example   examples/retail's own monthly sales (summed here from its
            orders.csv): kpic's log-likelihood at its parameters equals
            statsmodels' (1e-9 relative), statsmodels' own fit of the same
            model reaches no higher (1e-6 relative), and the point
            forecasts agree
  edges     a goal whose period is over has no forecast and no warning; a
            goal that begins in two years gives W0709; 3 months of history
            fall back to simple exponential smoothing and say why (with no
            rows a year earlier there is no target, and no chance)

Needs Debian's python3-statsmodels; exits 77 (CTest: skipped) without it.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_env import reexec_or_skip  # noqa: E402


try:
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
except ImportError:
    reexec_or_skip()

warnings.simplefilter("ignore")
KPIC, ROOT = sys.argv[1], sys.argv[2]
FAILURES = []
PATHS = 20000

PACKAGE = """
dimension store: string
source orders from csv("orders.csv") {
  day:    date time
  store:  string -> store
  amount: decimal(2) unit CNY
}
metric sales: CNY = sum(orders.amount)

goal ambitious {
  metric sales
  period 2026 by month
  target sales >= 1.5 * sales.last_year
  drill  store
  alert  "unlikely" when forecast.probability < 50% severity critical
}
goal modest {
  metric sales
  period 2026 by month
  target sales >= 0.9 * sales.last_year
  alert  "unlikely" when forecast.probability < 50%
}
goal close {
  metric sales
  period 2026 by month
  target sales >= 1.107 * sales.last_year
  alert  "unlikely" when forecast.probability < 50%
}
goal absolute {
  metric sales
  period 2026 by month
  target sales >= 100000 CNY
  drill  store
}
goal later {
  metric sales
  period 2028 by month
  target sales >= 100 CNY
  alert  "unlikely" when forecast.probability < 50%
}
"""


def expect(ok, what):
    if not ok:
        FAILURES.append(what)


def months(y0, m0, n):
    out = []
    for k in range(n):
        y, m = divmod(m0 - 1 + k, 12)
        out.append((y0 + y, m + 1))
    return out


def write_package(tmp, first=(2023, 1)):
    """Two rows per store and month (the 3rd and the 20th)."""
    rows = []
    seed = 12345
    for i, (y, m) in enumerate(months(first[0], first[1], (2026 - first[0]) * 12 + 13 - first[1])):
        for s, base in (("A", 1000.0), ("B", 600.0)):
            for day in (3, 20):
                seed = (seed * 1103515245 + 12345) % 2**31
                noise = (seed / 2**31 - 0.5) * 0.08
                season = 1 + 0.25 * math.sin(2 * math.pi * (m - 3) / 12)
                trend = 1 + 0.012 * i * (1.3 if s == "A" else 0.4)
                rows.append((f"{y:04d}-{m:02d}-{day:02d}", s, round(base * season * trend * (1 + noise), 2)))
    with open(os.path.join(tmp, "orders.csv"), "w") as f:
        f.write("day,store,amount\n")
        for d, s, a in rows:
            f.write(f"{d},{s},{a:.2f}\n")
    with open(os.path.join(tmp, "p.kpi"), "w") as f:
        f.write(PACKAGE)
    return rows


def monthly(rows, store=None, upto=None):
    """Monthly totals in cents (exact), by (year, month)."""
    out = {}
    for d, s, a in rows:
        if store and s != store:
            continue
        if upto and d > upto:
            continue
        key = (int(d[:4]), int(d[5:7]))
        out[key] = out.get(key, 0) + round(a * 100)
    return out


def run(tmp, *args, code=0):
    p = subprocess.run([KPIC, "run", os.path.join(tmp, "p.kpi"), *args], capture_output=True, text=True)
    expect(p.returncode == code, f"kpic run {' '.join(args)}: exit {p.returncode}, expected {code}: {p.stderr[-500:]}")
    return p


def goal(out, name):
    return next(g for g in json.loads(out)["goals"] if g["name"] == name)


def sm(model_params, y):
    p = model_params
    kw = dict(error="add" if p["error"] == "A" else "mul", trend=None if p["trend"] == "N" else "add",
              damped_trend=p["trend"] == "Ad", seasonal={"N": None, "A": "add", "M": "mul"}[p["season"]],
              initialization_method="known", initial_level=p["level0"])
    if p["season"] != "N":
        kw["seasonal_periods"] = p["m"]
        kw["initial_seasonal"] = np.array(p["season0"])
    if p["trend"] != "N":
        kw["initial_trend"] = p["trend0"]
    params = [p["alpha"]]
    if p["trend"] != "N":
        params.append(p["beta"])
    if p["season"] != "N":
        params.append(p["gamma"])
    if p["trend"] == "Ad":
        params.append(p["phi"])
    index = pd.date_range("2000-01-01", periods=len(y), freq="MS")
    return ETSModel(pd.Series(y, index=index), **kw).smooth(np.array(params))


def rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


def check_goal(tmp, rows, name, factor, as_of, last_complete, alert_expected, partial=None):
    """partial: (actual so far in cents, share of the month elapsed) of the
    month in progress at the as-of date, which counts its days so far as
    they are and (1 - elapsed) of its forecast."""
    out = run(tmp, "--goal", name, "--as-of", as_of, "--format", "json").stdout
    g = goal(out, name)
    f = g.get("forecast")
    expect(f is not None, f"{name} as of {as_of}: no forecast")
    if f is None:
        return
    tot = monthly(rows)
    hist = [k for k in months(2023, 1, 48) if k <= last_complete]
    y = np.array([tot[k] / 100 for k in hist])
    where = f"{name} as of {as_of}"
    expect(f["history"] == {"from": "2023-01", "to": f"{last_complete[0]}-{last_complete[1]:02d}",
                            "periods": len(hist), "missing": 0}, f"{where}: history {f['history']}")
    rest = [k for k in months(2026, 1, 12) if k > last_complete]
    expect([p["period"] for p in f["periods"]] == [f"{a}-{b:02d}" for a, b in rest], f"{where}: periods")
    expect(f["method"] == "ets" and "params" in f, f"{where}: method {f['method']}")
    if f["method"] != "ets":
        return
    p = f["params"]
    res = sm(p, y)
    h = len(rest)
    mean = np.asarray(res.forecast(h))
    d = rel([x["value"] for x in f["periods"]], mean)
    expect(d < 1e-6, f"{where}: point forecasts differ from statsmodels' by {d:.3g} ({f['model']})")
    linear = p["error"] == "A" and p["season"] != "M"
    if linear:
        pred = res.get_prediction(start=len(y), end=len(y) + h - 1)
        for alpha, lo, hi in ((0.2, "lo80", "hi80"), (0.05, "lo95", "hi95")):
            pi = np.asarray(pred.pred_int(alpha=alpha))
            d = max(rel([x[lo] for x in f["periods"]], pi[:, 0]), rel([x[hi] for x in f["periods"]], pi[:, 1]))
            expect(d < 1e-6, f"{where}: {lo}/{hi} differ from statsmodels' by {d:.3g}")
    sims = np.asarray(res.simulate(h, anchor="end", repetitions=PATHS, random_state=7))
    if not linear:
        half = (np.quantile(sims, 0.975, axis=1) - np.quantile(sims, 0.025, axis=1)) / 2
        for q, key in ((0.1, "lo80"), (0.9, "hi80"), (0.025, "lo95"), (0.975, "hi95")):
            dev = np.abs(np.array([x[key] for x in f["periods"]]) - np.quantile(sims, q, axis=1)) / half
            steps = h if p["season"] != "M" else min(h, p["m"])
            expect(dev[:steps].max() < 0.07, f"{where}: {key} off statsmodels' simulation by {dev.max():.3f}")
    # What is compared: the year so far plus the forecast months, against the
    # sum of the months' targets (factor x the same month a year earlier).
    to_date = sum(tot[k] for k in months(2026, 1, 12) if k <= last_complete) / 100
    weights = np.ones(h)
    if partial:
        to_date += partial[0] / 100
        weights[0] = 1 - partial[1]
        nxt = rest[0]
        expect(f.get("in_progress") == {"period": f"{nxt[0]}-{nxt[1]:02d}", "to_date": partial[0] / 100,
                                        "elapsed": partial[1]}, f"{where}: in_progress {f.get('in_progress')}")
    else:
        expect("in_progress" not in f, f"{where}: in_progress {f.get('in_progress')}")
    target = factor * sum(tot[(2025, m)] for m in range(1, 13)) / 100
    expect(f["compared"] == "total", f"{where}: compared {f['compared']}")
    expect(abs(f["to_date"] - to_date) < 1e-6, f"{where}: to_date {f['to_date']} vs {to_date}")
    expect(abs(f["target"] - target) < 1e-6 * target, f"{where}: target {f['target']} vs {target}")
    quantity = to_date + (weights[:, None] * sims).sum(axis=0)
    theirs = float(np.mean(quantity >= target))
    se = math.sqrt(max(theirs * (1 - theirs), 1e-4) / PATHS * 2)
    expect(abs(f["probability"] - theirs) <= 5 * se + 0.002,
           f"{where}: probability {f['probability']:.4f} vs statsmodels' paths {theirs:.4f}")
    status = "on_track" if f["probability"] >= 0.8 else "at_risk" if f["probability"] >= 0.5 else "off_track"
    expect(f["forecast_status"] == status, f"{where}: forecast_status {f['forecast_status']}")
    expect(abs(f["end"]["value"] - (to_date + (weights * mean).sum())) < 1e-6 * target, f"{where}: end value")
    if linear:
        # The total's 80% interval: Gaussian, its spread from the paths'.
        sd = float(np.std(quantity))
        mid = (f["end"]["hi80"] + f["end"]["lo80"]) / 2
        half = (f["end"]["hi80"] - f["end"]["lo80"]) / 2
        expect(abs(half - 1.2815515655446004 * sd) <= 0.05 * half and abs(mid - f["end"]["value"]) < 1e-6 * target,
               f"{where}: the total's 80% interval {f['end']['lo80']}..{f['end']['hi80']} vs paths' sd {sd}")
    # The alert: once, on the latest period with data, for the total and for
    # each store below 50%.
    fired = [a for a in g["alerts"] if a["name"] == "unlikely"]
    total = [a for a in fired if not a["dims"]]
    if alert_expected is None:
        # In between: the case for an exact chance.
        expect(0.02 < f["probability"] < 0.98, f"{where}: probability {f['probability']} is not in between")
        alert_expected = f["probability"] < 0.5
    expect(bool(total) == alert_expected, f"{where}: total alert fired {bool(total)}, expected {alert_expected}")
    expect((f["probability"] < 0.5) == alert_expected, f"{where}: the data does not make the case "
           f"(probability {f['probability']})")
    if total:
        expect(abs(float(total[0]["value"]) - f["probability"]) < 1e-12, f"{where}: alert value")
    if g["drill"]:
        risk = g["drill"][0]["at_risk"]
        probs = [m["forecast"]["probability"] for m in risk]
        expect(probs == sorted(probs), f"{where}: at_risk not by probability: {probs}")
        for m in risk:
            store = m["member"]
            st = monthly(rows, store)
            want = factor * sum(st[(2025, mm)] for mm in range(1, 13)) / 100
            expect(abs(m["forecast"]["target"] - want) < 1e-6 * want, f"{where}: {store} target")
            below = m["forecast"]["probability"] < 0.5
            got = any(a["dims"].get("store") == store for a in fired)
            expect(got == below, f"{where}: store {store} alert {got}, probability {m['forecast']['probability']}")


def check_example():
    """examples/retail's goal `grow_sales` as of 30 September 2026."""
    import csv
    tot = {}
    with open(os.path.join(ROOT, "examples/retail/data/orders.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["returned"] == "false":  # sales: the amount not returned (naive times, local days)
                key = (int(r["下单时间"][:4]), int(r["下单时间"][5:7]))
                tot[key] = tot.get(key, 0) + round(float(r["amount"]) * 100)
    p = subprocess.run([KPIC, "run", os.path.join(ROOT, "examples/retail"), "--goal", "grow_sales", "--as-of",
                        "2026-09-30", "--format", "json"], capture_output=True, text=True)
    expect(p.returncode == 0, f"example: exit {p.returncode}: {p.stderr[-300:]}")
    if p.returncode != 0:
        return
    f = goal(p.stdout, "grow_sales")["forecast"]
    hist = months(2025, 1, 21)
    y = np.array([tot[k] / 100 for k in hist])
    expect(f["history"]["from"] == "2025-01" and f["history"]["periods"] == 21, f"example: history {f['history']}")
    if f["method"] != "ets":
        expect(False, f"example: method {f['method']}")
        return
    prm = f["params"]
    res = sm(prm, y)
    ll = float(res.llf)
    expect(abs(f["loglik"] - ll) <= 1e-9 * abs(ll), f"example: loglik {f['loglik']} vs statsmodels {ll}")
    d = rel([x["value"] for x in f["periods"]], np.asarray(res.forecast(3)))
    expect(d < 1e-6, f"example: point forecasts differ by {d:.3g}")
    kw = dict(error="add" if prm["error"] == "A" else "mul", trend=None if prm["trend"] == "N" else "add",
              damped_trend=prm["trend"] == "Ad", seasonal={"N": None, "A": "add", "M": "mul"}[prm["season"]])
    if prm["season"] != "N":
        kw["seasonal_periods"] = prm["m"]
    theirs = float(ETSModel(y, **kw).fit(disp=False).llf)
    expect(f["loglik"] >= theirs - 1e-6 * abs(theirs), f"example: fitted loglik {f['loglik']} below statsmodels' {theirs}")


def main():
    check_example()
    with tempfile.TemporaryDirectory() as tmp:
        rows = write_package(tmp)
        # As of the end of June: July to December are forecast.
        check_goal(tmp, rows, "ambitious", 1.5, "2026-06-30", (2026, 6), True)
        check_goal(tmp, rows, "modest", 0.9, "2026-06-30", (2026, 6), False)
        # As of 15 June: June is partial, so May is the last month fitted;
        # June's rows so far (the 3rd) count as they are, and half of June's
        # forecast (15 of 30 days gone) is still to come.
        june = sum(round(a * 100) for d, _, a in rows if "2026-06-01" <= d <= "2026-06-15")
        check_goal(tmp, rows, "ambitious", 1.5, "2026-06-15", (2026, 5), True, partial=(june, 0.5))
        # A goal chance in between (the total's spread matters): a target
        # just above what the trend makes likely.
        check_goal(tmp, rows, "close", 1.107, "2026-06-15", (2026, 5), None, partial=(june, 0.5))
        # The goal begins the period after the as-of date's (mid-December
        # 2025): December is not part of it (weight 0), January to December
        # 2026 are forecast.
        p = run(tmp, "--goal", "modest", "--as-of", "2025-12-15", "--format", "json")
        f = goal(p.stdout, "modest").get("forecast")
        expect(f is not None, "next period: no forecast (W0709?)")
        if f:
            expect([x["period"] for x in f["periods"]] == [f"2026-{m:02d}" for m in range(1, 13)],
                   f"next period: periods {[x['period'] for x in f['periods']]}")
            tot = monthly(rows)
            y = np.array([tot[k] / 100 for k in months(2023, 1, 35)])
            mean = np.asarray(sm(f["params"], y).forecast(13))
            expect(f["to_date"] == 0 and "in_progress" not in f, f"next period: to_date {f['to_date']}")
            want = float(mean[1:].sum())
            expect(abs(f["end"]["value"] - want) < 1e-6 * want, f"next period: end {f['end']['value']} vs {want}")
            codes = [w["code"] for w in json.loads(p.stdout)["warning_codes"]]
            expect("W0709" not in codes, f"next period: warnings {codes}")
        # Members of a goal with a company-wide absolute target have no
        # target of their own, but still a forecast with its intervals.
        p = run(tmp, "--goal", "absolute", "--as-of", "2026-06-30", "--format", "json")
        g = goal(p.stdout, "absolute")
        ms = [m for dr in g["drill"] for m in dr["top"]]
        expect(len(ms) == 2 and all(m.get("forecast") and m["forecast"]["value"] is not None and
                                    m["forecast"]["lo80"] is not None and
                                    m["forecast"]["probability"] is None and
                                    m["forecast"]["forecast_status"] == "unknown" for m in ms),
               f"no target: members' forecasts {[m.get('forecast') for m in ms]}")
        # The window cuts the goal (probe, 2026-12-05): the forecast's total
        # so far and target count the goal's days, as its rows do. It read
        # all of March before a --from of 10 March and all of June after an
        # as-of date of 15 June (a --to), and compared with March's whole
        # target. By hand: rows from 10 March to 15 June 2026 (the 20 March,
        # April's, May's and 3 June); the target is 1.5 x last year's rows
        # from 10 to 31 March and the months from April to December.
        p = run(tmp, "--goal", "ambitious", "--from", "2026-03-10", "--as-of", "2026-06-15", "--format", "json")
        f = goal(p.stdout, "ambitious").get("forecast", {})
        so_far = sum(round(a * 100) for d, _, a in rows if "2026-03-10" <= d <= "2026-06-15") / 100
        ly = sum(round(a * 100) for d, _, a in rows if "2025-03-10" <= d <= "2025-12-31") * 1.5 / 100
        expect(abs(f.get("to_date", -1) - so_far) < 1e-6, f"--from: to_date {f.get('to_date')} vs {so_far}")
        expect(abs(f.get("target", -1) - ly) < 1e-6, f"--from: target {f.get('target')} vs {ly}")
        # A --to that ends the goal's days at the as-of date leaves nothing
        # to forecast (it forecast June 16 to 30 and the months after).
        p = run(tmp, "--goal", "ambitious", "--to", "2026-06-16", "--format", "json")
        g = goal(p.stdout, "ambitious")
        expect("forecast" not in g, f"--to: a forecast {g.get('forecast', {}).get('to_date')}")
        # Over: no forecast, and no warning.
        p = run(tmp, "--goal", "ambitious", "--as-of", "2026-12-31", "--format", "json")
        g = goal(p.stdout, "ambitious")
        expect("forecast" not in g, "over: a forecast")
        # (W0708 says the rows end on 20 December, before the as-of date.)
        codes = [w["code"] for w in json.loads(p.stdout)["warning_codes"]]
        expect(codes == ["W0708"], f"over: warnings {codes}")
        # Not begun: W0709.
        p = run(tmp, "--goal", "later", "--as-of", "2026-06-30", "--format", "json")
        codes = [w["code"] for w in json.loads(p.stdout)["warning_codes"]]
        expect(codes == ["W0708", "W0709"], f"later: warnings {codes}")
        # The table and the HTML report say it.
        p = run(tmp, "--goal", "ambitious", "--as-of", "2026-06-30")
        expect("forecast to 2026-12:" in p.stdout and "chance of meeting it" in p.stdout, "table: forecast line")
        expect("chance of meeting their own target, by store, lowest first:" in p.stdout, "table: members at risk")
        p = run(tmp, "--goal", "ambitious", "--as-of", "2026-06-30", "--format", "html", "--lang", "en")
        expect("<h3>Forecast <span" in p.stdout and "80% interval" in p.stdout, "html: forecast section")
        p = run(tmp, "--goal", "ambitious", "--as-of", "2026-06-30", "--format", "html", "--lang", "zh")
        expect("<h3>预测 <span" in p.stdout and "80% 区间" in p.stdout, "html: forecast section in Chinese")
    with tempfile.TemporaryDirectory() as tmp:
        # 3 months of history (April to June 2026): the fallback says why.
        rows = write_package(tmp, first=(2026, 4))
        p = run(tmp, "--goal", "modest", "--as-of", "2026-06-30", "--format", "json")
        f = goal(p.stdout, "modest").get("forecast", {})
        expect(f.get("model") == "ETS(A,N,N)" and "3 months of history" in f.get("why", ""),
               f"short: {f.get('model')} {f.get('why')}")
        # No rows a year earlier: 0.9 x last year's 0 is no target (it was a
        # target of 0, met for sure: a store opened this year showed a 100%
        # chance; probe, 2026-12-05), so no chance either.
        expect(f.get("target") is None and f.get("probability") is None and f.get("forecast_status") == "unknown",
               f"short: target {f.get('target')}, probability {f.get('probability')}")
    with tempfile.TemporaryDirectory() as tmp:
        # A month without any row (May 2024, a gap in the data) is missing,
        # not a month of zero sales.
        rows = [r for r in write_package(tmp) if not r[0].startswith("2024-05")]
        with open(os.path.join(tmp, "orders.csv"), "w") as f:
            f.write("day,store,amount\n")
            for d, st, a in rows:
                f.write(f"{d},{st},{a:.2f}\n")
        p = run(tmp, "--goal", "modest", "--as-of", "2026-06-30", "--format", "json")
        f = goal(p.stdout, "modest").get("forecast", {})
        expect(f.get("history", {}).get("missing") == 1 and f["history"]["periods"] == 42,
               f"gap: history {f.get('history')}")
        expect("1 of them missing" in f.get("why", ""), f"gap: why {f.get('why')}")
    with tempfile.TemporaryDirectory() as tmp:
        # 201 stores: at most 200 members are forecast (the largest in the
        # latest period), and the forecast alert fires for those alone, so
        # the smallest store (s000, 1.00 a month) has neither.
        with open(os.path.join(tmp, "orders.csv"), "w") as f:
            f.write("day,store,amount\n")
            for y, m in months(2025, 1, 18):
                for i in range(201):
                    f.write(f"{y:04d}-{m:02d}-05,s{i:03d},{1 + i * 10 + (m % 3)}.00\n")
        with open(os.path.join(tmp, "p.kpi"), "w") as f:
            f.write(PACKAGE.replace('goal ambitious {', 'goal many {\n  metric sales\n  period 2026 by month\n'
                                    '  target sales >= 1.2 * sales.last_year\n  drill  store top 300\n'
                                    '  alert  "any" when forecast.probability <= 100%\n}\ngoal ambitious {'))
        p = run(tmp, "--goal", "many", "--as-of", "2026-06-30", "--format", "json")
        g = goal(p.stdout, "many")
        stores = [a["dims"]["store"] for a in g["alerts"] if a["name"] == "any" and a["dims"]]
        forecast_members = [m["member"] for m in g["drill"][0]["top"] if m.get("forecast")]
        expect(len(stores) == 200 and "s000" not in stores, f"cap: {len(stores)} member alerts, s000 in: {'s000' in stores}")
        expect(len(forecast_members) == 200 and "s000" not in forecast_members,
               f"cap: {len(forecast_members)} members forecast")
    if FAILURES:
        print("\n".join(FAILURES))
        sys.exit(1)
    print("goal forecasts: every check agrees with statsmodels and the hand sums")


main()
