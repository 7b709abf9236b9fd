"""Creates deploy/oneoff.yaml as a stack in a moto server and prints the outcome as JSON.

usage: moto_stack.py ENDPOINT TEMPLATE [Key=Value ...]
prints {"status": ..., "reason": ..., "outputs": {key: value}, "descriptions": {key: description},
"resources": {logical id: type}, "query": ...}; with QUERY in the environment, "query" is that JMESPath expression
applied to the describe-stacks answer, as `aws ... --query` applies it.
"""
import json
import os
import sys
import time

import boto3
from botocore.exceptions import ClientError
import jmespath


def read(call):
    """The answer, or None where moto did not apply the setting (the S3 "not found" error of that getter)."""
    try:
        return call()
    except ClientError as error:
        if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            return None
        raise


def main():
    endpoint, template = sys.argv[1], sys.argv[2]
    parameters = [dict(zip(("ParameterKey", "ParameterValue"), a.split("=", 1))) for a in sys.argv[3:]]
    cfn = boto3.client("cloudformation", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    with open(template, encoding="utf-8") as f:
        body = f.read()
    cfn.create_stack(StackName="oneoff", TemplateBody=body, Parameters=parameters, Capabilities=["CAPABILITY_IAM"])
    deadline = time.time() + 60
    while True:
        described = cfn.describe_stacks(StackName="oneoff")
        stack = described["Stacks"][0]
        if not stack["StackStatus"].endswith("_IN_PROGRESS") or time.time() > deadline:
            break
        time.sleep(0.2)
    resources = cfn.describe_stack_resources(StackName="oneoff")["StackResources"]
    bucket = {}
    bucket_name = next((o["OutputValue"] for o in stack.get("Outputs", []) if o["OutputKey"] == "OneOffAwsBucket"), None)
    if bucket_name:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        bucket = {
            "publicAccessBlock": read(lambda: s3.get_public_access_block(Bucket=bucket_name)["PublicAccessBlockConfiguration"]),
            "encryption": read(lambda: s3.get_bucket_encryption(Bucket=bucket_name)["ServerSideEncryptionConfiguration"]),
            "lifecycle": read(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket_name)["Rules"]),
            "policy": read(lambda: json.loads(s3.get_bucket_policy(Bucket=bucket_name)["Policy"])),
        }
    print(json.dumps({
        "status": stack["StackStatus"],
        "reason": stack.get("StackStatusReason"),
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
        "descriptions": {o["OutputKey"]: o.get("Description") for o in stack.get("Outputs", [])},
        "query": jmespath.search(os.environ["QUERY"], described) if os.environ.get("QUERY") else None,
        "bucket": bucket,
        "resources": {r.get("LogicalResourceId", "?"): r.get("ResourceType") for r in resources},
    }))


if __name__ == "__main__":
    main()
