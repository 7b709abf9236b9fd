"""Drives the Athena stand-in with boto3 (botocore parses and validates every reply against Athena's service model).

stdin: {"athena": url, "standin": url of the test endpoints, "region", "database", "workgroup", "runId", "sizes": [n, ...]}
       (the tables exist: the C# test created them)
stdout: JSON with what each call returned, for the C# test to check. Any parse failure raises: exit code 1.
"""
import json
import sys
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError


def main():
    job = json.load(sys.stdin)
    athena = boto3.client("athena", endpoint_url=job["athena"], region_name=job["region"], aws_access_key_id="testing",
                          aws_secret_access_key="testing", config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    out = {}
    wg = athena.get_work_group(WorkGroup=job["workgroup"])["WorkGroup"]
    out["workgroup"] = {"name": wg["Name"], "state": wg["State"], "enforced": wg["Configuration"]["EnforceWorkGroupConfiguration"],
                        "output": wg["Configuration"]["ResultConfiguration"]["OutputLocation"], "created": wg["CreationTime"].timestamp()}
    sizes = job["sizes"]
    sql = (f"SELECT n_hidden, x, y, class_pred FROM {job['database']}.grid WHERE run_id = ? AND n_hidden IN ({', '.join('?' for _ in sizes)}) "
           "ORDER BY n_hidden, y, x")
    params = [f"'{job['runId']}'"] + [str(n) for n in sizes]
    qid = athena.start_query_execution(QueryString=sql, ExecutionParameters=params, WorkGroup=job["workgroup"],
                                       QueryExecutionContext={"Database": job["database"]},
                                       ResultReuseConfiguration={"ResultReuseByAgeConfiguration": {"Enabled": False}})["QueryExecutionId"]
    states, q = wait(athena, qid)
    out["states"] = states
    out["execution"] = {"type": q["StatementType"], "output": q["ResultConfiguration"]["OutputLocation"],
                        "scanned": q["Statistics"]["DataScannedInBytes"], "reused": q["Statistics"]["ResultReuseInformation"]["ReusedPreviousResult"],
                        "engineMs": q["Statistics"]["EngineExecutionTimeInMillis"], "submitted": q["Status"]["SubmissionDateTime"].timestamp(),
                        "completed": q["Status"]["CompletionDateTime"].timestamp(), "workgroup": q["WorkGroup"]}
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=qid, PaginationConfig={"PageSize": 1000})
    rows, columns, page_sizes = [], None, []
    for page in pages:
        columns = columns or [(c["Name"], c["Type"]) for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
        page_sizes.append(len(page["ResultSet"]["Rows"]))
        rows.extend([d.get("VarCharValue") for d in r["Data"]] for r in page["ResultSet"]["Rows"])
    out["columns"] = columns
    out["pageSizes"] = page_sizes
    out["header"] = rows[0]
    out["rows"] = len(rows) - 1
    out["listed"] = qid in athena.list_query_executions(WorkGroup=job["workgroup"])["QueryExecutionIds"]

    # A failed query: a partitioned table without its injected column's value.
    bad = athena.start_query_execution(QueryString=f"SELECT x FROM {job['database']}.grid WHERE run_id = ?", ExecutionParameters=params[:1],
                                       WorkGroup=job["workgroup"], QueryExecutionContext={"Database": job["database"]})["QueryExecutionId"]
    _, failed = wait(athena, bad)
    out["failed"] = {"state": failed["Status"]["State"], "reason": failed["Status"]["StateChangeReason"], "error": failed["Status"]["AthenaError"]}

    # Stop a query held in QUEUED by the fault endpoint.
    post(job["standin"] + "/_faults", {"slowQueue": 5})
    slow = athena.start_query_execution(QueryString=sql, ExecutionParameters=params, WorkGroup=job["workgroup"],
                                        QueryExecutionContext={"Database": job["database"]})["QueryExecutionId"]
    athena.stop_query_execution(QueryExecutionId=slow)
    out["stopped"] = athena.get_query_execution(QueryExecutionId=slow)["QueryExecution"]["Status"]["State"]

    out["errors"] = {}
    post(job["standin"] + "/_faults", {"throttle": {"count": 1, "operations": ["GetQueryExecution"]}})
    for name, call in (("throttled", lambda: athena.get_query_execution(QueryExecutionId=qid)),
                       ("unknown", lambda: athena.get_query_execution(QueryExecutionId="00000000-0000-0000-0000-000000000000")),
                       ("maxResults", lambda: athena.get_query_results(QueryExecutionId=qid, MaxResults=1001)),
                       ("cancelledResults", lambda: athena.get_query_results(QueryExecutionId=slow))):
        try:
            call()
            out["errors"][name] = None
        except ClientError as e:
            out["errors"][name] = {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                                   "message": e.response["Error"]["Message"]}
        except ParamValidationError as e:
            out["errors"][name] = {"code": "ParamValidationError", "message": str(e)}
    json.dump(out, sys.stdout)


def wait(athena, qid):
    seen = []
    deadline = time.time() + 30
    while time.time() < deadline:
        q = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        state = q["Status"]["State"]
        if not seen or seen[-1] != state:
            seen.append(state)
        if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return seen, q
        time.sleep(0.01)
    raise SystemExit(f"query {qid} did not finish: {seen}")


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


if __name__ == "__main__":
    main()
