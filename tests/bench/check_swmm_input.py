#!/usr/bin/env python3
"""Checks what bench/swmm_compare.py writes, without SWMM: the SWMM 5 input is well formed (its sections, one junction
and one conduit with a cross-section per reach, one outfall, every link between declared nodes, every node draining
to the outfall, three pollutants with their decay rates, inflows at the headwaters only, a daily gauge series) and
the qingliu case holds the same reaches, sources and flows.

    check_swmm_input.py SCRIPT QINGLIU WORKDIR
"""
import csv
import os
import subprocess
import sys

script, qingliu, work = sys.argv[1:4]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


n, days = 57, 31
subprocess.run([sys.executable, script, "--reaches", str(n), "--days", str(days), "--seed", "3", "--out", work, "--write-only"],
               check=True)
sections, cur = {}, None
for raw in open(os.path.join(work, "model.inp")):
    line = raw.strip()
    if not line or line.startswith(";;"):
        continue
    if line.startswith("["):
        check(line.endswith("]") and line not in sections, "section header " + line)
        cur = line
        sections[cur] = []
    else:
        check(cur is not None, "a line before the first section: " + line)
        sections.setdefault(cur, []).append(line.split())

for s in ["[TITLE]", "[OPTIONS]", "[REPORT]", "[POLLUTANTS]", "[JUNCTIONS]", "[OUTFALLS]", "[CONDUITS]", "[XSECTIONS]",
          "[INFLOWS]", "[DWF]", "[TIMESERIES]"]:
    check(s in sections, "missing section " + s)

options = {r[0]: r[1] for r in sections["[OPTIONS]"]}
check(options.get("FLOW_UNITS") == "CMS" and options.get("FLOW_ROUTING") == "KINWAVE" and options.get("ROUTING_STEP") == "300",
      "options: CMS, KINWAVE, 300 s")
junctions = {r[0]: r for r in sections["[JUNCTIONS]"]}
outfalls = {r[0] for r in sections["[OUTFALLS]"]}
conduits = sections["[CONDUITS]"]
check(len(junctions) == n, "junctions %d, reaches %d" % (len(junctions), n))
check(len(conduits) == n, "conduits %d, reaches %d" % (len(conduits), n))
check(len(sections["[XSECTIONS]"]) == n and {r[0] for r in sections["[XSECTIONS]"]} == {c[0] for c in conduits},
      "one cross-section per conduit")
check(outfalls == {"OUT"}, "one outfall")
nodes = set(junctions) | outfalls
down = {}
for c in conduits:
    check(len(c) == 9, "conduit fields: " + " ".join(c))
    check(c[1] in junctions and c[2] in nodes, "conduit %s joins declared nodes" % c[0])
    check(c[1] not in down, "one conduit leaves node " + c[1])
    down[c[1]] = c[2]
    check(float(c[3]) >= 1000.0 and float(c[3]) <= 10000.0, "conduit length 1-10 km: " + c[3])
for j in junctions:  # every node drains to the outfall (a tree, no cycles)
    seen, x = set(), j
    while x != "OUT" and x not in seen:
        seen.add(x)
        x = down.get(x, x)
    check(x == "OUT", "node %s drains to the outfall" % j)
for c in conduits:  # inverts fall along every conduit
    to = c[2]
    check(float(junctions[c[1]][1]) > (0.0 if to == "OUT" else float(junctions[to][1])), "conduit %s slopes down" % c[0])
pollutants = {r[0]: float(r[5]) for r in sections["[POLLUTANTS]"]}
check(pollutants == {"COD": 0.2, "NH3N": 0.15, "TP": 0.05}, "pollutants and decay rates: %s" % pollutants)

# the case: same reaches, headwaters, sources
with open(os.path.join(work, "case", "reaches.csv")) as f:
    reaches = list(csv.DictReader(f))
check(len(reaches) == n, "case reaches %d" % len(reaches))
headwaters = {r["reach_id"] for r in reaches if r["headwater_flow_m3s"]}
inflow_nodes = {r[0] for r in sections["[INFLOWS]"] if r[1] == "FLOW"}
check({"N" + h[1:] for h in headwaters} == inflow_nodes, "FLOW inflows exactly at the headwaters")
check(all(len([r for r in sections["[INFLOWS]"] if r[0] == x]) == 4 for x in inflow_nodes), "flow and three concentrations per headwater")
for r in reaches:
    c = [x for x in conduits if x[0] == r["reach_id"]][0]
    check(abs(float(c[3]) - 1000.0 * float(r["length_km"])) < 0.1, "reach %s length" % r["reach_id"])
    want = "OUT" if not r["downstream_id"] else "N" + r["downstream_id"][1:]
    check(c[2] == want, "reach %s drains as in the case" % r["reach_id"])
with open(os.path.join(work, "case", "sources.csv")) as f:
    sources = list(csv.DictReader(f))
dwf_flow = sum(float(r[2]) for r in sections["[DWF]"] if r[1] == "FLOW")
check(abs(dwf_flow - sum(float(s["flow_m3s"]) for s in sources)) < 1e-3, "DWF carries the sources' flow")
dwf_cod = sum(float(a[2]) * float(b[2]) for a, b in zip(sections["[DWF]"], sections["[DWF]"][1:]) if a[1] == "FLOW" and b[1] == "COD")
check(abs(dwf_cod - sum(float(s["flow_m3s"]) * float(s["cod_mgL"]) for s in sources)) < 1e-2 * max(1.0, dwf_cod),
      "DWF carries the sources' COD load")
check(len(sections["[TIMESERIES]"]) == 2 * days, "two gauge points per day")
with open(os.path.join(work, "case", "flows.csv")) as f:
    check(len(list(csv.DictReader(f))) == days, "a flow per day in the case")
# the case is a valid qingliu case
r = subprocess.run([qingliu, "check", os.path.join(work, "case")], capture_output=True, text=True)
check(r.returncode == 0, "qingliu check: " + r.stdout + r.stderr)

# the script's qingliu half runs to the end on a small network (a whole year: the dynamic model simulates calendar
# years) and reads the outlet's means back
r = subprocess.run([sys.executable, script, "--reaches", "20", "--days", "365", "--seed", "5", "--out", work + "-run", "--qingliu", qingliu],
                   capture_output=True, text=True)
check(r.returncode == 0 and "outlet flow-weighted means" in r.stdout and "SWMM not run" in r.stdout, "qingliu run: " + r.stdout + r.stderr)
m = [line for line in r.stdout.splitlines() if "outlet flow-weighted means" in line]
if m:
    # every mean lies between the background and the largest source concentration (mixing and decay only lower it)
    vals = dict(x.split() for x in m[0].split(":", 1)[1].split(","))
    check(0.0 < float(vals["cod"]) <= 100.0 and 0.0 < float(vals["nh3n"]) <= 15.0 and 0.0 < float(vals["tp"]) <= 3.0,
          "outlet means in range: %s" % vals)

for f in failures:
    print("FAILED:", f)
print("%d checks failed" % len(failures) if failures else "SWMM input and case well formed")
sys.exit(1 if failures else 0)
