"""Drives the EMR stand-in with boto3 (botocore parses and validates every reply against EMR's service model).

stdin: {"emr": url, "s3": url, "region", "bucket", "logUri", "bootstrap": local path of a bootstrap script}
stdout: JSON with what each call returned, for the C# test to check. Any parse failure raises: exit code 1.
"""
import json
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def main():
    job = json.load(sys.stdin)
    common = dict(region_name=job["region"], aws_access_key_id="testing", aws_secret_access_key="testing",
                  config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    emr = boto3.client("emr", endpoint_url=job["emr"], **common)
    s3 = boto3.client("s3", endpoint_url=job["s3"], **common)
    s3.upload_file(job["bootstrap"], job["bucket"], "boto3/bootstrap.sh")
    out = {}
    run = emr.run_job_flow(
        Name="boto3", LogUri=job["logUri"], ReleaseLabel="emr-7.13.0", Applications=[{"Name": "Spark"}],
        Instances={"InstanceGroups": [{"Name": "Primary", "InstanceRole": "MASTER", "InstanceType": "m7g.xlarge", "InstanceCount": 1},
                                      {"Name": "Core", "InstanceRole": "CORE", "InstanceType": "m7g.xlarge", "InstanceCount": 2}],
                   "KeepJobFlowAliveWhenNoSteps": True, "TerminationProtected": False},
        BootstrapActions=[{"Name": "install", "ScriptBootstrapAction": {"Path": f"s3://{job['bucket']}/boto3/bootstrap.sh", "Args": ["/opt/oneoff"]}}],
        Steps=[{"Name": "first", "ActionOnFailure": "CONTINUE", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["true"]}}],
        JobFlowRole="EMR_EC2_DefaultRole", ServiceRole="EMR_DefaultRole_V2", VisibleToAllUsers=True,
        Tags=[{"Key": "oneoff:deployment", "Value": "boto3"}, {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}])
    cid = run["JobFlowId"]
    out["arn"] = run["ClusterArn"]
    out["states"] = wait(emr, cid, lambda s: s == "WAITING")
    added = emr.add_job_flow_steps(JobFlowId=cid, Steps=[{"Name": "second", "ActionOnFailure": "CONTINUE",
                                                          "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["false"]}}])
    out["added"] = added["StepIds"]
    deadline = time.time() + 30
    while time.time() < deadline:
        step = emr.describe_step(ClusterId=cid, StepId=added["StepIds"][0])["Step"]
        if step["Status"]["State"] in ("COMPLETED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.1)
    out["second"] = {"state": step["Status"]["State"], "failure": step["Status"].get("FailureDetails"),
                     "args": step["Config"]["Args"], "end": step["Status"]["Timeline"]["EndDateTime"].timestamp()}
    out["steps"] = [s["Name"] for s in emr.list_steps(ClusterId=cid)["Steps"]]
    out["running"] = [c["Id"] for c in emr.list_clusters(ClusterStates=["WAITING", "RUNNING"])["Clusters"]]
    instances = emr.list_instances(ClusterId=cid)["Instances"]
    out["instances"] = [{"ec2": i["Ec2InstanceId"], "state": i["Status"]["State"], "type": i["InstanceType"]} for i in instances]
    out["core"] = len(emr.list_instances(ClusterId=cid, InstanceGroupTypes=["CORE"])["Instances"])
    out["bootstrapActions"] = emr.list_bootstrap_actions(ClusterId=cid)["BootstrapActions"]
    described = emr.describe_cluster(ClusterId=cid)["Cluster"]
    out["logUri"] = described["LogUri"]
    out["tags"] = described["Tags"]
    out["autoTerminate"] = described["AutoTerminate"]
    emr.terminate_job_flows(JobFlowIds=[cid])
    out["final"] = wait(emr, cid, lambda s: s.startswith("TERMINATED"))[-1]
    out["reason"] = emr.describe_cluster(ClusterId=cid)["Cluster"]["Status"]["StateChangeReason"]
    out["errors"] = {}
    for name, call in (("describeUnknown", lambda: emr.describe_cluster(ClusterId="j-NOSUCHCLUSTER")),
                       ("terminateUnknown", lambda: emr.terminate_job_flows(JobFlowIds=["j-NOSUCHCLUSTER"])),
                       ("addToTerminated", lambda: emr.add_job_flow_steps(JobFlowId=cid, Steps=[{"Name": "late", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["true"]}}]))):
        try:
            call()
            out["errors"][name] = None
        except ClientError as e:
            out["errors"][name] = {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
    json.dump(out, sys.stdout)


def wait(emr, cid, done):
    seen = []
    deadline = time.time() + 60
    while time.time() < deadline:
        state = emr.describe_cluster(ClusterId=cid)["Cluster"]["Status"]["State"]
        if not seen or seen[-1] != state:
            seen.append(state)
        if done(state):
            return seen
        time.sleep(0.05)
    raise SystemExit(f"cluster {cid} stuck: {seen}")


if __name__ == "__main__":
    main()
