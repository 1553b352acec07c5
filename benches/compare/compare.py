"""Checks that seccoop, NetworkX and Kuzu give the same answers, and turns
hyperfine's and GNU time's measurements into the tables and the plot of
BENCHMARKS.md.

  compare.py check DIR SECCOOP PYTHON [QUESTIONS [TOOLS]]
      runs each tool once per question, prints the answers side by side,
      exits 1 when they differ (QUESTIONS and TOOLS: comma-separated, default
      all)
  compare.py command DIR SECCOOP PYTHON QUESTION TOOL
      prints the end-to-end command of TOOL for QUESTION (shell-quoted)
  compare.py build DIR SECCOOP PYTHON TOOL OUT.json
      builds TOOL's database from the CSV folder once (the snapshot, or
      Kuzu's database on disk), recording its time, peak memory and size
  compare.py report BENCHMARKS.md WORK N...
      writes the tables of run.sh for these sizes between the compare
      markers of BENCHMARKS.md
  compare.py scale BENCHMARKS.md WORK SVG N...
      writes the scale curve (the `related` question at each size) between
      the scale markers of BENCHMARKS.md, and draws it into SVG

Answers are compared as sets of ids, except the shortest path, which each
tool may pick differently among paths of the same length: its length is
compared, and every path is checked to be a real one (each step an edge of
the graph in one direction or the other).

A NOTE environment variable, when set, is printed at the head of each
section written (e.g. to label a trial run).
"""

import csv
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))

# The three questions, with the ids they ask about.
QUESTIONS = {
    "related": ["threat-1"],
    "impact": ["challenge-1"],
    "path": ["principle-0", "actor-1"],
}
# Each tool, or way of running one, in the order the tables list them.
TOOLS = ["seccoop", "seccoop-snapshot", "networkx", "kuzu", "kuzu-ondisk"]
LABELS = {
    "seccoop": "seccoop, CSV folder",
    "seccoop-snapshot": "seccoop, snapshot",
    "networkx": "NetworkX",
    "kuzu": "Kuzu, in memory",
    "kuzu-ondisk": "Kuzu, on disk",
}
# The tools that answer from something built once from the CSV folder.
BUILT = {"seccoop-snapshot": ".sccp", "kuzu-ondisk": ".kuzu"}


def built(folder, tool):
    """Where TOOL's database built from FOLDER is: beside the folder."""
    return folder.rstrip("/") + BUILT[tool]


def commands(folder, seccoop, python):
    """The end-to-end command of each tool for each question."""
    kuzu = os.path.join(HERE, "kuzu_answer.py")
    out = {}
    for q, args in QUESTIONS.items():
        if q == "related":
            s = ["related", args[0], "--rel", "addresses", "--dir", "in", "--format", "json"]
        elif q == "impact":
            s = ["impact", args[0], "--depth", "2", "--format", "json"]
        else:
            s = ["path", args[0], args[1], "--format", "json"]
        out[q] = {
            "seccoop": [seccoop, "--no-reasoning", "-g", folder, *s],
            "seccoop-snapshot": [seccoop, "--no-reasoning", "-g", built(folder, "seccoop-snapshot"), *s],
            "networkx": [python, os.path.join(HERE, "nx_answer.py"), folder, q, *args],
            "kuzu": [python, kuzu, folder, q, *args],
            "kuzu-ondisk": [python, kuzu, "--db", built(folder, "kuzu-ondisk"), q, *args],
        }
    return out


def build_commands(folder, seccoop, python):
    """The command that builds each tool's database once."""
    return {
        "seccoop-snapshot": [seccoop, "convert", folder, built(folder, "seccoop-snapshot")],
        "kuzu-ondisk": [
            python, os.path.join(HERE, "kuzu_answer.py"), "--build", folder, built(folder, "kuzu-ondisk"),
        ],
    }


def normalize(tool, question, text):
    data = json.loads(text)
    if not tool.startswith("seccoop"):
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


def check(folder, seccoop, python, questions=None, tools=None):
    questions = questions.split(",") if questions else list(QUESTIONS)
    tools = tools.split(",") if tools else TOOLS
    cmds = commands(folder, seccoop, python)
    answers = {}
    for q in questions:
        for tool in tools:
            text = subprocess.run(cmds[q][tool], check=True, capture_output=True, text=True).stdout
            answers[(q, tool)] = normalize(tool, q, text)
    ok = True
    edges = None
    first = tools[0]
    for q in questions:
        got = {t: answers[(q, t)] for t in tools}
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
            same = all(got[t] == got[first] for t in tools)
            shown = {
                t: (len(a) if isinstance(a, list) else {k: len(v) for k, v in a.items()})
                for t, a in got.items()
            }
        print(f"{q}: {'same' if same else 'DIFFERENT'} {shown}")
        ok &= same
    with open(os.path.join(folder, "answers.json"), "w") as f:
        json.dump({f"{q}/{t}": a for (q, t), a in answers.items()}, f, indent=1)
    sys.exit(0 if ok else 1)


def disk_size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def build(folder, seccoop, python, tool, out):
    """Builds once, under GNU time: wall time, peak memory, size on disk."""
    cmd = build_commands(folder, seccoop, python)[tool]
    rss = out + ".rss"
    start = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss, *cmd], check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    with open(rss) as f:
        rss_kb = int(f.read().split()[-1])
    os.remove(rss)
    result = {"command": cmd, "seconds": seconds, "rss_kb": rss_kb, "bytes": disk_size(built(folder, tool))}
    with open(out, "w") as f:
        json.dump(result, f)
    print(f"built {built(folder, tool)}: {fmt_time(seconds)}, {fmt_mem(rss_kb)} peak, {fmt_size(result['bytes'])}")


def machine():
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"Model name:\s*(.+)", lscpu)
    with open("/proc/meminfo") as f:
        mem_kb = int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1))
    return f"{model.group(1).strip() if model else platform.processor()}, {os.cpu_count()} cores, {mem_kb / 2**20:.0f} GiB"


def fmt_time(s):
    if s < 0.1:
        return f"{s * 1000:.1f} ms"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    return f"{s:.2f} s" if s < 10 else f"{s:.1f} s"


def fmt_spread(r):
    """Median (min … max, runs), the unit written once when they share it."""
    if r["runs"] == 1:
        return f"{fmt_time(r['median'])} (1 run)"
    lo, hi = fmt_time(r["min"]), fmt_time(r["max"])
    lo_n, lo_u = lo.split(" ")
    if hi.endswith(" " + lo_u):
        lo = lo_n
    return f"{fmt_time(r['median'])} ({lo} … {hi}, {r['runs']})"


def fmt_size(n):
    for div, unit in [(2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")]:
        if n >= div:
            return f"{n / div:.1f} {unit}" if n < 10 * div else f"{n / div:,.0f} {unit}"
    return f"{n} bytes"


def fmt_mem(kb):
    mib = kb / 1024
    return f"{mib:.0f} MiB" if mib < 10 * 1024 else f"{mib / 1024:.1f} GiB"


def load_result(res, q, tool):
    """One tool's timings and peak memory for one question, or None if not run."""
    path = os.path.join(res, f"{q}-{tool}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        times = json.load(f)["results"][0]["times"]
    with open(os.path.join(res, f"{q}-{tool}.rss")) as f:
        mem = [int(m) for m in f.read().split()]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "runs": len(times),
        "rss_kb": statistics.median(mem),
        "rss_runs": len(mem),
    }


def load_build(res, tool):
    path = os.path.join(res, f"build-{tool}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def header(work):
    with open(os.path.join(work, "versions.json")) as f:
        versions = json.load(f)
    lines = []
    if os.environ.get("NOTE"):
        lines += [f"**{os.environ['NOTE']}**", ""]
    lines.append(f"Measured {date.today().isoformat()} on {machine()} (shared with other work: medians).")
    lines.append(f"Versions: {versions['versions']}.")
    lines.append("")
    return lines


def graph_info(work, n):
    with open(os.path.join(work, f"results-{n}", "graph.json")) as f:
        return json.load(f)


def short_command(cmd):
    return " ".join(os.path.basename(c) if c.endswith(".py") else c for c in cmd)


def replace_section(path, name, lines):
    with open(path) as f:
        text = f.read()
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + begin + "\n" + "\n".join(lines) + "\n" + end + tail
    else:
        text += "\n" + begin + "\n" + "\n".join(lines) + "\n" + end + "\n"
    with open(path, "w") as f:
        f.write(text)


def report(path, work, sizes):
    lines = header(work)
    for n in sizes:
        res = os.path.join(work, f"results-{n}")
        info = graph_info(work, n)
        lines.append(f"#### {int(n):,} nodes, {info['edges']:,} edges ({info['bytes'] / 2**20:.0f} MiB of CSV)")
        lines.append("")
        lines.append("| question | tool | median | min … max | runs | peak memory | vs seccoop (CSV) |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        seccoop = {}
        for q in QUESTIONS:
            for tool in TOOLS:
                r = load_result(res, q, tool)
                if r is None:
                    continue
                if tool == "seccoop":
                    seccoop[q] = r["median"]
                base = seccoop.get(q)
                if tool == "seccoop" or base is None:
                    ratio = "1×" if tool == "seccoop" else ""
                elif r["median"] >= base:
                    ratio = f"{r['median'] / base:.1f}× slower"
                else:
                    ratio = f"{base / r['median']:.1f}× faster"
                lines.append(
                    f"| {q} | {LABELS[tool]} | {fmt_time(r['median'])} | {fmt_time(r['min'])} … "
                    f"{fmt_time(r['max'])} | {r['runs']} | {fmt_mem(r['rss_kb'])} | {ratio} |"
                )
        for tool in BUILT:
            b = load_build(res, tool)
            if b:
                lines.append(
                    f"| build once | {LABELS[tool]} | {fmt_time(b['seconds'])} | | 1 | {fmt_mem(b['rss_kb'])} "
                    f"| {fmt_size(b['bytes'])} on disk |"
                )
        lines.append("")
        related = seccoop.get("related")
        for q in ["impact", "path"]:
            if related is not None and q in seccoop:
                extra = (seccoop[q] - related) * 1000
                more = f"{extra:.0f} ms more" if extra >= 0 else f"{-extra:.0f} ms less"
                lines.append(f"- seccoop (CSV folder) `{q}` takes {more} than `related` (the same load).")
        for name, what in [
            ("cat", "reading the files (`cat`)"),
            ("split", "reading them and splitting every line at its commas (`examples/read_split.rs`)"),
        ]:
            p = os.path.join(res, f"floor-{name}.json")
            if os.path.exists(p) and related is not None:
                with open(p) as f:
                    med = statistics.median(json.load(f)["results"][0]["times"])
                lines.append(
                    f"- The floor, {what}: median {fmt_time(med)}; load + `related` from the CSV folder is "
                    f"{related / med:.1f}× that."
                )
        lines.append("")
    lines.append(
        "Commands (from `benches/compare/run.sh`; the snapshot `DIR.sccp` and Kuzu's database "
        "`DIR.kuzu` are built once per size, and their building is timed once):"
    )
    lines.append("")
    lines.append("```")
    cmds = commands("DIR", "seccoop", "python")
    for q in QUESTIONS:
        for tool in TOOLS:
            lines.append(short_command(cmds[q][tool]))
    for cmd in build_commands("DIR", "seccoop", "python").values():
        lines.append(short_command(cmd) + "   # build once")
    lines.append("```")
    replace_section(path, "compare", lines)


def human_nodes(n):
    for div, suffix in [(10**9, "G"), (10**6, "M"), (10**3, "k")]:
        if n >= div and n % div == 0:
            return f"{n // div}{suffix}"
    return f"{n:,}"


def scale_results(work, sizes):
    """{tool: [(nodes, result)]} for the `related` question, sizes in order."""
    out = {t: [] for t in TOOLS}
    for n in sizes:
        res = os.path.join(work, f"results-{n}")
        for tool in TOOLS:
            r = load_result(res, "related", tool)
            if r is not None:
                out[tool].append((int(n), r))
    return out


# Drawn so that the two seccoop modes and the two Kuzu modes read as pairs,
# told apart by line style and marker as well as shade (for grey print and
# colour-blind readers).
STYLE = {
    "seccoop": {"color": "#1f4e9c", "linestyle": "-", "marker": "o"},
    "seccoop-snapshot": {"color": "#5b9bd5", "linestyle": "--", "marker": "s"},
    "networkx": {"color": "#2e8b3e", "linestyle": "-", "marker": "^"},
    "kuzu": {"color": "#c55a11", "linestyle": "-", "marker": "D"},
    "kuzu-ondisk": {"color": "#f0a030", "linestyle": "--", "marker": "v"},
}


def log_ticks(lo, hi, candidates, margin=1.25):
    """The candidate ticks that cover [lo, hi] with a margin (a factor), so
    that no marker sits on the frame."""
    lo, hi = lo / margin, hi * margin
    below = [c for c in candidates if c <= lo]
    above = [c for c in candidates if c >= hi]
    start = below[-1] if below else candidates[0]
    stop = above[0] if above else candidates[-1]
    return [c for c in candidates if start <= c <= stop]


def time_label(s):
    if s < 1:
        return f"{s * 1000:g} ms"
    return f"{s:g} s"


def mem_label(mib):
    return f"{mib:g} MiB" if mib < 1024 else f"{mib / 1024:g} GiB"


def plot(svg, results, edges_per_node):
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullLocator

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "seccoop", "font.size": 11})
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
    all_n, all_t, all_m = [], [], []
    for tool in TOOLS:
        points = results[tool]
        if not points:
            continue
        ns = [n for n, _ in points]
        med = [r["median"] for _, r in points]
        spread = [[r["median"] - r["min"] for _, r in points], [r["max"] - r["median"] for _, r in points]]
        mib = [r["rss_kb"] / 1024 for _, r in points]
        style = STYLE[tool]
        ax_t.errorbar(ns, med, yerr=spread, label=LABELS[tool], capsize=3, markersize=6, linewidth=1.8, **style)
        ax_m.plot(ns, mib, label=LABELS[tool], markersize=6, linewidth=1.8, **style)
        all_n += ns
        all_t += [r["min"] for _, r in points] + [r["max"] for _, r in points]
        all_m += mib
    node_ticks = [10**k for k in range(2, 10)]
    time_ticks = [10.0**k for k in range(-4, 5)]
    mem_ticks = [4.0**k for k in range(-2, 10)]  # 1/16 MiB … 256 GiB, evenly spaced
    for ax in (ax_t, ax_m):
        ax.set_xscale("log")
        ax.set_yscale("log")
        xt = log_ticks(min(all_n), max(all_n), node_ticks, margin=1)
        ax.xaxis.set_major_locator(FixedLocator(xt))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticklabels([human_nodes(int(x)) for x in xt])
        ax.set_xlim(xt[0] / 1.5, xt[-1] * 1.5)
        ax.set_xlabel(f"nodes (log scale; about {edges_per_node:.1f} edges per node)")
        ax.grid(True, which="major", color="#d0d0d0", linewidth=0.8)
        ax.set_axisbelow(True)
    tt = log_ticks(min(all_t), max(all_t), time_ticks)
    ax_t.yaxis.set_major_locator(FixedLocator(tt))
    ax_t.yaxis.set_minor_locator(NullLocator())
    ax_t.set_yticklabels([time_label(t) for t in tt])
    ax_t.set_ylim(tt[0], tt[-1])
    ax_t.set_ylabel("wall time of a whole run (median; bars: min … max)")
    ax_t.set_title("Time: start, load, answer, exit")
    mt = log_ticks(min(all_m), max(all_m), mem_ticks)
    ax_m.yaxis.set_major_locator(FixedLocator(mt))
    ax_m.yaxis.set_minor_locator(NullLocator())
    ax_m.set_yticklabels([mem_label(m) for m in mt])
    ax_m.set_ylim(mt[0], mt[-1])
    ax_m.set_ylabel("peak memory (maximum resident set size)")
    fig.suptitle("The related question (the activities that address threat-1), on generated graphs", fontsize=13)
    ax_m.set_title("Peak memory")
    handles, labels = ax_m.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    os.makedirs(os.path.dirname(os.path.abspath(svg)), exist_ok=True)
    fig.savefig(svg, metadata={"Date": None})
    plt.close(fig)


def scale(path, work, svg, sizes):
    sizes = sorted(sizes, key=int)
    results = scale_results(work, sizes)
    infos = {n: graph_info(work, n) for n in sizes}
    ratios = [infos[n]["edges"] / int(n) for n in sizes]
    plot(svg, results, statistics.median(ratios))
    lines = header(work)
    rel_svg = os.path.relpath(os.path.abspath(svg), os.path.dirname(os.path.abspath(path)))
    lines.append(
        f"![The `related` question at each size: time and peak memory of each tool, log-log]({rel_svg})"
    )
    lines.append("")
    tools = [t for t in TOOLS if results[t]]
    by = {t: dict(results[t]) for t in tools}
    def table(title, second, second_cell, cell):
        # One row per size, one column per tool; `cell` formats a tool's result.
        lines.extend([title, "", f"| nodes | {second} | " + " | ".join(LABELS[t] for t in tools) + " |"])
        lines.append("| ---: | ---: | " + " | ".join("---:" for _ in tools) + " |")
        for n in sizes:
            cells = [cell(r) if (r := by[t].get(int(n))) else "not run" for t in tools]
            lines.append(f"| {human_nodes(int(n))} | {second_cell(n)} | " + " | ".join(cells) + " |")
        lines.append("")

    table("Time, median (min … max, runs):", "edges", lambda n: f"{infos[n]['edges']:,}", fmt_spread)
    table(
        "Peak memory (median of the runs under GNU time, in brackets):",
        "CSV",
        lambda n: fmt_size(infos[n]["bytes"]),
        lambda r: f"{fmt_mem(r['rss_kb'])} ({r['rss_runs']})",
    )
    lines.append("Built once per size (one run each; not in the times above):")
    lines.append("")
    lines.append("| nodes | " + " | ".join(f"{LABELS[t]}: time, peak memory, size" for t in BUILT) + " |")
    lines.append("| ---: | " + " | ".join("---:" for _ in BUILT) + " |")
    for n in sizes:
        cells = []
        for t in BUILT:
            b = load_build(os.path.join(work, f"results-{n}"), t)
            cells.append(
                f"{fmt_time(b['seconds'])}, {fmt_mem(b['rss_kb'])}, {fmt_size(b['bytes'])}" if b else "not run"
            )
        lines.append(f"| {human_nodes(int(n))} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "NetworkX is not run above `NX_MAX` nodes (default 1M). The plot and these tables are written by `compare.py scale` "
        "from the same measurements. Commands:"
    )
    lines.append("")
    lines.append("```")
    cmds = commands("DIR", "seccoop", "python")
    for tool in TOOLS:
        lines.append(short_command(cmds["related"][tool]))
    for cmd in build_commands("DIR", "seccoop", "python").values():
        lines.append(short_command(cmd) + "   # build once")
    lines.append("```")
    replace_section(path, "scale", lines)


def main():
    cmd, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if cmd == "check" and 3 <= len(args) <= 5:
        check(*args)
    elif cmd == "command" and len(args) == 5:
        folder, seccoop, python, q, tool = args
        print(shlex.join(commands(folder, seccoop, python)[q][tool]))
    elif cmd == "build" and len(args) == 5:
        build(*args)
    elif cmd == "report" and len(args) >= 3:
        report(args[0], args[1], args[2:])
    elif cmd == "scale" and len(args) >= 4:
        scale(args[0], args[1], args[2], args[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
