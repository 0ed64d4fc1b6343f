#!/usr/bin/env python3
"""kpic_forecast against statsmodels' ETSModel, the independent oracle.

Usage: statsmodels_test.py KPIC_FORECAST_TOOL TESTS_FORECAST_DIR

Needs Debian's python3-statsmodels (0.13.5); exits 77 (CTest: skipped)
without it. The C++ side runs through kpic_forecast_tool (JSON in, JSON out),
all requests of a check in one process.

Checks, each over every model in the family that applies to the series:
  fixed   at fixed parameters ('known' initialization): log-likelihood, end
          states and point forecasts equal statsmodels' (relative 1e-9);
          intervals equal statsmodels' closed forms for the linear models
          (relative 1e-9) and its simulated quantiles for the others within
          Monte Carlo error (20000 paths each side; 7% of the 95% half width,
          about 5 standard errors of a 2.5% quantile)
  paths   simulation driven by the same innovations equals statsmodels'
          simulate(random_errors=...) (relative 1e-9) for the first season;
          see docs/forecast.md for the multiplicative-season update after it
  gaps    missing periods: the likelihood, end states and forecasts equal
          statsmodels' on the series with each gap filled by statsmodels' own
          one-step prediction (the likelihood over the observed periods)
  fitted  kpic's maximised log-likelihood >= statsmodels' fit(disp=False)
          minus 1e-6 (relative) per model
  chance  the probability of meeting a target (sum of the next h periods plus
          to-date, and the last period) matches the share of statsmodels'
          simulated paths (20000) within 5 standard errors + 0.002
"""
import json
import math
import os
import subprocess
import sys
import time
import warnings

from oracle_env import reexec_or_skip

try:
    import numpy as np
    import pandas as pd
    import statsmodels
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
except ImportError:
    reexec_or_skip()

warnings.simplefilter("ignore")
TOOL, HERE = sys.argv[1], sys.argv[2]
FAILURES = []
REPORT = {}  # check -> worst deviation seen
PATHS = 20000
SEED = 1234


def note(check, value):
    REPORT[check] = max(REPORT.get(check, 0.0), value)


def expect(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))) if a.size else 0.0


def run_tool(requests):
    out = subprocess.run([TOOL], input=json.dumps(requests), capture_output=True, text=True, check=True)
    results = json.loads(out.stdout)
    for r in results:
        if "error" in r:
            raise RuntimeError(r["error"])
    return results


def nums(values):
    return [None if (v is None or not math.isfinite(v)) else float(v) for v in values]


def arr(values):
    return np.array([np.nan if v is None else v for v in values], float)


# ---- data ----------------------------------------------------------------------
def airline():
    values = []
    with open(os.path.join(HERE, "airline.csv")) as f:
        next(f)
        for line in f:
            values.append(float(line.strip().split(",")[1]))
    return np.array(values)


AIR = airline()
expect(len(AIR) == 144 and AIR.sum() == 40363, f"airline.csv: 144 values summing to 40363 (got {len(AIR)}, {AIR.sum()})")
expect(list(AIR[:12]) == [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118], "airline.csv: first year")

rng = np.random.RandomState(20240601)
t60, t32, t48 = np.arange(60), np.arange(32), np.arange(48)
SERIES = {
    # name: (values, m)
    "airline": (AIR, 12),
    "retail": ((200 + 1.5 * t60) * (1 + 0.2 * np.sin(2 * np.pi * t60 / 12)) + rng.normal(0, 6, 60), 12),
    "quarterly": (50 + 0.8 * t32 + np.tile([6.0, -3.0, 2.0, -5.0], 8) + rng.normal(0, 1.5, 32), 4),
    "signed": (3 + 0.1 * t48 + 8 * np.sin(2 * np.pi * t48 / 12) + rng.normal(0, 2, 48), 12),
    "short36": (AIR[:36], 12),
}
MODELS = [e + t + s for e in "AM" for t in ("N", "A", "Ad") for s in "NAM"]


def applies(model, y):
    return (model[0] == "A" and model[-1] != "M") or bool(np.all(y > 0))


def sm_kwargs(model, m):
    trend = model[1:-1]
    kw = dict(error="add" if model[0] == "A" else "mul", trend=None if trend == "N" else "add",
              damped_trend=trend == "Ad", seasonal={"N": None, "A": "add", "M": "mul"}[model[-1]])
    if model[-1] != "N":
        kw["seasonal_periods"] = m
    return kw


def linear(model):
    return model[0] == "A" and model[-1] != "M"


def fixed_params(model, y, m):
    """Plausible parameters and initial states for checks at fixed parameters."""
    p = {"alpha": 0.35, "beta": 0.04 if model[1] == "A" else 0.0, "gamma": 0.15 if model[-1] != "N" else 0.0,
         "phi": 0.92 if "d" in model else 1.0}
    level = float(np.mean(y[:m]))
    p["level0"] = level
    p["trend0"] = float((np.mean(y[m:2 * m]) - np.mean(y[:m])) / m) if model[1] == "A" else 0.0
    if model[-1] == "A":
        p["season0"] = list(y[:m] - level)
    elif model[-1] == "M":
        p["season0"] = list(y[:m] / level)
    return p


def sm_model(model, y, m, p):
    kw = sm_kwargs(model, m)
    kw.update(initialization_method="known", initial_level=p["level0"])
    if model[1] == "A":
        kw["initial_trend"] = p["trend0"]
    if model[-1] != "N":
        kw["initial_seasonal"] = np.array(p["season0"])
    params = [p["alpha"]]
    if model[1] == "A":
        params.append(p["beta"])
    if model[-1] != "N":
        params.append(p["gamma"])
    if "d" in model:
        params.append(p["phi"])
    return ETSModel(y, **kw), np.array(params)


def sm_end(res, model, m):
    out = {"level": float(np.asarray(res.level)[-1])}
    if model[1] == "A":
        out["trend"] = float(np.asarray(res.slope)[-1])
    if model[-1] != "N":
        out["season"] = list(np.asarray(res.season)[-m:])
    return out


def compare_end(check, label, ours, theirs):
    d = abs(ours["level"] - theirs["level"]) / max(1.0, abs(theirs["level"]))
    if "trend" in theirs:
        d = max(d, abs(ours["trend"] - theirs["trend"]) / max(1.0, abs(theirs["level"])))
    if "season" in theirs:
        d = max(d, rel(arr(ours["season"]), theirs["season"]))
    note(check + " end states (rel)", d)
    expect(d < 1e-9, f"{check} {label}: end states differ by {d:.3g}")


# ---- fixed parameters --------------------------------------------------------------
def check_fixed():
    H = 18
    cases, requests = [], []
    for name, (y, m) in SERIES.items():
        if name == "short36":
            continue
        for model in MODELS:
            if not applies(model, y):
                continue
            p = fixed_params(model, y, m)
            cases.append((name, model, y, m, p))
            requests.append({"op": "evaluate", "y": list(y), "model": model, "m": m, "params": p, "h": H,
                             "paths": PATHS, "seed": SEED})
    results = run_tool(requests)
    for (name, model, y, m, p), r in zip(cases, results):
        label = f"{name} {model}"
        mod, params = sm_model(model, y, m, p)
        ll = mod.loglike(params)
        d = abs(r["loglik"] - ll) / abs(ll)
        note("fixed loglik (rel)", d)
        expect(d < 1e-9, f"fixed {label}: loglik {r['loglik']} vs statsmodels {ll}")
        res = mod.smooth(params)
        compare_end("fixed", label, r["end"], sm_end(res, model, m))
        fc = r["forecast"]
        d = rel(arr(fc["mean"]), res.forecast(H))
        note("fixed forecast mean (rel)", d)
        expect(d < 1e-9, f"fixed {label}: point forecasts differ by {d:.3g}")
        if linear(model):
            # get_prediction needs a pandas index in statsmodels 0.13.5.
            index = pd.date_range("2000-01-01", periods=len(y), freq="MS")
            pmod, _ = sm_model(model, pd.Series(y, index=index), m, p)
            pred = pmod.smooth(params).get_prediction(start=len(y), end=len(y) + H - 1)
            for alpha, lo, hi in ((0.2, "lo80", "hi80"), (0.05, "lo95", "hi95")):
                pi = np.asarray(pred.pred_int(alpha=alpha))
                d = max(rel(arr(fc[lo]), pi[:, 0]), rel(arr(fc[hi]), pi[:, 1]))
                note("fixed exact intervals (rel)", d)
                expect(d < 1e-9, f"fixed {label}: {lo}/{hi} differ from statsmodels' closed form by {d:.3g}")
            expect(not fc["simulated"], f"fixed {label}: linear model simulated")
        else:
            sims = np.asarray(res.simulate(H, anchor="end", repetitions=PATHS, random_state=SEED))
            half = (np.quantile(sims, 0.975, axis=1) - np.quantile(sims, 0.025, axis=1)) / 2
            for q, key in ((0.1, "lo80"), (0.9, "hi80"), (0.025, "lo95"), (0.975, "hi95")):
                theirs = np.quantile(sims, q, axis=1)
                # First season: the same recursion as statsmodels; after it, see docs/forecast.md.
                steps = H if model[-1] != "M" else m
                dev = np.abs(arr(fc[key]) - theirs)[:steps] / half[:steps]
                note("fixed simulated intervals (share of 95% half width)", float(dev.max()))
                expect(dev.max() < 0.07, f"fixed {label}: {key} off statsmodels' simulation by {dev.max():.3f} "
                       "of the 95% half width")
                if model[-1] == "M":
                    note("fixed simulated intervals, after the first season, M season (share)",
                         float((np.abs(arr(fc[key]) - theirs) / half)[m:].max()))
            expect(fc["simulated"], f"fixed {label}: nonlinear model not simulated")
    return len(cases)


# ---- simulation with given innovations ----------------------------------------------
def check_paths():
    cases, requests = [], []
    eps_rng = np.random.RandomState(99)
    for name in ("airline", "quarterly", "signed"):
        y, m = SERIES[name]
        for model in MODELS:
            if not applies(model, y):
                continue
            p = fixed_params(model, y, m)
            scale = 0.05 if model[0] == "M" else 0.05 * float(np.mean(np.abs(y)))
            eps = eps_rng.normal(0, scale, 2 * m)
            cases.append((name, model, y, m, p, eps))
            requests.append({"op": "simulate", "y": list(y), "model": model, "m": m, "params": p, "eps": list(eps)})
    results = run_tool(requests)
    for (name, model, y, m, p, eps), r in zip(cases, results):
        mod, params = sm_model(model, y, m, p)
        res = mod.smooth(params)
        theirs = np.asarray(res.simulate(len(eps), anchor="end", repetitions=1, random_errors=eps.reshape(-1, 1)))
        ours = arr(r["path"])
        steps = len(eps) if model[-1] != "M" else m
        d = rel(ours[:steps], theirs.ravel()[:steps])
        note("paths with given innovations (rel)", d)
        expect(d < 1e-9, f"paths {name} {model}: simulated path differs by {d:.3g}")
        if model[-1] == "M":
            note("paths after the first season, M season (rel)", rel(ours, theirs.ravel()))
    return len(cases)


# ---- gaps ------------------------------------------------------------------------
def check_gaps():
    H = 6
    cases, requests = [], []
    for name in ("airline", "quarterly", "signed"):
        y0, m = SERIES[name]
        y = y0.copy()
        gaps = sorted({m + 3, 2 * m + 1, 2 * m + 2, len(y) // 2 + 1, len(y) - 1})  # two in a row, the last
        y[gaps] = np.nan
        for model in MODELS:
            if not applies(model, y0):
                continue
            p = fixed_params(model, y0, m)
            cases.append((name, model, y, m, p, gaps))
            requests.append({"op": "evaluate", "y": nums(y), "model": model, "m": m, "params": p, "h": H})
    results = run_tool(requests)
    for (name, model, y, m, p, gaps), r in zip(cases, results):
        label = f"{name} {model}"
        filled = y.copy()
        for g in gaps:  # statsmodels' own one-step prediction, gap by gap
            mod, params = sm_model(model, filled[:g], m, p)
            filled[g] = float(mod.smooth(params).forecast(1)[0])
        mod, params = sm_model(model, filled, m, p)
        res = mod.smooth(params)
        yhat = np.asarray(res.fittedvalues)
        obs = ~np.isnan(y)
        e = (y[obs] - yhat[obs]) / (yhat[obs] if model[0] == "M" else 1.0)
        n = int(obs.sum())
        ll = -n / 2 * (np.log(2 * np.pi * np.mean(e ** 2)) + 1)
        if model[0] == "M":
            ll -= np.sum(np.log(yhat[obs]))
        d = abs(r["loglik"] - ll) / abs(ll)
        note("gaps loglik (rel)", d)
        expect(d < 1e-9 and r["n"] == n and r["missing"] == len(gaps), f"gaps {label}: loglik {r['loglik']} vs {ll}")
        compare_end("gaps", label, r["end"], sm_end(res, model, m))
        d = rel(arr(r["forecast"]["mean"]), res.forecast(H))
        note("gaps forecast mean (rel)", d)
        expect(d < 1e-9, f"gaps {label}: forecasts differ by {d:.3g}")
    return len(cases)


# ---- free fits ---------------------------------------------------------------------
def check_fitted():
    cases, requests = [], []
    for name, (y, m) in SERIES.items():
        for model in MODELS:
            if applies(model, y):
                cases.append((name, model, y, m))
                requests.append({"op": "fit", "y": list(y), "model": model, "m": m})
    results = run_tool(requests)
    lines, sm_seconds = [], 0.0
    for (name, model, y, m), r in zip(cases, results):
        start = time.process_time()
        fit = ETSModel(y, **sm_kwargs(model, m)).fit(disp=False)
        sm_seconds += time.process_time() - start
        gain = r["loglik"] - fit.llf
        note("fitted: statsmodels' loglik minus kpic's (rel)", max(0.0, -gain / abs(fit.llf)))
        expect(gain >= -1e-6 * abs(fit.llf), f"fitted {name} {model}: loglik {r['loglik']:.6f} < statsmodels "
               f"{fit.llf:.6f}")
        expect(r["short"] == "ETS({},{},{})".format(model[0], model[1:-1], model[-1]),
               f"fitted {name} {model}: fitted {r['short']} instead")
        if name == "airline":
            lines.append(f"  airline {model:5s} kpic {r['loglik']:11.4f}  statsmodels {fit.llf:11.4f}  "
                         f"gain {gain:+.4f}  ({r['seconds'] * 1000:.1f} ms)")
    print("fitted log-likelihoods on the airline series:")
    print("\n".join(lines))
    print(f"  kpic {sum(r['seconds'] for r in results):.2f} s CPU for {len(cases)} fits, statsmodels {sm_seconds:.2f} s")
    return len(cases)


# ---- automatic choice and chance -----------------------------------------------------
def check_auto_and_chance():
    requests = [{"op": "auto", "y": list(AIR), "m": 12, "unit": "month"},
                {"op": "auto", "y": list(AIR[:36]), "m": 12, "unit": "month"},
                {"op": "auto", "y": list(SERIES["retail"][0][:36]), "m": 12, "unit": "month"}]
    results = run_tool(requests)
    air = results[0]
    short = air["short"]
    model = short[4] + short[6:-3].replace(",", "") + short[-2]
    fit = ETSModel(AIR, **sm_kwargs(model, 12)).fit(disp=False)
    print(f"Auto on airline: {short}, loglik {air['loglik']:.4f} (statsmodels' fit of {model}: {fit.llf:.4f}), "
          f"AICc {air['aicc']:.3f}, {air['seconds'] * 1000:.1f} ms\n  why: {air['why']}")
    expect(air["loglik"] >= fit.llf - 1e-6 * abs(fit.llf), "auto airline: loglik below statsmodels'")
    for r in results[1:]:
        print(f"Auto on 36 months: {r['short']} in {r['seconds'] * 1000:.1f} ms CPU\n  why: {r['why']}")

    count = 0
    for name, model, h in (("quarterly", "AAA", 3), ("airline", "MAM", 9), ("signed", "AAdN", 5),
                           ("retail", "MNM", 7)):
        y, m = SERIES[name]
        p = fixed_params(model, y, m)
        mod, params = sm_model(model, y, m, p)
        res = mod.smooth(params)
        sims = np.asarray(res.simulate(h, anchor="end", repetitions=PATHS, random_state=SEED))
        to_date = float(np.sum(y[-3:]))
        for cumulative in (True, False):
            quantity = to_date + sims.sum(axis=0) if cumulative else sims[-1]
            for cmp, target in ((">=", float(np.quantile(quantity, 0.3))), ("<", float(np.quantile(quantity, 0.6)))):
                count += 1
                theirs = float(np.mean(quantity >= target) if cmp == ">=" else np.mean(quantity < target))
                r = run_tool([{"op": "chance", "y": list(y), "model": model, "m": m, "params": p, "h": h,
                               "to_date": to_date, "cumulative": cumulative, "cmp": cmp, "target": target,
                               "paths": PATHS, "seed": SEED}])[0]["outlook"]
                se = math.sqrt(theirs * (1 - theirs) / PATHS * (1 if linear(model) else 2))
                d = abs(r["probability"] - theirs)
                note("chance probability (abs)", d)
                expect(d <= 5 * se + 0.002, f"chance {name} {model} cumulative={cumulative} {cmp}: "
                       f"{r['probability']:.4f} vs simulated {theirs:.4f}")
                expect(r["status"] == ("on track" if r["probability"] >= 0.8 else
                                       "at risk" if r["probability"] >= 0.5 else "off track"), "chance status")
                mean = to_date + res.forecast(h).sum() if cumulative else res.forecast(h)[-1]
                expect(abs(r["end_mean"] - mean) <= 1e-9 * max(1, abs(mean)), f"chance {name} {model}: end mean")
    return count + len(requests)


def main():
    print(f"statsmodels {statsmodels.__version__}, numpy {np.__version__}")
    counts = {}
    for check in (check_fixed, check_paths, check_gaps, check_fitted, check_auto_and_chance):
        start = time.time()
        counts[check.__name__] = check()
        print(f"{check.__name__}: {counts[check.__name__]} cases, {time.time() - start:.1f} s")
    print("worst deviations:")
    for key, value in sorted(REPORT.items()):
        print(f"  {key}: {value:.3g}")
    total = sum(counts.values())
    print(f"{total} cases checked, {len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
