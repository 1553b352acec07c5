"""Degree, betweenness and PageRank of a seccoop CSV folder, by NetworkX.

Usage: centrality.py DIR   (DIR holds nodes.csv and edges.csv, as
`seccoop convert` and `seccoop generate` write them)

Prints {"degree": {id: n}, "betweenness": {id: x}, "pagerank": {id: x}} as
JSON. The graph is the one `seccoop rank` documents: a simple directed
graph of every node, one edge u -> v when any edge runs from u to v, loops
dropped. PageRank runs to a tight tolerance so that both sides are
compared at their converged values, not at NetworkX's default stopping
point (which is only accurate to about 1e-6).
"""

import csv
import json
import sys
from pathlib import Path

import networkx as nx

folder = Path(sys.argv[1])
g = nx.DiGraph()
with open(folder / "nodes.csv", newline="", encoding="utf-8") as f:
    g.add_nodes_from(row["id"] for row in csv.DictReader(f))
with open(folder / "edges.csv", newline="", encoding="utf-8") as f:
    g.add_edges_from((row["from"], row["to"]) for row in csv.DictReader(f))
g.remove_edges_from(list(nx.selfloop_edges(g)))

json.dump(
    {
        "degree": dict(g.degree()),
        "betweenness": nx.betweenness_centrality(g),
        "pagerank": nx.pagerank(g, alpha=0.85, tol=1e-13, max_iter=10000),
    },
    sys.stdout,
)
