"""Answers one question with Kuzu, end to end: create an in-memory database,
COPY the CSV folder into it, answer with Cypher, print.

Usage: kuzu_answer.py DIR related THREAT | impact CHALLENGE | path FROM TO

Kuzu's tables are typed, and `seccoop generate` writes every node into one
nodes.csv with a kind column, so the schema is one node table
Node(id, kind, name) and one relationship table Edge(rel): the same CSV
files, copied as they are. edges.csv has its columns in the order
from,rel,to, while COPY into a relationship table wants the two ends first,
so the edges are copied from a LOAD FROM subquery that reorders them.
Prints the answer as JSON in the shape compare.py expects.
"""

import json
import os
import sys

import kuzu


def rows(conn, query, params=None):
    result = conn.execute(query, params or {})
    out = []
    while result.has_next():
        out.append(result.get_next())
    return out


def main():
    folder, question, *args = sys.argv[1:]
    db = kuzu.Database(":memory:")
    conn = kuzu.Connection(db)
    conn.execute("CREATE NODE TABLE Node(id STRING, kind STRING, name STRING, PRIMARY KEY (id))")
    conn.execute("CREATE REL TABLE Edge(FROM Node TO Node, rel STRING)")
    nodes = os.path.join(folder, "nodes.csv")
    edges = os.path.join(folder, "edges.csv")
    conn.execute(f"COPY Node FROM '{nodes}' (header=true)")
    conn.execute(
        f"COPY Edge FROM (LOAD FROM '{edges}' (header=true) "
        "RETURN `from`, `to`, rel)"
    )
    if question == "related":
        (threat,) = args
        found = rows(
            conn,
            "MATCH (a:Node)-[e:Edge]->(t:Node {id: $t}) WHERE e.rel = 'addresses' RETURN a.id",
            {"t": threat},
        )
        answer = sorted(r[0] for r in found)
    elif question == "impact":
        (challenge,) = args
        activities = rows(
            conn,
            "MATCH (a:Node)-[e:Edge]->(c:Node {id: $c}) WHERE e.rel = 'hindered_by' RETURN a.id",
            {"c": challenge},
        )
        threats = rows(
            conn,
            "MATCH (c:Node {id: $c})<-[h:Edge]-(a:Node)-[e:Edge]->(t:Node) "
            "WHERE h.rel = 'hindered_by' AND e.rel = 'addresses' RETURN DISTINCT t.id",
            {"c": challenge},
        )
        answer = {
            "activities": sorted(r[0] for r in activities),
            "threats": sorted(r[0] for r in threats),
        }
    elif question == "path":
        source, target = args
        found = rows(
            conn,
            "MATCH p = (a:Node {id: $s})-[:Edge* SHORTEST 1..30]-(b:Node {id: $t}) "
            "RETURN length(p), properties(nodes(p), 'id')",
            {"s": source, "t": target},
        )
        answer = {"length": found[0][0], "nodes": found[0][1]} if found else None
    else:
        sys.exit(f"unknown question {question}")
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
