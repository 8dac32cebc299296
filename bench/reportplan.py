#!/usr/bin/env python3
"""reportplan.py — big plans for the report's reading tests (issue 15).

    python3 bench/reportplan.py tables  [N]  > plan.json   # N tables (120) replaced: hash_key changes
    python3 bench/reportplan.py deletes [N]  > plan.json   # N instances (400) deleted + 3 protected tables
    python3 bench/reportplan.py mixed        > plan.json   # a bit of every kind of change
    python3 bench/reportplan.py error        > plan.json   # the mixed plan, "errored": true (exit 3)

testdata/plans/rep-big-tables, rep-big-deletes, rep-mixed and rep-error hold
their output (expect.json; the text goldens are testdata/reports/rep-*.txt).

The plans have Terraform's `show -json` shape (format 1.2, Terraform 1.9.5),
written compact; the output is deterministic.
"""
import json
import sys

PROVIDER = "registry.terraform.io/hashicorp/aws"


def table(name, hash_key, env="dev", gsi_hash="customerId", pitr=True, protect=False):
    return {
        "arn": "arn:aws:dynamodb:eu-west-1:123456789012:table/" + name,
        "attribute": [{"name": "createdAt", "type": "N"}, {"name": hash_key, "type": "S"},
                      {"name": gsi_hash, "type": "S"}] if hash_key != gsi_hash else
                     [{"name": "createdAt", "type": "N"}, {"name": hash_key, "type": "S"}],
        "billing_mode": "PAY_PER_REQUEST",
        "deletion_protection_enabled": protect,
        "global_secondary_index": [{"hash_key": gsi_hash, "name": "by_customer", "non_key_attributes": [],
                                    "projection_type": "ALL", "range_key": "createdAt", "read_capacity": 0,
                                    "write_capacity": 0}],
        "hash_key": hash_key,
        "id": name,
        "local_secondary_index": [{"name": "by_date", "non_key_attributes": [], "projection_type": "KEYS_ONLY",
                                   "range_key": "createdAt"}],
        "name": name,
        "point_in_time_recovery": [{"enabled": pitr, "recovery_period_in_days": 35}],
        "range_key": "createdAt",
        "read_capacity": 0,
        "stream_enabled": False,
        "table_class": "STANDARD",
        "tags": {"Environment": env, "Team": "orders"},
        "tags_all": {"Environment": env, "Team": "orders"},
        "write_capacity": 0,
    }


def change(address, typ, name, actions, before, after, index=None, reason=None, replace_paths=None,
           after_unknown=None, module=None):
    rc = {"address": address, "mode": "managed", "type": typ, "name": name, "provider_name": PROVIDER,
          "change": {"actions": actions, "before": before, "after": after,
                     "after_unknown": after_unknown if after_unknown is not None else ({} if after else False),
                     "before_sensitive": {} if before else False, "after_sensitive": {} if after else False}}
    if module:
        rc["module_address"] = module
    if index is not None:
        rc["index"] = index
    if replace_paths is not None:
        rc["change"]["replace_paths"] = replace_paths
    if reason:
        rc["action_reason"] = reason
    return rc


def replaced_table(address, name, index=None, env="dev"):
    before = table(name, "orderId", env)
    after = table(name, "customerId", env)
    del after["arn"], after["id"]
    return change(address, "aws_dynamodb_table", address.split(".")[-1].split("[")[0], ["delete", "create"],
                  before, after, index=index, reason="replace_because_cannot_update",
                  replace_paths=[["hash_key"]], after_unknown={"arn": True, "id": True})


def instance(i):
    return {"ami": "ami-0a1b2c3d4e5f60718", "id": "i-%016x" % (0xabc000 + i), "instance_type": "t3.micro",
            "tags": {"Name": "worker-%d" % i}}


def plan(changes):
    return {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {}}, "resource_changes": changes}


def tables(n):
    return plan([replaced_table("aws_dynamodb_table.orders[%d]" % i, "orders-%03d" % i, index=i, env="production")
                 for i in range(n)])


def deletes(n):
    out = []
    for i in range(n):
        out.append(change("aws_instance.worker[%d]" % i, "aws_instance", "worker", ["delete"], instance(i), None,
                          index=i, reason="delete_because_no_resource_config"))
        if i in (57, 203, 351):  # the 3 tables sit in the middle of the plan, as in the real one
            k = (57, 203, 351).index(i)
            name = ("payments", "ledger", "customers")[k]
            out.append(change("aws_dynamodb_table." + name, "aws_dynamodb_table", name, ["delete"],
                              table(name + "-prod", "id", "production", "customerId", True, False), None,
                              reason="delete_because_no_resource_config"))
    return plan(out)


def mixed():
    ch = []
    ch.append(replaced_table("aws_dynamodb_table.orders", "orders-prod", env="production"))
    ch.append(change("aws_dynamodb_table.sessions", "aws_dynamodb_table", "sessions", ["create", "delete"],
                     table("sessions", "sid"), table("sessions", "sid"), reason="replace_because_tainted"))
    ch.append(change("aws_db_instance.main", "aws_db_instance", "main", ["delete", "create"],
                     {"identifier": "main", "password": "hunter2", "engine": "postgres"},
                     {"identifier": "main", "password": "hunter3", "engine": "postgres"},
                     reason="replace_because_cannot_update", replace_paths=[["password"], ["identifier"]]))
    ch[-1]["change"]["before_sensitive"] = {"password": True}
    ch[-1]["change"]["after_sensitive"] = {"password": True}
    ch.append(change("aws_s3_bucket.logs", "aws_s3_bucket", "logs", ["delete", "create"],
                     {"bucket": "logs"}, {"bucket": "logs"}, reason="replace_by_request"))
    ch.append(change("aws_ssm_parameter.cfg", "aws_ssm_parameter", "cfg", ["delete", "create"],
                     {"name": "cfg", "tags": {"team-secret-key": "x"}}, {"name": "cfg2", "tags": {"team-secret-key": "x"}},
                     replace_paths=[["name"], ["tags", "team-secret-key"]]))
    ch[-1]["change"]["before_sensitive"] = {"tags": True}
    ch[-1]["change"]["after_sensitive"] = {"tags": True}
    for i in range(5):
        ch.append(change("aws_instance.worker[%d]" % i, "aws_instance", "worker", ["delete"], instance(i), None,
                         index=i, reason="delete_because_count_index"))
    for k in ("a", "b", "c"):
        ch.append(change('aws_sqs_queue.q["%s"]' % k, "aws_sqs_queue", "q", ["delete"], {"name": k}, None,
                         index=k, reason="delete_because_each_key"))
    ch.append(change("aws_iam_role.old", "aws_iam_role", "old", ["forget"], {"name": "old"}, None))
    ch.append(change("aws_iam_role.new", "aws_iam_role", "new", ["create"], None, {"name": "new"}))
    ch.append(change("aws_instance.web", "aws_instance", "web", ["update"], instance(900), instance(901)))
    ch.append(change("aws_instance.api", "aws_instance", "api", ["no-op"], instance(902), instance(902)))
    return plan(ch)


def errored():
    doc = mixed()
    doc["errored"] = True
    return doc


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "tables"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else None
    doc = {"tables": lambda: tables(n or 120), "deletes": lambda: deletes(n or 400), "mixed": mixed,
           "error": errored}[kind]()
    json.dump(doc, sys.stdout, separators=(",", ":"), sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
