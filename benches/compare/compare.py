"""Checks that seccoop, NetworkX and Kuzu give the same answers, and turns
hyperfine's and GNU time's measurements into the table in BENCHMARKS.md.

  compare.py check WORK/graph-N SECCOOP PYTHON
      runs each tool once per question, prints the answers side by side,
      exits 1 when they differ
  compare.py report BENCHMARKS.md WORK N...
      writes the results of run.sh between the compare markers of BENCHMARKS.md

Answers are compared as sets of ids, except the shortest path, which each
tool may pick differently among paths of the same length: its length is
compared, and every path is checked to be a real one (each step an edge of
the graph in one direction or the other).
"""

import csv
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))

# The three questions, with the ids they ask about.
QUESTIONS = {
    "related": ["threat-1"],
    "impact": ["challenge-1"],
    "path": ["principle-0", "actor-1"],
}
TOOLS = ["seccoop", "networkx", "kuzu"]


def commands(folder, seccoop, python):
    """The end-to-end command of each tool for each question."""
    out = {}
    for q, args in QUESTIONS.items():
        if q == "related":
            s = [seccoop, "--no-reasoning", "-g", folder, "related", args[0], "--rel", "addresses", "--dir", "in", "--format", "json"]
        elif q == "impact":
            s = [seccoop, "--no-reasoning", "-g", folder, "impact", args[0], "--depth", "2", "--format", "json"]
        else:
            s = [seccoop, "--no-reasoning", "-g", folder, "path", args[0], args[1], "--format", "json"]
        out[q] = {
            "seccoop": s,
            "networkx": [python, os.path.join(HERE, "nx_answer.py"), folder, q, *args],
            "kuzu": [python, os.path.join(HERE, "kuzu_answer.py"), folder, q, *args],
        }
    return out


def normalize(tool, question, text):
    data = json.loads(text)
    if tool != "seccoop":
        return data
    if question == "related":
        return sorted(row["id"] for row in data)
    if question == "impact":
        return {
            "activities": sorted(n["id"] for n in data["hindered"]),
            "threats": sorted(n["id"] for n in data["reached"] if n["kind"] == "threat"),
        }
    path = data["paths"][0]["nodes"] if data["paths"] else None
    return {"length": len(path) - 1, "nodes": path} if path else None


def edge_set(folder):
    with open(os.path.join(folder, "edges.csv"), newline="") as f:
        rows = csv.reader(f)
        next(rows)
        return {(a, b) for a, _, b in rows}


def check(folder, seccoop, python):
    answers = {}
    for q, by_tool in commands(folder, seccoop, python).items():
        for tool, cmd in by_tool.items():
            text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            answers[(q, tool)] = normalize(tool, q, text)
    ok = True
    edges = None
    for q in QUESTIONS:
        got = {t: answers[(q, t)] for t in TOOLS}
        if q == "path":
            edges = edges or edge_set(folder)
            for t, p in got.items():
                nodes = p["nodes"]
                real = all((a, b) in edges or (b, a) in edges for a, b in zip(nodes, nodes[1:]))
                if not real:
                    print(f"path: {t} returned a path that is not in the graph: {nodes}")
                    ok = False
            same = len({p["length"] for p in got.values()}) == 1
            shown = {t: p["length"] for t, p in got.items()}
        else:
            same = all(got[t] == got["seccoop"] for t in TOOLS)
            shown = {
                t: (len(a) if isinstance(a, list) else {k: len(v) for k, v in a.items()})
                for t, a in got.items()
            }
        print(f"{q}: {'same' if same else 'DIFFERENT'} {shown}")
        ok &= same
    with open(os.path.join(folder, "answers.json"), "w") as f:
        json.dump({f"{q}/{t}": a for (q, t), a in answers.items()}, f, indent=1)
    sys.exit(0 if ok else 1)


def machine():
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"Model name:\s*(.+)", lscpu)
    with open("/proc/meminfo") as f:
        mem_kb = int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1))
    return f"{model.group(1).strip() if model else platform.processor()}, {os.cpu_count()} cores, {mem_kb / 2**20:.0f} GiB"


def fmt_time(s):
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def report(path, work, sizes):
    lines = []
    versions = json.load(open(os.path.join(work, "versions.json")))
    lines.append(f"Measured {date.today().isoformat()} on {machine()} (shared with other work: medians).")
    lines.append(f"Versions: {versions['versions']}.")
    lines.append("")
    for n in sizes:
        res = os.path.join(work, f"results-{n}")
        info = json.load(open(os.path.join(res, "graph.json")))
        lines.append(f"#### {int(n):,} nodes, {info['edges']:,} edges ({info['bytes'] / 2**20:.0f} MiB of CSV)")
        lines.append("")
        lines.append("| question | tool | median | min … max | runs | peak memory | vs seccoop |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        all_medians = {}
        for q in QUESTIONS:
            medians = all_medians.setdefault(q, {})
            rows = []
            for tool in TOOLS:
                h = json.load(open(os.path.join(res, f"{q}-{tool}.json")))["results"][0]
                med = statistics.median(h["times"])
                medians[tool] = med
                mem = open(os.path.join(res, f"{q}-{tool}.rss")).read().split()
                mem_kb = statistics.median(int(m) for m in mem)
                rows.append((tool, med, min(h["times"]), max(h["times"]), len(h["times"]), mem_kb))
            for tool, med, lo, hi, runs, mem_kb in rows:
                ratio = "1×" if tool == "seccoop" else f"{med / medians['seccoop']:.1f}× slower"
                lines.append(
                    f"| {q} | {tool} | {fmt_time(med)} | {fmt_time(lo)} … {fmt_time(hi)} | {runs} "
                    f"| {mem_kb / 1024:.0f} MiB | {ratio} |"
                )
        lines.append("")
        related = all_medians["related"]["seccoop"]
        for q in ["impact", "path"]:
            extra = all_medians[q]["seccoop"] - related
            lines.append(f"- seccoop `{q}` takes {extra * 1000:+.0f} ms more than `related` (same load).")
        for name, what in [("cat", "reading the files (`cat`)"), ("split", "reading them and splitting every line at its commas (`examples/read_split.rs`)")]:
            p = os.path.join(res, f"floor-{name}.json")
            if os.path.exists(p):
                med = statistics.median(json.load(open(p))["results"][0]["times"])
                lines.append(
                    f"- The floor, {what}: median {fmt_time(med)}; load + `related` is "
                    f"{related / med:.1f}× that."
                )
        lines.append("")
    lines.append("Commands (from `benches/compare/run.sh`):")
    lines.append("")
    lines.append("```")
    cmds = commands("DIR", "seccoop", "python")
    for q in QUESTIONS:
        for tool in TOOLS:
            lines.append(" ".join(os.path.basename(c) if c.endswith(".py") else c for c in cmds[q][tool]))
    lines.append("```")
    text = open(path).read()
    begin, end = "<!-- compare:begin -->", "<!-- compare:end -->"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + begin + "\n" + "\n".join(lines) + "\n" + end + tail
    else:
        text += "\n" + begin + "\n" + "\n".join(lines) + "\n" + end + "\n"
    open(path, "w").write(text)


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(*sys.argv[2:5])
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)
