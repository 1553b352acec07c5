"""Answers one question with NetworkX, end to end: load the CSV folder, answer, print.

Usage: nx_answer.py DIR related THREAT | impact CHALLENGE | path FROM TO

The CSV folder is the one `seccoop generate` writes (nodes.csv: id,kind,name;
edges.csv: from,rel,to). The graph is a networkx.DiGraph with the kind and
name as node attributes and the relation as an edge attribute, read with the
csv module, the way a Python script would. Prints the answer as JSON in the
shape compare.py expects.
"""

import csv
import json
import os
import sys

import networkx as nx


def load(folder):
    g = nx.DiGraph()
    with open(os.path.join(folder, "nodes.csv"), newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        next(rows)
        for node_id, kind, name, *_ in rows:
            g.add_node(node_id, kind=kind, name=name)
    with open(os.path.join(folder, "edges.csv"), newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        next(rows)
        for source, rel, target, *_ in rows:
            g.add_edge(source, target, rel=rel)
    return g


def main():
    folder, question, *args = sys.argv[1:]
    g = load(folder)
    if question == "related":
        (threat,) = args
        answer = sorted(u for u, _, rel in g.in_edges(threat, data="rel") if rel == "addresses")
    elif question == "impact":
        (challenge,) = args
        activities = sorted(
            u for u, _, rel in g.in_edges(challenge, data="rel") if rel == "hindered_by"
        )
        threats = sorted(
            {t for a in activities for _, t, rel in g.out_edges(a, data="rel") if rel == "addresses"}
        )
        answer = {"activities": activities, "threats": threats}
    elif question == "path":
        source, target = args
        path = nx.shortest_path(g.to_undirected(as_view=True), source, target)
        answer = {"length": len(path) - 1, "nodes": path}
    else:
        sys.exit(f"unknown question {question}")
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
