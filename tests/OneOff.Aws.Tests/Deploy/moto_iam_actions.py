"""Checks, with moto's IAM enforcement, which API calls a policy lets a user make.

usage: moto_iam_actions.py ACTION... < policy.json
Each ACTION (e.g. elasticmapreduce:RunJobFlow) is made as a real call by a user whose only policy is the one on stdin;
prints {"allowed": [...], "denied": [...], "unknown": [...]} as JSON. moto checks action names only: it ignores
conditions and wrongly denies resource-scoped statements, so the policy given should be a resource-"*" copy.
"""
import json
import sys

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

REGION = "us-east-1"
BUCKET = "oneoff-iam-check"


def denied(error):
    code = error.response.get("Error", {}).get("Code", "")
    return code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "InvalidClientTokenId") or \
        error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 403


@set_initial_no_auth_action_count(5)
@mock_aws
def main():
    policy = sys.stdin.read()
    # The first five calls are unauthenticated (set_initial_no_auth_action_count): the set-up.
    admin = boto3.client("iam", region_name=REGION)
    admin.create_user(UserName="oneoff")
    arn = admin.create_policy(PolicyName="control-plane-star", PolicyDocument=policy)["Policy"]["Arn"]
    admin.attach_user_policy(UserName="oneoff", PolicyArn=arn)
    key = admin.create_access_key(UserName="oneoff")["AccessKey"]
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)

    session = boto3.Session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], region_name=REGION)
    emr, athena, s3 = session.client("emr"), session.client("athena"), session.client("s3")
    state = {}

    def run_job_flow():
        state["cluster"] = emr.run_job_flow(
            Name="oneoff", ReleaseLabel="emr-7.0.0", JobFlowRole="r", ServiceRole="r",
            Instances={"MasterInstanceType": "m5.xlarge", "InstanceCount": 1, "KeepJobFlowAliveWhenNoSteps": True},
            Tags=[{"Key": "oneoff:deployment", "Value": "default"}])["JobFlowId"]
        return state["cluster"]

    def cluster():
        return state.get("cluster") or run_job_flow()

    def step():
        if "step" not in state:
            state["step"] = emr.add_job_flow_steps(JobFlowId=cluster(), Steps=[{"Name": "s", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["true"]}}])["StepIds"][0]
        return state["step"]

    def query():
        if "query" not in state:
            state["query"] = athena.start_query_execution(QueryString="SELECT 1", WorkGroup="primary")["QueryExecutionId"]
        return state["query"]

    calls = {
        "elasticmapreduce:RunJobFlow": run_job_flow,
        "elasticmapreduce:DescribeCluster": lambda: emr.describe_cluster(ClusterId=cluster()),
        "elasticmapreduce:ListSteps": lambda: emr.list_steps(ClusterId=cluster()),
        "elasticmapreduce:AddJobFlowSteps": step,
        "elasticmapreduce:DescribeStep": lambda: emr.describe_step(ClusterId=cluster(), StepId=step()),
        "elasticmapreduce:ListClusters": lambda: emr.list_clusters(),
        "elasticmapreduce:ListInstances": lambda: emr.list_instances(ClusterId=cluster()),
        "elasticmapreduce:ListBootstrapActions": lambda: emr.list_bootstrap_actions(ClusterId=cluster()),
        "elasticmapreduce:TerminateJobFlows": lambda: emr.terminate_job_flows(JobFlowIds=[cluster()]),
        "athena:StartQueryExecution": query,
        "athena:GetQueryExecution": lambda: athena.get_query_execution(QueryExecutionId=query()),
        "athena:GetQueryResults": lambda: athena.get_query_results(QueryExecutionId=query()),
        "athena:StopQueryExecution": lambda: athena.stop_query_execution(QueryExecutionId=query()),
        "athena:GetWorkGroup": lambda: athena.get_work_group(WorkGroup="primary"),
        "s3:PutObject": lambda: s3.put_object(Bucket=BUCKET, Key="oneoff/runs/a/x", Body=b"x"),
        "s3:GetObject": lambda: s3.get_object(Bucket=BUCKET, Key="oneoff/runs/a/x"),
        "s3:ListBucket": lambda: s3.list_objects_v2(Bucket=BUCKET, Prefix="oneoff/"),
        "s3:DeleteObject": lambda: s3.delete_object(Bucket=BUCKET, Key="oneoff/runs/a/x"),
        # Controls: not in OneOff's policy, so a working enforcement denies them.
        "elasticmapreduce:ListSecurityConfigurations": lambda: emr.list_security_configurations(),
        "s3:CreateBucket": lambda: s3.create_bucket(Bucket="another-bucket"),
    }
    result = {"allowed": [], "denied": [], "unknown": []}
    for action in sys.argv[1:]:
        call = calls.get(action)
        if call is None:
            result["unknown"].append(action)
            continue
        try:
            call()
            result["allowed"].append(action)
        except ClientError as error:
            result["denied" if denied(error) else "allowed"].append(action)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
