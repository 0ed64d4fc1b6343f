#!/usr/bin/env python3
"""Measured effects of actions, where the probe of 2026-12-06 found them
misleading; every expected figure is worked out here from the data.

- A member acted on by another action through a member that holds it
  (S1 x online, under an action on store S1) was a "member without an
  action" and moved the comparison: it is left out.
- Another action on the same member in the same windows was not named:
  the statement now says the change is theirs together.
- A clear effect whose trend before the action could not be checked (no
  data before its before window) read like one whose check passed.
- An action that ended before its first whole month began said "no whole
  month after the start yet": it cannot be measured by month at all.
- With the data ending on 15 December, `--as-of 2025-12-31` made December
  whole in the windows but partial in the member's coverage: "no value in
  December".
- Under a role the members compared with are the role's, and the
  statement says so; a store manager's total alert is answered by the
  action on the store, as the store's own alert line is.
usage: action_windows.py KPIC"""
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

KPIC = sys.argv[1]
checks = Checks("action windows")
expect = checks.expect


tmp = tempfile.mkdtemp()
pkg = os.path.join(tmp, "shop")
os.makedirs(os.path.join(pkg, "actions"))
stores = ["S1", "S2", "S3", "S4", "S5"]
rows = []
d = dt.date(2025, 1, 1)
i = 0
while d <= dt.date(2025, 12, 15):
    for si, s in enumerate(stores):
        for ch in ("on", "off"):
            cents = 100000 + si * 7000 + (3000 if ch == "on" else 0) + (i * 37 % 23) * 150
            if s == "S3" and d >= dt.date(2025, 4, 1):
                cents = cents * 3 // 2  # the effect of c_s3
            if s == "S2" and d.month == 11:
                cents = cents // 2  # November's drop, the alert's cause
            rows.append((d.isoformat(), s, ch, cents))
            i += 1
    d += dt.timedelta(days=1)
with open(os.path.join(pkg, "sales.csv"), "w") as f:
    f.write("day,store,channel,amount\n")
    for r in rows:
        f.write(f"{r[0]},{r[1]},{r[2]},{r[3] // 100}.{r[3] % 100:02d}\n")
GOAL = """metric revenue: CNY = sum(sales.amount)
goal grow {
  metric revenue
  period 2025 by month
  target revenue >= 1.0 * revenue.last_year
  drill  store
  alert  "down" when revenue.change(month) < -10%
}
"""
with open(os.path.join(pkg, "shop.kpi"), "w") as f:
    f.write("""package shop
calendar { time_zone "UTC" }
dimension store: string
dimension channel: string
source sales from csv("sales.csv") {
  day:     date time
  store:   string -> store
  channel: string -> channel
  amount:  decimal(2) unit CNY
}
""" + GOAL + """role mgr(s: string) { sales where sales.store == s }
""")


def action(id, start, member, end=None, alert=None, window=3):
    e = {"event": "open", "id": id, "at": "2025-01-01T00:00:00Z", "by": "t", "start": start, "goal": "grow",
         "metric": "revenue", "member": member, "what": id, "window": window}
    if alert:
        e["alert"] = alert
    with open(os.path.join(pkg, "actions", id + ".action"), "w") as f:
        f.write(json.dumps(e) + "\n")
        if end:
            f.write(json.dumps({"event": "close", "id": id, "at": "2025-12-31T00:00:00Z", "by": "t",
                                "status": "done", "end": end}) + "\n")


action("b_s1", "2025-07-01", {"store": "S1"})
action("b_s1b", "2025-08-01", {"store": "S1"})
action("b_s2on", "2025-07-01", {"store": "S2", "channel": "on"})
action("c_s3", "2025-04-01", {"store": "S3"})
action("d_s4", "2025-10-10", {"store": "S4"}, end="2025-10-20")
action("e_s5", "2025-12-01", {"store": "S5"}, window=1)
action("f_s2", "2025-11-05", {"store": "S2"}, alert="down")


def kpic(*args):
    p = subprocess.run([KPIC, *args], capture_output=True, text=True)
    if p.returncode != 0:
        checks.fail(f"kpic {' '.join(args)}: exit {p.returncode}: {p.stderr[-600:]}")
        return None
    return p.stdout


out = kpic("check", pkg)
listed = kpic("action", "list", pkg, "--format", "json", "--lang", "en", "--as-of", "2025-12-31")
if listed is not None:
    acts = {a["id"]: a["effect"] for a in json.loads(listed)}
    # b_s2on on (S2, on), windows Jan-Sep: of the ten (store, channel)
    # members, S2 x on is the one acted on, S1 x on and S1 x off are under
    # b_s1 and b_s1b (on store S1), S3 x on and S3 x off under c_s3 (no
    # end): 5 are compared with (there were 9: only actions on a store and
    # a channel were looked at).
    expect("b_s2on controls", acts["b_s2on"]["controls"], 5)
    expect("b_s2on overlapping", acts["b_s2on"].get("overlapping"), [])
    # b_s1 on S1: S2 is under b_s2on (its online part; f_s2 and d_s4 do
    # not reach the windows, Jan-Sep); S3 is under c_s3 (no end): S4 and S5
    # (there were 3: S2 too).
    expect("b_s1 controls", acts["b_s1"]["controls"], 2)
    expect("b_s1 overlapping", acts["b_s1"].get("overlapping"), ["b_s1b"])
    expect("b_s1 statement", "Action b_s1b acted on store S1 in these periods too" in acts["b_s1"]["statement"], True)
    # c_s3 on S3 from April: x1.5, a clear rise; its placebo (Oct-Dec 2024)
    # has no data, so the trend before it was not checked.
    c = acts["c_s3"]
    expect("c_s3 verdict", (c["verdict"], c["placebo"]), ("clear_up", None))
    expect("c_s3 says unchecked", "trend before the action could not be checked" in c["statement"], True)
    # d_s4 ran 10-20 October: no whole month from its start (November) lies in it.
    expect("d_s4 reason", (acts["d_s4"]["verdict"], acts["d_s4"]["reason"]), ("too_little_data", "ended_before_period"))
    expect("d_s4 statement", acts["d_s4"]["statement"].startswith("Cannot be measured by month"), True)
    # e_s5: December is whole as of the 31st; S5's December is 1-15 December.
    want = sum(r[3] for r in rows if r[1] == "S5" and r[0] >= "2025-12-01") / 100
    expect("e_s5 after", (acts["e_s5"]["after"]["from"], acts["e_s5"]["after"]["value"]), ("2025-12-01", want))
    expect("e_s5 not no_member_data", acts["e_s5"]["reason"] != "no_member_data", True)
    expect("role null", acts["b_s1"].get("role", "missing"), None)

zh = kpic("action", "list", pkg, "--as-of", "2025-12-31")
if zh is not None:
    expect("zh: a space after a Latin member", "门店 S5在" in zh or "store S5在" in zh, False)

# Under the store manager's role for S2: the members compared with are
# S2's channels only, and the statement says so.
listed = kpic("action", "list", pkg, "--format", "json", "--lang", "en", "--as-of", "2025-12-31", "--role", "mgr",
              "--param", "s=S2")
if listed is not None:
    acts = {a["id"]: a["effect"] for a in json.loads(listed)}
    expect("role: b_s2on's controls", acts["b_s2on"]["controls"], 1)  # S2 x off
    expect("role: named", acts["b_s2on"].get("role"), "mgr")
    expect("role: statement", "Measured over the rows role mgr sees" in acts["b_s2on"]["statement"], True)

# The total's alert under S2's role is S2's: f_s2 answers it.
run = kpic("run", pkg, "--goal", "grow", "--format", "json", "--as-of", "2025-12-31", "--role", "mgr", "--param",
           "s=S2")
if run is not None:
    alerts = json.loads(run)["goals"][0]["alerts"]
    nov = [(a["dims"], a["actions"], a["open"]) for a in alerts if a["period"] == "2025-11"]
    # Once: the store drill's one member is the role's total (it said it
    # twice: store probe, 2026-12-07).
    expect("role: November's alerts answered", nov, [({}, ["f_s2"], False)])
table = kpic("run", pkg, "--goal", "grow", "--lang", "en", "--as-of", "2025-12-31", "--role", "mgr", "--param", "s=S2")
if table is not None:
    # One store: the total is S2's November against its October (halved,
    # and a day shorter), answered by f_s2.
    nov = sum(r[3] for r in rows if r[1] == "S2" and r[0].startswith("2025-11"))
    oct_ = sum(r[3] for r in rows if r[1] == "S2" and r[0].startswith("2025-10"))
    line = f"    2025-11 · total · {(nov / oct_ - 1) * 100:.1f}%  → action f_s2 (open)"
    expect("role: table total answered", line in table.replace("−", "-"), True)

# ---- review, 2026-12-06: a region's action, an action only in the placebo
# window, and an action a role does not see. Stores R1-R3 are in region N,
# R4-R6 in region S; region N's action raises R1-R3 by 30% from July, r_s4
# raises R4 by 10%.
pkg2 = os.path.join(tmp, "regions")
os.makedirs(os.path.join(pkg2, "actions"))
regions = {"R1": "N", "R2": "N", "R3": "N", "R4": "S", "R5": "S", "R6": "S"}
rows2 = []
d, i = dt.date(2025, 1, 1), 0
while d <= dt.date(2025, 12, 31):
    for s_, reg in regions.items():
        for ch in ("on", "off"):
            cents = 100000 + int(s_[1]) * 5000 + (i * 37 % 23) * 150
            if reg == "N" and d >= dt.date(2025, 7, 1):
                cents = cents * 13 // 10
            if s_ == "R4" and d >= dt.date(2025, 7, 1):
                cents = cents * 11 // 10
            if s_ == "R6" and d >= dt.date(2025, 10, 1):
                continue  # R6 closes at the end of September
            rows2.append((d.isoformat(), s_, reg, ch, cents))
            i += 1
    d += dt.timedelta(days=1)
with open(os.path.join(pkg2, "sales.csv"), "w") as f:
    f.write("day,store,region,channel,amount\n")
    for r in rows2:
        f.write(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4] // 100}.{r[4] % 100:02d}\n")
with open(os.path.join(pkg2, "shop.kpi"), "w") as f:
    f.write("""package regions
calendar { time_zone "UTC" }
dimension store: string
dimension region: string
dimension channel: string
source sales from csv("sales.csv") {
  day:     date time
  store:   string -> store
  region:  string -> region
  channel: string -> channel
  amount:  decimal(2) unit CNY
}
""" + GOAL + """role chan(c: string) { sales where sales.channel == c }
role two(s: string, t: string) { sales where sales.store == s or sales.store == t }
""")
pkg = pkg2
action("r_n", "2025-07-01", {"region": "N"})
action("r_s4", "2025-07-01", {"store": "R4"})
action("r_old", "2025-01-05", {"store": "R6"}, end="2025-02-10")
action("r_s6on", "2025-07-01", {"store": "R6", "channel": "on"})
action("r_s6", "2025-07-01", {"store": "R6"})
action("fix_r5", "2025-10-05", {"store": "R5"}, alert="down")
listed = kpic("action", "list", pkg2, "--format", "json", "--lang", "en", "--as-of", "2025-12-31")
if listed is not None:
    acts = {a["id"]: a["effect"] for a in json.loads(listed)}
    # R1-R3 lie inside region N (every row of theirs is in it) and R6 has
    # actions of its own: r_s4 is compared with R5 alone (it was compared
    # with R1-R3 too, whose +30% made R4's +10% read -6%). Its estimate is
    # R4's change against R5's, April-June to July-September.
    def window_sum(store, lo, hi):
        return sum(r[4] for r in rows2 if r[1] == store and lo <= r[0] < hi)
    def change(store):
        return window_sum(store, "2025-07-01", "2025-10-01") / window_sum(store, "2025-04-01", "2025-07-01")
    expect("region: r_s4 leaves out R1-R3", acts["r_s4"]["controls"], 1)
    expect("region: r_s4's estimate", round(acts["r_s4"]["estimate"], 9), round(change("R4") / change("R5") - 1, 9))
    # r_old ran only in the placebo window of r_s4 and r_s6, not with them.
    expect("placebo-only action not named", acts["r_s6"].get("overlapping"), ["r_s6on"])
    expect("r_s6on named the other way", acts["r_s6on"].get("overlapping"), ["r_s6"])
listed = kpic("action", "list", pkg2, "--format", "json", "--lang", "en", "--as-of", "2025-12-31", "--role", "chan",
              "--param", "c=off")
if listed is not None:
    acts = {a["id"]: a for a in json.loads(listed)}
    # The offline rows: r_s6on (online) is not seen, so neither listed nor named.
    expect("role: hidden action not listed", "r_s6on" in acts, False)
    expect("role: hidden action not named", acts["r_s6"]["effect"].get("overlapping"), [])
    expect("role: not in the statement", "r_s6on" in acts["r_s6"]["effect"]["statement"], False)

# Under `two` (R5 and R6), October's total fell by half: R6 closed. The
# drill of December against November has one member, R5, but October's
# total was not R5's: fix_r5 does not answer it (review, 2026-12-06).
run = kpic("run", pkg2, "--goal", "grow", "--format", "json", "--as-of", "2025-12-31", "--role", "two", "--param",
           "s=R5", "--param", "t=R6")
if run is not None:
    alerts = json.loads(run)["goals"][0]["alerts"]
    expect("role: October's total not R5's", [(a["actions"], a["open"]) for a in alerts
                                              if a["period"] == "2025-10" and a["dims"] == {}], [([], True)])

# ---- actions probe, 2026-12-07 -----------------------------------------
# Six stores at the same steady revenue, no effect anywhere. The data
# starts on 20 January; store A opens on 25 February and store F closes on
# 10 August. A's February and F's August were counted as whole months,
# which made a "clear effect" of +36.9% and -22.5% out of nothing. An
# action's last month counted whole when it ended on its first day.
pkg3 = os.path.join(tmp, "opens")
os.makedirs(os.path.join(pkg3, "actions"))
rows3 = []
d = dt.date(2025, 1, 20)
while d <= dt.date(2025, 12, 31):
    for s_ in "ABCDEFGH":
        if s_ == "A" and d < dt.date(2025, 2, 25):
            continue
        if s_ == "F" and d > dt.date(2025, 8, 10):
            continue
        if s_ == "G" and d.weekday() == 6:
            continue  # closed on Sundays (31 August 2025 is one)
        if s_ == "H" and d.day == 1:
            continue  # never a sale on the 1st
        rows3.append((d.isoformat(), s_, 10000 + (d.toordinal() * 7 + ord(s_)) % 11))
    d += dt.timedelta(days=1)
with open(os.path.join(pkg3, "sales.csv"), "w") as f:
    f.write("day,store,channel,amount\n")
    for r in rows3:
        f.write(f"{r[0]},{r[1]},on,{r[2] // 100}.{r[2] % 100:02d}\n")
with open(os.path.join(pkg3, "shop.kpi"), "w") as f:
    f.write("""package opens
calendar { time_zone "UTC" }
dimension store: string
dimension channel: string
source sales from csv("sales.csv") {
  day:     date time
  store:   string -> store
  channel: string -> channel
  amount:  decimal(2) unit CNY
}
""" + GOAL)
pkg = pkg3
action("xa", "2025-05-01", {"store": "A"})
action("xf", "2025-06-01", {"store": "F"})
action("xb", "2025-02-01", {"store": "B"}, window=1)  # before it: January, begun on the 20th
action("e1", "2025-04-01", {"store": "C"}, end="2025-05-01")
action("e3", "2025-04-10", {"store": "D"}, end="2025-05-01")
action("e4", "2025-04-01", {"store": "E"}, end="2025-04-01")
action("g_sun", "2025-06-01", {"store": "G"})
action("h_first", "2025-06-01", {"store": "H"})
listed = kpic("action", "list", pkg3, "--format", "json", "--lang", "en", "--as-of", "2025-12-31")
if listed is not None:
    acts = {a["id"]: a["effect"] for a in json.loads(listed)}
    expect("store opened in February: A", (acts["xa"]["verdict"], acts["xa"]["reason"]), ("too_little_data", "no_before"))
    expect("store closed in August: F", (acts["xf"]["verdict"], acts["xf"]["reason"]), ("too_little_data", "no_member_data"))
    expect("F's statement", "has no revenue for the whole of some period of 2025-06 – 2025-08, after the start"
           in acts["xf"]["statement"], True)
    # B from February, one month before: January, whose data began on the
    # 20th, so B's before window is not whole (it was measured as whole).
    expect("data's first month is partial", (acts["xb"]["verdict"], acts["xb"]["reason"]),
           ("too_little_data", "no_before"))
    # e1 ran 1 April to 1 May: April is its one whole month (May was counted).
    expect("e1's after window", (acts["e1"]["after"]["from"], acts["e1"]["after"]["to"]), ("2025-04-01", "2025-05-01"))
    apr = sum(r[2] for r in rows3 if r[1] == "C" and r[0].startswith("2025-04")) / 100
    expect("e1's after value", acts["e1"]["after"]["value"], apr)
    # Controls of e1: B, D and E have whole months in March and April (A,
    # opened in February, has too; F too). None has an action in April
    # besides D (e3) and E (e4), which are left out.
    for id_ in ("e3", "e4"):
        expect(id_ + " cannot be measured", (acts[id_]["verdict"], acts[id_]["reason"]),
               ("too_little_data", "ended_before_period"))
    expect("e3's statement", "which does not cover the first whole month from its start (from 2025-05-01)"
           in acts["e3"]["statement"], True)
# A store closed on Sundays and one without a sale on the 1st have whole
# months all the same, also as of Sunday 31 August, a day G has no value
# (review, 2026-12-07: G's August was not whole, "too little data"). The
# other stores all have actions of their own: the change is measured, with
# no one to compare with.
listed = kpic("action", "list", pkg3, "--format", "json", "--lang", "en", "--as-of", "2025-08-31")
if listed is not None:
    acts = {a["id"]: a["effect"] for a in json.loads(listed)}
    for id_ in ("g_sun", "h_first"):
        expect(id_ + " is measured", (acts[id_]["verdict"], acts[id_]["reason"]), ("change_only", "no_controls"))

checks.finish()
