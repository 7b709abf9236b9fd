"""Drives boto3 (botocore validates every input against its service model) for OneOff's conformance tests.

stdin: {"endpoint", "region", "credentials": {...}, "calls": [{"service", "operation", "input"}]}
stdout: a JSON array, per call {"ok": true} or {"ok": false, "error": "..."}.
The calls run one after another, so the capture server can answer them in order.
"""
import datetime
import json
import sys

import boto3
from botocore.config import Config
from botocore import xform_name

TIMESTAMP_MEMBERS = {"CreatedAfter", "CreatedBefore"}


def revive(value, key=None):
    if key in TIMESTAMP_MEMBERS and isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    if isinstance(value, list):
        return [revive(v) for v in value]
    if isinstance(value, dict):
        return {k: revive(v, k) for k, v in value.items()}
    return value


def main():
    job = json.load(sys.stdin)
    names = {"athena": "athena", "emr": "emr"}
    clients = {}
    results = []
    for call in job["calls"]:
        service = call["service"]
        if service not in clients:
            clients[service] = boto3.client(
                names[service],
                endpoint_url=job["endpoint"],
                region_name=job["region"],
                aws_access_key_id=job["credentials"]["accessKeyId"],
                aws_secret_access_key=job["credentials"]["secretAccessKey"],
                aws_session_token=job["credentials"].get("sessionToken"),
                config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
            )
        method = getattr(clients[service], xform_name(call["operation"]))
        try:
            method(**revive(call["input"]))
            results.append({"ok": True})
        except Exception as e:  # noqa: BLE001 - every failure is reported to the test, which decides
            results.append({"ok": False, "error": f"{type(e).__name__}: {e}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
