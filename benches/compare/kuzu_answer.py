"""Answers one question with Kuzu, end to end, in memory or from a database
on disk.

Usage:
  kuzu_answer.py DIR QUESTION ARGS...       in memory: create a database,
                                            COPY the CSV folder into it,
                                            answer, print
  kuzu_answer.py --build DIR DB             on disk: create the database DB
                                            from the CSV folder (done once)
  kuzu_answer.py --db DB QUESTION ARGS...   on disk: open DB read-only,
                                            answer, print

QUESTION ARGS is one of: related THREAT | impact CHALLENGE | path FROM TO.

Kuzu's tables are typed, and `seccoop generate` writes every node into one
nodes.csv with a kind column, so the schema is one node table
Node(id, kind, name) and one relationship table Edge(rel): the same CSV
files, copied as they are. edges.csv has its columns in the order
from,rel,to, while COPY into a relationship table wants the two ends first,
so the edges are copied from a LOAD FROM subquery that reorders them.
The database on disk is built by the same statements as the one in memory.
Prints the answer as JSON in the shape compare.py expects.
"""

import json
import os
import shutil
import sys

import kuzu


def rows(conn, query, params=None):
    result = conn.execute(query, params or {})
    out = []
    while result.has_next():
        out.append(result.get_next())
    return out


def copy_folder(conn, folder):
    """Creates the two tables and copies the CSV folder into them."""
    conn.execute("CREATE NODE TABLE Node(id STRING, kind STRING, name STRING, PRIMARY KEY (id))")
    conn.execute("CREATE REL TABLE Edge(FROM Node TO Node, rel STRING)")
    nodes = os.path.join(folder, "nodes.csv")
    edges = os.path.join(folder, "edges.csv")
    conn.execute(f"COPY Node FROM '{nodes}' (header=true)")
    conn.execute(
        f"COPY Edge FROM (LOAD FROM '{edges}' (header=true) "
        "RETURN `from`, `to`, rel)"
    )


def answer(conn, question, args):
    if question == "related":
        (threat,) = args
        found = rows(
            conn,
            "MATCH (a:Node)-[e:Edge]->(t:Node {id: $t}) WHERE e.rel = 'addresses' RETURN a.id",
            {"t": threat},
        )
        return sorted(r[0] for r in found)
    if question == "impact":
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
        return {
            "activities": sorted(r[0] for r in activities),
            "threats": sorted(r[0] for r in threats),
        }
    if question == "path":
        source, target = args
        found = rows(
            conn,
            "MATCH p = (a:Node {id: $s})-[:Edge* SHORTEST 1..30]-(b:Node {id: $t}) "
            "RETURN length(p), properties(nodes(p), 'id')",
            {"s": source, "t": target},
        )
        return {"length": found[0][0], "nodes": found[0][1]} if found else None
    sys.exit(f"unknown question {question}")


def build(folder, path):
    # A database left by an earlier build (a file, or a folder in older
    # Kuzu versions, and its write-ahead log) is replaced, not added to.
    for p in (path, path + ".wal"):
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)
    db = kuzu.Database(path)
    conn = kuzu.Connection(db)
    copy_folder(conn, folder)
    conn.close()
    db.close()


def main():
    argv = sys.argv[1:]
    if argv[:1] == ["--build"] and len(argv) == 3:
        build(argv[1], argv[2])
        return
    if argv[:1] == ["--db"] and len(argv) >= 3:
        db = kuzu.Database(argv[1], read_only=True)
        question, *args = argv[2:]
    elif len(argv) >= 2 and not argv[0].startswith("--"):
        db = kuzu.Database(":memory:")
        question, *args = argv[1:]
    else:
        sys.exit(__doc__)
    conn = kuzu.Connection(db)
    if argv[0] != "--db":
        copy_folder(conn, argv[0])
    print(json.dumps(answer(conn, question, args)))


if __name__ == "__main__":
    main()
