"""Runs Cypher queries in Kuzu on a bundle `seccoop convert --to kuzu` wrote.

Usage: kuzu_queries.py BUNDLE DB QUERIES

BUNDLE is the folder with kuzu-import.cypher and its CSV files, DB a folder
(empty or missing) for the database, QUERIES a JSON file holding a list of
{"name": ..., "text": ...}. Loads the bundle with its own script, runs each
query, and prints one JSON object: name -> {"columns": [...], "rows":
[[...], ...]} or name -> {"error": "..."}. A query that fails does not stop
the others: the caller decides what a failure means.

Values print as JSON: nodes and relationships are not expected (the queries
return properties); a float JSON has no number for prints as
{"$float": "NaN" | "Infinity" | "-Infinity"}, as `seccoop query --format
json` writes it.
"""

import decimal
import json
import math
import os
import sys

import kuzu

bundle, db_dir, queries_file = sys.argv[1], sys.argv[2], sys.argv[3]
with open(queries_file, encoding="utf-8") as f:
    queries = json.load(f)

os.chdir(bundle)  # the script's COPY paths are relative to its folder
conn = kuzu.Connection(kuzu.Database(os.path.join(db_dir, "db.kuzu")))
with open("kuzu-import.cypher", encoding="utf-8") as f:
    conn.execute(f.read())


def value(v):
    if isinstance(v, decimal.Decimal):  # Kuzu sums INT64 as INT128
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, float) and not math.isfinite(v):
        if math.isnan(v):
            return {"$float": "NaN"}
        return {"$float": "Infinity" if v > 0 else "-Infinity"}
    if isinstance(v, list):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {k: value(x) for k, x in v.items()}
    return v


answers = {}
for q in queries:
    try:
        result = conn.execute(q["text"])
        columns = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append([value(v) for v in result.get_next()])
        answers[q["name"]] = {"columns": columns, "rows": rows}
    except Exception as e:  # a failed query is an answer to compare
        answers[q["name"]] = {"error": str(e)}
json.dump(answers, sys.stdout, ensure_ascii=False)
