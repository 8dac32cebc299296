#!/usr/bin/env python3
"""bigchange.py — a plan with one huge resource change, for peak-memory runs
(issue 11: decoding one change must stay under 8 x its size + 64 MiB).

    python3 bench/bigchange.py SHAPE MEGABYTES > plan.json

SHAPE is how the change's `after` is filled: `objects` ([{},{},...]: the
costliest JSON for jansson, ~78 bytes per byte), `tags` (a map of short
strings, like tags or a rendered config), `strings` (a list of 100-byte
strings), `blob` (one long string). The change is a create of an
aws_dynamodb_table, which the detectors want, so it is always decoded.
"""
import sys

shape, mb = sys.argv[1], float(sys.argv[2])
target = int(mb * 1024 * 1024)
out = sys.stdout
head = ('{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{}},'
        '"resource_changes":[{"address":"aws_dynamodb_table.big","mode":"managed","type":"aws_dynamodb_table",'
        '"name":"big","provider_name":"registry.terraform.io/hashicorp/aws","change":{"actions":["create"],'
        '"before":null,"after":{"name":"big","hash_key":"id","attribute":[{"name":"id","type":"S"}],"payload":')
tail = '},"after_unknown":{},"before_sensitive":false,"after_sensitive":{}}}]}\n'
out.write(head)
n = 0
if shape == "objects":
    out.write("[")
    unit = "{},"
    count = target // len(unit)
    out.write(unit * (count - 1) + "{}")
    out.write("]")
elif shape == "tags":
    out.write("{")
    parts = []
    i = 0
    size = 0
    while size < target:
        p = '"k%07d":"value-%07d"' % (i, i)
        parts.append(p)
        size += len(p) + 1
        i += 1
    out.write(",".join(parts))
    out.write("}")
elif shape == "strings":
    unit = '"' + "s" * 98 + '",'
    count = target // len(unit)
    out.write("[" + unit * (count - 1) + unit[:-1] + "]")
elif shape == "blob":
    out.write('"' + "b" * target + '"')
else:
    sys.exit("unknown shape " + shape)
out.write(tail)
