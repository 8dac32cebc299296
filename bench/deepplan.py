#!/usr/bin/env python3
"""deepplan.py — a plan whose one change nests DEPTH levels in all (the
document counts: resource_changes is level 2), alternating arrays and
objects, in both before and after: the input of bench/stackprobe.c.

    python3 bench/deepplan.py 4096 > /tmp/deep.json
"""
import sys

depth = int(sys.argv[1])
inner = depth - 5  # document, resource_changes, the change, change, before/after
deep = "".join('{"k":' if i % 2 else "[" for i in range(inner)) + "1" + \
    "".join("}" if i % 2 else "]" for i in reversed(range(inner)))
sys.stdout.write(
    '{"format_version":"1.2","planned_values":{},"resource_changes":[{"address":"aws_dynamodb_table.deep",'
    '"mode":"managed","type":"aws_dynamodb_table","name":"deep","change":{"actions":["delete","create"],'
    '"before":{"name":"deep","hash_key":"id","deep":' + deep + '},"after":{"name":"deep","hash_key":"pk",'
    '"deep":' + deep + '},"after_unknown":{}}}]}\n')
