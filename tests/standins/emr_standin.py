#!/usr/bin/env python3
"""The EMR stand-in: a real process speaking Amazon EMR's AWS JSON 1.1 protocol on loopback.

moto cannot test a run's life (its clusters never leave WAITING and no step ever ends), so this process models
the part of EMR that OneOff relies on, with S3 on moto (another process, reached through boto3 and the node's
`aws` CLI with AWS_ENDPOINT_URL). See tests/standins/README.md for the whole picture; in short:

* Operations: RunJobFlow, DescribeCluster, ListSteps, DescribeStep, ListClusters, ListInstances,
  ListBootstrapActions, AddJobFlowSteps, TerminateJobFlows. SigV4 is not checked, but an Authorization header is
  required. Every reply is parsed by boto3 in the tests.
* A cluster moves STARTING -> BOOTSTRAPPING -> RUNNING -> (steps) -> [WAITING] -> TERMINATING -> TERMINATED /
  TERMINATED_WITH_ERRORS on short, configurable delays.
* Each node (primary + core count) has its own folder; the real bootstrap scripts are fetched from S3 and run there
  (inside a private mount namespace where the machine allows it) with shims for sudo, shutdown and anything else
  that could reach the host; then each step's argv runs on the primary node (spark-submit runs a pyspark stand-in).
* Step and bootstrap logs reach the LogUri gzipped, after a delay.
* Test-only endpoints: POST /_faults (arm faults), GET /_faults, GET /_clusters, GET /_health,
  POST /_release (lets a cluster held by a "hold" fault go on), POST /_nodes/shutdown (what the shutdown shim calls), GET /_calls (every EMR call received: counts per operation
  and the last calls with time, cluster and whether it was throttled), DELETE /_calls (start counting again).

Sources are named beside each modelled behaviour:
  [model]  the EMR service model (botocore emr/2009-03-31/service-2.json), as summarised in ../shared/aws-protocols.md s3
  [api]    the EMR API reference page of the operation or shape (docs.aws.amazon.com/emr/latest/APIReference/...)
  [mg]     the EMR Management Guide page named
  [inf]    an inference of mine, not confirmed by AWS: a real account may differ
"""
import argparse
import base64
import gzip
import io
import json
import os
import random
import re
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
SHIMS = os.path.join(HERE, "shims")
NODE_EXEC = os.path.join(HERE, "node-exec")
PYSPARK_PATH = os.path.join(HERE, "pyspark")
ACCOUNT = "123456789012"

# [model] ListClusters / ListSteps / ListInstances / ListBootstrapActions page with Marker; EMR pages by 50
# (API reference ListClusters: "returns ... up to 50 clusters at a time ... with a marker"; ListSteps: "up to 50 steps").
PAGE_SIZE = 50

# [model] InstanceGroup state values; a node here goes AWAITING_FULFILLMENT -> PROVISIONING -> BOOTSTRAPPING -> RUNNING -> TERMINATED.
ACTIVE_CLUSTER_STATES = ("STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING")

# Install and info folders a script may name; rewritten into the node's folder (README, "Paths on a node").
REWRITTEN_PREFIXES = ("/opt/oneoff", "/mnt/var/lib/info", "/mnt/var/log")

LOG = threading.Lock()


def log(message):
    with LOG:
        sys.stderr.write(time.strftime("%H:%M:%S ") + message + "\n")
        sys.stderr.flush()


def env_float(name, default):
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def new_id(prefix, length=13):
    # [api] cluster ids look like j-3TS0OIYO4NFN, step ids s-1XXXXXXXXXXA: upper-case letters and digits.
    return prefix + "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(length))


def ec2_id():
    return "i-" + "".join(random.choice("0123456789abcdef") for _ in range(17))


class ApiError(Exception):
    def __init__(self, type_name, message, status=400, extra=None):
        super().__init__(message)
        self.type_name = type_name
        self.message = message
        self.status = status
        self.extra = extra or {}


def invalid_request(message, error_code=None):
    # [model] InvalidRequestException {ErrorCode, Message}; the error code values are [inf].
    extra = {"ErrorCode": error_code} if error_code else {}
    return ApiError("InvalidRequestException", message, extra=extra)


def validation(message):
    # [api] Common Errors: ValidationError 400; EMR answers ValidationException for bad arguments
    # (e.g. TerminateJobFlows with an unknown id: "Specified job flow ID not valid") [inf: message text].
    return ApiError("ValidationException", message)


def s3_parts(uri):
    m = re.match(r"^s3[na]?://([^/]+)/?(.*)$", uri or "")
    if not m:
        raise ValueError(f"not an S3 URI: {uri!r}")
    return m.group(1), m.group(2)


def s3n(uri):
    # ARCHITECTURE "Following a cluster": DescribeCluster may return the log URI as s3n:// (measured on EMR and
    # reported widely); the stand-in always does, so clients must normalise it.
    return re.sub(r"^s3[na]?://", "s3n://", uri) if uri else uri


class Config:
    def __init__(self, args):
        self.region = args.region
        self.s3_endpoint = args.s3_endpoint
        self.work = args.work
        self.start_delay = args.start_delay
        self.bootstrap_delay = args.bootstrap_delay
        self.ready_delay = args.ready_delay
        self.step_delay = args.step_delay
        self.terminate_delay = args.terminate_delay
        self.log_delay = args.log_delay
        self.time_scale = args.time_scale
        self.namespace_mode = args.namespace
        self.namespace = False
        self.namespace_reason = "off"
        self.url = None


class Node:
    def __init__(self, cluster, role, group, instance_type):
        self.cluster = cluster
        self.id = new_id("ci-")
        self.ec2_id = ec2_id()
        self.role = role  # MASTER | CORE
        self.group = group
        self.instance_type = instance_type
        n = len(cluster.nodes) + 10
        self.private_ip = f"10.0.0.{n}"
        self.public_dns = f"ec2-203-0-113-{n}.compute-1.amazonaws.com"
        self.state = "AWAITING_FULFILLMENT"
        self.reason = None
        self.created = time.time()
        self.ready = None
        self.ended = None
        self.root = os.path.join(cluster.root, self.ec2_id)
        self.procs = []
        self.bootstrap_logs = []  # (n, folder) of each action run

    def summary(self):
        status = {"State": self.state, "Timeline": timeline(self.created, self.ready, self.ended)}
        status["StateChangeReason"] = self.reason or {}
        return {
            "Id": self.id, "Ec2InstanceId": self.ec2_id, "PublicDnsName": self.public_dns,
            "PublicIpAddress": "203.0.113." + self.private_ip.rsplit(".", 1)[1],
            "PrivateDnsName": "ip-" + self.private_ip.replace(".", "-") + ".ec2.internal",
            "PrivateIpAddress": self.private_ip, "Status": status, "InstanceGroupId": self.group["Id"],
            "Market": self.group["Market"], "InstanceType": self.instance_type, "EbsVolumes": [],
        }


class Step:
    def __init__(self, cluster, config):
        self.cluster = cluster
        self.id = new_id("s-")
        self.name = config.get("Name") or ""
        hadoop = config.get("HadoopJarStep") or {}
        self.jar = hadoop.get("Jar") or ""
        self.args = list(hadoop.get("Args") or [])
        self.main_class = hadoop.get("MainClass")
        # [model] StepConfig.HadoopJarStep.Properties is a list of KeyValue; HadoopStepConfig (read back) a map.
        self.properties = {p.get("Key"): p.get("Value") for p in (hadoop.get("Properties") or [])}
        # [model] ActionOnFailure defaults: the API reference says TERMINATE_CLUSTER is "provided for backward
        # compatibility" and CONTINUE is the console default; the API default is [inf] CONTINUE.
        self.action_on_failure = config.get("ActionOnFailure") or "CONTINUE"
        self.state = "PENDING"
        self.reason = {}
        self.failure = None
        self.created = time.time()
        self.started = None
        self.ended = None
        self.proc = None
        self.log_dir = None

    def status(self):
        status = {"State": self.state, "StateChangeReason": self.reason,
                  "Timeline": timeline(self.created, self.started, self.ended, names=("CreationDateTime", "StartDateTime", "EndDateTime"))}
        if self.failure:
            status["FailureDetails"] = self.failure
        return status

    def config(self):
        config = {"Jar": self.jar, "Properties": self.properties, "Args": self.args}
        if self.main_class:
            config["MainClass"] = self.main_class
        return config

    def summary(self):
        return {"Id": self.id, "Name": self.name, "Config": self.config(), "ActionOnFailure": self.action_on_failure,
                "Status": self.status()}


def timeline(created, middle, ended, names=("CreationDateTime", "ReadyDateTime", "EndDateTime")):
    # [protocol] timestamps are epoch seconds as JSON numbers (aws-protocols.md s0).
    out = {names[0]: round(created, 3)}
    if middle:
        out[names[1]] = round(middle, 3)
    if ended:
        out[names[2]] = round(ended, 3)
    return out


class Cluster:
    def __init__(self, server, request):
        self.server = server
        self.cfg = server.cfg
        self.id = new_id("j-")
        self.arn = f"arn:aws:elasticmapreduce:{self.cfg.region}:{ACCOUNT}:cluster/{self.id}"
        self.request = request
        self.name = request["Name"]
        self.state = "STARTING"
        # [api] DescribeCluster sample: a starting cluster's reason is empty; "Provisioning Amazon EC2 capacity" [inf].
        self.reason = {"Message": "Configuring cluster software"}
        self.errors = []
        self.created = time.time()
        self.ready = None
        self.ended = None
        self.log_uri = request.get("LogUri")
        self.tags = [{"Key": t.get("Key"), "Value": t.get("Value", "")} for t in (request.get("Tags") or [])]
        instances = request.get("Instances") or {}
        # [api] RunJobFlow: KeepJobFlowAliveWhenNoSteps "Defaults to false" (JobFlowInstancesConfig).
        self.keep_alive = bool(instances.get("KeepJobFlowAliveWhenNoSteps", False))
        self.termination_protected = bool(instances.get("TerminationProtected", False))
        policy = request.get("AutoTerminationPolicy") or {}
        self.idle_timeout = policy.get("IdleTimeout")
        self.bootstrap_actions = list(request.get("BootstrapActions") or [])
        self.steps = [Step(self, s) for s in (request.get("Steps") or [])]
        self.nodes = []
        self.groups = []
        self.root = os.path.join(self.cfg.work, self.id)
        self.lock = threading.Condition(threading.RLock())
        self.terminate_request = None  # (state, code, message)
        self.held = None  # the hold point this cluster waits at (a test fault), until POST /_release
        self.lease = None
        self.faults = {}
        self.availability_zone = ((instances.get("Placement") or {}).get("AvailabilityZone")) or f"{self.cfg.region}a"
        self._build_nodes(instances)

    def _build_nodes(self, instances):
        groups = instances.get("InstanceGroups")
        if not groups:
            # [model] the legacy MasterInstanceType / SlaveInstanceType / InstanceCount form.
            count = int(instances.get("InstanceCount") or 1)
            groups = [{"InstanceRole": "MASTER", "InstanceType": instances.get("MasterInstanceType") or "m5.xlarge", "InstanceCount": 1}]
            if count > 1:
                groups.append({"InstanceRole": "CORE", "InstanceType": instances.get("SlaveInstanceType") or "m5.xlarge", "InstanceCount": count - 1})
        for g in groups:
            group = {"Id": new_id("ig-"), "Role": g.get("InstanceRole"), "Market": g.get("Market") or "ON_DEMAND",
                     "InstanceType": g.get("InstanceType"), "Name": g.get("Name") or g.get("InstanceRole")}
            self.groups.append(group)
            if group["Role"] not in ("MASTER", "CORE"):
                continue  # task nodes run no bootstrap here: the stand-in models primary + core only
            for _ in range(int(g.get("InstanceCount") or 1)):
                self.nodes.append(Node(self, group["Role"], group, g.get("InstanceType")))
        self.nodes.sort(key=lambda n: n.role != "MASTER")

    @property
    def primary(self):
        return self.nodes[0]

    # -- reading --
    def status(self):
        status = {"State": self.state, "StateChangeReason": self.reason, "Timeline": timeline(self.created, self.ready, self.ended)}
        if self.errors:
            status["ErrorDetails"] = self.errors
        return status

    def instance_hours(self):
        # [api] NormalizedInstanceHours: rounded up per instance-hour, weighted by size; here 1 per node-hour started [inf].
        end = self.ended or time.time()
        hours = max(1, int((end - self.created) // 3600) + 1)
        return hours * len(self.nodes) if self.ready else 0

    def describe(self):
        req = self.request
        instances = req.get("Instances") or {}
        return {
            "Id": self.id, "Name": self.name, "Status": self.status(),
            "Ec2InstanceAttributes": {
                "Ec2SubnetId": instances.get("Ec2SubnetId") or (instances.get("Ec2SubnetIds") or [None])[0] or "subnet-standin",
                "Ec2AvailabilityZone": self.availability_zone,
                "IamInstanceProfile": req.get("JobFlowRole") or "EMR_EC2_DefaultRole",
            },
            "InstanceCollectionType": "INSTANCE_GROUP",
            "LogUri": s3n(self.log_uri),
            "ReleaseLabel": req.get("ReleaseLabel"),
            "AutoTerminate": not self.keep_alive,
            "TerminationProtected": self.termination_protected,
            "UnhealthyNodeReplacement": bool(instances.get("UnhealthyNodeReplacement", False)),
            # [api] VisibleToAllUsers "is no longer supported ... set to true".
            "VisibleToAllUsers": True,
            "Applications": [{"Name": a.get("Name"), "Version": "3.5.6-amzn-2" if a.get("Name") == "Spark" else "standin"}
                             for a in (req.get("Applications") or [])],
            "Tags": self.tags,
            "ServiceRole": req.get("ServiceRole"),
            "NormalizedInstanceHours": self.instance_hours(),
            "MasterPublicDnsName": self.primary.public_dns if self.nodes else None,
            "Configurations": req.get("Configurations") or [],
            "ClusterArn": self.arn,
            "StepConcurrencyLevel": int(req.get("StepConcurrencyLevel") or 1),
            "OSReleaseLabel": "2023.7.20260401.0",
        }

    def summary(self):
        return {"Id": self.id, "Name": self.name, "Status": self.status(),
                "NormalizedInstanceHours": self.instance_hours(), "ClusterArn": self.arn}

    def inspect(self):
        return {
            "Id": self.id, "Name": self.name, "State": self.state, "StateChangeReason": self.reason,
            "ErrorDetails": self.errors, "Tags": self.tags, "LogUri": self.log_uri, "Root": self.root,
            "Namespace": self.cfg.namespace, "Lease": self.lease, "KeepAlive": self.keep_alive,
            "IdleTimeout": self.idle_timeout, "Held": self.held,
            "Nodes": [{"Id": n.id, "Ec2InstanceId": n.ec2_id, "Role": n.role, "State": n.state, "Root": n.root} for n in self.nodes],
            "Steps": [{"Id": s.id, "Name": s.name, "State": s.state, "Pid": s.proc.pid if s.proc else None,
                       "FailureDetails": s.failure} for s in self.steps],
        }

    # -- changing --
    def set_state(self, state, code=None, message=None):
        with self.lock:
            self.state = state
            self.reason = {k: v for k, v in (("Code", code), ("Message", message)) if v}
            self.lock.notify_all()
        log(f"{self.id} {state} {code or ''} {message or ''}".rstrip())

    def request_termination(self, state, code, message):
        """Asks the lifecycle thread to end the cluster; kills what runs on its nodes now."""
        with self.lock:
            if self.terminate_request or self.state in ("TERMINATED", "TERMINATED_WITH_ERRORS"):
                return
            self.terminate_request = (state, code, message)
            self.lock.notify_all()
            procs = [s.proc for s in self.steps if s.proc and s.state == "RUNNING"] + [p for n in self.nodes for p in n.procs]
        for proc in procs:
            kill_group(proc)

    def wait(self, seconds, until=None):
        """Waits up to `seconds`; True as soon as termination was asked for."""
        deadline = time.time() + seconds
        with self.lock:
            while not self.terminate_request and not (until and until()):
                left = deadline - time.time()
                if left <= 0:
                    break
                self.lock.wait(left)
            return self.terminate_request is not None


def kill_group(proc, grace=2.0):
    """[mg] TerminateJobFlows during a step: EMR shuts the instances down, which ends every process; here the
    step's process group gets SIGTERM, then SIGKILL after a grace period."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return

    def finish():
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    threading.Thread(target=finish, daemon=True).start()


class Faults:
    """Faults armed through POST /_faults; each is used once (by the next cluster or step that matches)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.bootstrap_failure = []   # "primary" | "core"
        self.step_failure = []        # step names
        self.capacity_error = []      # dicts
        self.throttle = 0
        self.throttle_operations = None
        self.executor_loss = 0
        self.slow_start = []          # seconds
        self.step_linger = []         # {"step": name, "seconds": s}
        self.hold = []                # "start" | "bootstrap" | a step name

    def arm(self, body):
        with self.lock:
            if "bootstrapFailure" in body:
                role = body["bootstrapFailure"]
                if role not in ("primary", "core"):
                    raise ValueError("bootstrapFailure must be 'primary' or 'core'")
                self.bootstrap_failure.append(role)
            if "stepFailure" in body:
                self.step_failure.append(str(body["stepFailure"]))
            if body.get("capacityError"):
                value = body["capacityError"]
                self.capacity_error.append(value if isinstance(value, dict) else {})
            if "throttle" in body:
                value = body["throttle"]
                if isinstance(value, dict):
                    self.throttle = int(value.get("count", 1))
                    self.throttle_operations = value.get("operations")
                else:
                    self.throttle = int(value)
                    self.throttle_operations = None
            if body.get("executorLoss"):
                self.executor_loss += int(body["executorLoss"]) if not isinstance(body["executorLoss"], bool) else 1
            if "slowStart" in body:
                self.slow_start.append(float(body["slowStart"]))
            if "hold" in body:
                point = body["hold"]
                if not isinstance(point, str) or not point:
                    raise ValueError('hold must be "start", "bootstrap" or a step name')
                self.hold.append(point)
            if "stepLinger" in body:
                value = body["stepLinger"]
                if not isinstance(value, dict) or not value.get("step"):
                    raise ValueError('stepLinger must be {"step": name, "seconds": s}')
                self.step_linger.append({"step": str(value["step"]), "seconds": float(value.get("seconds", 2))})

    def snapshot(self):
        with self.lock:
            return {"bootstrapFailure": self.bootstrap_failure, "stepFailure": self.step_failure,
                    "capacityError": self.capacity_error, "throttle": self.throttle,
                    "throttleOperations": self.throttle_operations, "executorLoss": self.executor_loss,
                    "slowStart": self.slow_start, "stepLinger": self.step_linger, "hold": self.hold}

    def take_throttle(self, operation):
        with self.lock:
            if self.throttle > 0 and (not self.throttle_operations or operation in self.throttle_operations):
                self.throttle -= 1
                return True
            return False

    def take_list(self, name, match=None):
        with self.lock:
            items = getattr(self, name)
            for i, item in enumerate(items):
                if match is None or match(item):
                    return items.pop(i)
            return None

    def take_executor_loss(self):
        with self.lock:
            if self.executor_loss > 0:
                self.executor_loss -= 1
                return True
            return False


class Calls:
    """Every EMR operation received (a test counts a poller's calls with it): counts, and the last MAX calls."""

    MAX = 20000

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.counts = {}
        self.calls = []
        self.since = time.time()

    def record(self, operation, body, throttled):
        cluster = body.get("ClusterId") or body.get("JobFlowId")
        if cluster is None and body.get("JobFlowIds"):
            cluster = ",".join(str(i) for i in body["JobFlowIds"])
        with self.lock:
            self.counts[operation] = self.counts.get(operation, 0) + 1
            self.calls.append({"t": round(time.time(), 4), "op": operation, "cluster": cluster, "throttled": throttled})
            if len(self.calls) > self.MAX:
                del self.calls[: len(self.calls) - self.MAX]

    def snapshot(self):
        with self.lock:
            return {"since": self.since, "counts": dict(self.counts), "calls": list(self.calls)}


class StandIn:
    def __init__(self, cfg):
        self.cfg = cfg
        self.clusters = {}
        self.order = []
        self.lock = threading.RLock()
        self.faults = Faults()
        self.calls = Calls()
        self._s3 = None
        self._s3_lock = threading.Lock()
        self.stopping = False

    def s3(self):
        with self._s3_lock:
            if self._s3 is None:
                import boto3  # imported lazily: starting the server does not need it
                self._s3 = boto3.client("s3", endpoint_url=self.cfg.s3_endpoint, region_name=self.cfg.region)
            return self._s3

    def cluster(self, cluster_id):
        with self.lock:
            c = self.clusters.get(cluster_id or "")
        if c is None:
            # [inf] the message EMR gives for an unknown cluster id.
            raise invalid_request(f"Cluster id '{cluster_id}' is not valid.", "INVALID_CLUSTER_ID")
        return c

    # ---- operations ----
    def RunJobFlow(self, body):
        if not body.get("Name"):
            raise validation("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
        if not isinstance(body.get("Instances"), dict):
            raise validation("1 validation error detected: Value null at 'instances' failed to satisfy constraint: Member must not be null")
        timeout = (body.get("AutoTerminationPolicy") or {}).get("IdleTimeout")
        if timeout is not None and not 60 <= int(timeout) <= 604800:
            # [api] AutoTerminationPolicy.IdleTimeout: "a minimum of 60 seconds and a maximum of 604800 seconds".
            raise validation("Auto-termination idle timeout must be between 60 and 604800 seconds.")
        if len(body.get("BootstrapActions") or []) > 16:
            # [knowledge-center bootstrap-step-emr] "You can specify up to 16 bootstrap actions per cluster".
            raise validation("A cluster can have at most 16 bootstrap actions.")
        c = Cluster(self, body)
        if not c.nodes:
            raise validation("The cluster needs a MASTER instance group.")
        with self.lock:
            self.clusters[c.id] = c
            self.order.append(c.id)
        threading.Thread(target=Lifecycle(self, c).run, name=c.id, daemon=True).start()
        # [api] RunJobFlow response {"JobFlowId": "j-...", "ClusterArn": "arn:..."}.
        return {"JobFlowId": c.id, "ClusterArn": c.arn}

    def DescribeCluster(self, body):
        c = self.cluster(body.get("ClusterId"))
        with c.lock:
            return {"Cluster": c.describe()}

    def ListClusters(self, body):
        states = body.get("ClusterStates")
        after, before = body.get("CreatedAfter"), body.get("CreatedBefore")
        with self.lock:
            clusters = [self.clusters[i] for i in reversed(self.order)]  # [inf] newest first, as the console lists them
        chosen = [c for c in clusters
                  if (not states or c.state in states)
                  and (after is None or c.created >= float(after))
                  and (before is None or c.created <= float(before))]
        page, marker = paged(chosen, body.get("Marker"))
        out = {"Clusters": [c.summary() for c in page]}
        if marker:
            out["Marker"] = marker
        return out

    def ListSteps(self, body):
        c = self.cluster(body.get("ClusterId"))
        states, ids = body.get("StepStates"), body.get("StepIds")
        with c.lock:
            # [api] ListSteps: "Provides a list of steps for the cluster in reverse order".
            steps = [s for s in reversed(c.steps) if (not states or s.state in states) and (not ids or s.id in ids)]
            page, marker = paged(steps, body.get("Marker"))
            out = {"Steps": [s.summary() for s in page]}
        if marker:
            out["Marker"] = marker
        return out

    def DescribeStep(self, body):
        c = self.cluster(body.get("ClusterId"))
        with c.lock:
            step = next((s for s in c.steps if s.id == body.get("StepId")), None)
            if step is None:
                raise invalid_request(f"Step id '{body.get('StepId')}' is not valid.", "INVALID_STEP_ID")
            out = step.summary()
        return {"Step": out}

    def ListInstances(self, body):
        c = self.cluster(body.get("ClusterId"))
        types, states, group = body.get("InstanceGroupTypes"), body.get("InstanceStates"), body.get("InstanceGroupId")
        with c.lock:
            nodes = [n for n in c.nodes if (not types or n.role in types) and (not states or n.state in states)
                     and (not group or n.group["Id"] == group)]
            page, marker = paged(nodes, body.get("Marker"))
            out = {"Instances": [n.summary() for n in page]}
        if marker:
            out["Marker"] = marker
        return out

    def ListBootstrapActions(self, body):
        c = self.cluster(body.get("ClusterId"))
        actions = [{"Name": a.get("Name"), "ScriptPath": (a.get("ScriptBootstrapAction") or {}).get("Path"),
                    "Args": list((a.get("ScriptBootstrapAction") or {}).get("Args") or [])} for a in c.bootstrap_actions]
        page, marker = paged(actions, body.get("Marker"))
        out = {"BootstrapActions": page}
        if marker:
            out["Marker"] = marker
        return out

    def AddJobFlowSteps(self, body):
        c = self.cluster(body.get("JobFlowId"))
        with c.lock:
            if c.state in ("TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS") or c.terminate_request:
                # [inf] the message EMR gives when steps are added to an ending cluster.
                raise validation("A job flow that is shutting down, terminated, or finished may not be modified.")
            if len(c.steps) + len(body.get("Steps") or []) > 256:
                # [api] AddJobFlowSteps: "A maximum of 256 steps are allowed in each job flow."
                raise validation("Maximum number of steps (256) for the job flow exceeded.")
            steps = [Step(c, s) for s in (body.get("Steps") or [])]
            c.steps.extend(steps)
            c.lock.notify_all()
        return {"StepIds": [s.id for s in steps]}

    def TerminateJobFlows(self, body):
        ids = body.get("JobFlowIds") or []
        with self.lock:
            unknown = [i for i in ids if i not in self.clusters]
        if unknown:
            raise validation("Specified job flow ID not valid")
        for i in ids:
            c = self.clusters[i]
            if c.termination_protected:
                raise validation("Could not shut down one or more job flows since they are termination protected.")
        for i in ids:
            # [model] StateChangeReason USER_REQUEST; [inf] the message "Terminated by user request".
            self.clusters[i].request_termination("TERMINATED", "USER_REQUEST", "Terminated by user request")
        return None  # [api] TerminateJobFlows: HTTP 200 with an empty body

    # ---- test endpoints ----
    def release(self, body):
        """Lets the clusters waiting at a hold point go on; an armed hold no cluster reached yet is disarmed."""
        point = body.get("hold")
        released = 0
        with self.lock:
            clusters = list(self.clusters.values())
        for c in clusters:
            with c.lock:
                if c.held is not None and (point is None or c.held == point):
                    c.held = None
                    c.lock.notify_all()
                    released += 1
        with self.faults.lock:
            kept = [] if point is None else [p for p in self.faults.hold if p != point]
            disarmed = len(self.faults.hold) - len(kept)
            self.faults.hold = kept
        return {"released": released, "disarmed": disarmed}

    def node_shutdown(self, body):
        """What the shutdown shim calls: a node of one of this stand-in's clusters asks to power off later."""
        c = self.cluster(body.get("clusterId"))
        node = next((n for n in c.nodes if n.ec2_id == body.get("instanceId")), None)
        if node is None:
            raise invalid_request("unknown instance")
        if body.get("cancel"):
            with c.lock:
                if c.lease and c.lease.get("timer"):
                    c.lease["timer"].cancel()
                c.lease = None
            return {"cancelled": True}
        minutes = float(body.get("minutes", 0))
        delay = minutes * 60 * self.cfg.time_scale
        timer = threading.Timer(delay, self.lease_fired, args=(c, node, body.get("action", "poweroff")))
        timer.daemon = True
        with c.lock:
            if c.lease and c.lease.get("timer"):
                c.lease["timer"].cancel()  # a new shutdown replaces the scheduled one, as systemd's does
            c.lease = {"instanceId": node.ec2_id, "minutes": minutes, "firesAt": time.time() + delay,
                       "action": body.get("action", "poweroff"), "timer": timer}
        timer.start()
        log(f"{c.id} {node.ec2_id} shutdown in {minutes} min (stand-in: {delay:.2f} s)")
        return {"scheduled": True, "delaySeconds": delay}

    def lease_fired(self, c, node, action):
        with c.lock:
            if c.lease:
                c.lease["fired"] = True
                c.lease["timer"] = None
        if node.role == "MASTER":
            # [inf] the primary node powered off from inside: EMR loses the cluster. The reason EMR reports is
            # not documented for this case; INSTANCE_FAILURE is the state-change code for a lost instance [model].
            c.request_termination("TERMINATED_WITH_ERRORS", "INSTANCE_FAILURE",
                                  f"The master node ({node.ec2_id}) was shut down from the instance ({action}).")
        else:
            with c.lock:
                node.state = "TERMINATED"
                node.ended = time.time()
                node.reason = {"Code": "INSTANCE_FAILURE", "Message": "Instance was shut down from the operating system."}

    def inspect(self):
        with self.lock:
            clusters = [self.clusters[i] for i in self.order]
        out = []
        for c in clusters:
            with c.lock:
                item = c.inspect()
                if item.get("Lease"):
                    item["Lease"] = {k: v for k, v in item["Lease"].items() if k != "timer"}
                out.append(item)
        return {"Clusters": out, "Namespace": self.cfg.namespace, "NamespaceReason": self.cfg.namespace_reason}

    def shutdown_all(self):
        self.stopping = True
        with self.lock:
            clusters = list(self.clusters.values())
        for c in clusters:
            c.request_termination("TERMINATED", "USER_REQUEST", "The stand-in stopped")
        for c in clusters:
            for s in c.steps:
                if s.proc and s.proc.poll() is None:
                    try:
                        os.killpg(s.proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            for n in c.nodes:
                for p in n.procs:
                    if p.poll() is None:
                        try:
                            os.killpg(p.pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass


def paged(items, marker):
    start = 0
    if marker:
        try:
            start = int(json.loads(base64.b64decode(marker).decode())["offset"])
        except Exception:  # noqa: BLE001 - any undecodable marker is the caller's error
            raise invalid_request("The marker is not valid.", "INVALID_MARKER")
    page = items[start:start + PAGE_SIZE]
    rest = start + PAGE_SIZE < len(items)
    return page, (base64.b64encode(json.dumps({"offset": start + PAGE_SIZE}).encode()).decode() if rest else None)


class Lifecycle:
    """One cluster's life, on its own thread."""

    def __init__(self, server, cluster):
        self.server = server
        self.c = cluster
        self.cfg = server.cfg

    def run(self):
        try:
            self._run()
        except Exception:  # noqa: BLE001 - an internal error ends the cluster the way EMR reports its own
            log(f"{self.c.id} internal error:\n{traceback.format_exc()}")
            self.finish("TERMINATED_WITH_ERRORS", "INTERNAL_ERROR", "The stand-in failed: " + traceback.format_exc().splitlines()[-1])

    def _run(self):
        c, faults = self.c, self.server.faults
        for node in c.nodes:
            node.state = "PROVISIONING"
        slow = faults.take_list("slow_start") or 0
        capacity = faults.take_list("capacity_error")
        if c.wait(self.cfg.start_delay + slow) or self.hold("start"):
            return self.finish(*c.terminate_request)
        if capacity is not None:
            return self.capacity_error(capacity)
        self.prepare_nodes()
        c.set_state("BOOTSTRAPPING", message="Running bootstrap actions")
        for node in c.nodes:
            node.state = "BOOTSTRAPPING"
        if c.wait(self.cfg.bootstrap_delay) or self.hold("bootstrap"):
            return self.finish(*c.terminate_request)
        failure = self.bootstrap()
        if c.terminate_request:
            return self.finish(*c.terminate_request)
        if failure:
            return self.finish(*failure)
        if c.wait(self.cfg.ready_delay):
            return self.finish(*c.terminate_request)
        with c.lock:
            c.ready = time.time()
            for node in c.nodes:
                if node.state == "BOOTSTRAPPING":
                    node.state = "RUNNING"
                    node.ready = c.ready
        c.set_state("RUNNING", message="Running step")
        self.steps()

    def hold(self, point):
        """A test's hold (POST /_faults {"hold": point}): the cluster stays where it is (STARTING, BOOTSTRAPPING or
        with the step PENDING) until POST /_release, so a test sees a phase however loaded the machine; at most 5
        minutes, so a test that forgets to release never hangs a run. True when termination was asked for."""
        c = self.c
        if self.server.faults.take_list("hold", lambda p: p == point) is None:
            return False
        with c.lock:
            c.held = point
        log(f"{c.id} held at {point} until POST /_release")
        terminated = c.wait(300, until=lambda: c.held is None)
        with c.lock:
            c.held = None
        return terminated

    # ---- provisioning ----
    def capacity_error(self, fault):
        c = self.c
        instance_type = fault.get("instanceType") or c.primary.instance_type
        az = fault.get("availabilityZone") or c.availability_zone
        # [mg] "INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ": "A cluster terminates with an
        # INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ error when the selected Availability Zone doesn't have enough
        # capacity"; ErrorData holds instance-type, availability-zone and public-doc
        # (docs.aws.amazon.com/emr/latest/ManagementGuide/INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ.html).
        # ErrorMessage is free text ("We don't recommend that you parse the text from ErrorMessage",
        # emr-troubleshoot-error-errordetail.html). The state-change code is INTERNAL_ERROR, the family the guide files
        # the error under ("Internal error codes for Amazon EMR"); a fault may ask for VALIDATION_ERROR instead.
        code = fault.get("code") or "INTERNAL_ERROR"
        message = f"Instance type {instance_type} is not available in {az}: insufficient capacity."
        error = {
            "ErrorCode": "INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ",
            "ErrorData": [{"instance-type": instance_type, "availability-zone": az,
                           "public-doc": "https://docs.aws.amazon.com/emr/latest/ManagementGuide/INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ.html"}],
            "ErrorMessage": f"The requested instance type {instance_type} does not have sufficient capacity in {az}. "
                            "See https://docs.aws.amazon.com/emr/latest/ManagementGuide/INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ.html",
        }
        self.finish("TERMINATED_WITH_ERRORS", code, message, [error])

    def prepare_nodes(self):
        """Each node's folder: a home, the info files EMR writes, the install root, a tmp."""
        c = self.c
        for node in c.nodes:
            for sub in ("home/hadoop", "opt/oneoff", "mnt/var/lib/info", "mnt/var/log/bootstrap-actions", "mnt/var/log/hadoop/steps", "tmp"):
                os.makedirs(os.path.join(node.root, sub), exist_ok=True)
            # [knowledge-center bootstrap-step-emr] bootstrap actions can "run commands conditionally based on
            # instance-specific values in the instance.json or job-flow.json file" (/mnt/var/lib/info/); the fields
            # below are the ones scripts read (isMaster, instanceGroupId, instanceRole) [inf: the full field set].
            info = {"isMaster": node.role == "MASTER", "isRunningNameNode": node.role == "MASTER",
                    "isRunningDataNode": node.role == "CORE", "isRunningJobTracker": False,
                    "isRunningTaskTracker": False, "isRunningResourceManager": node.role == "MASTER",
                    "isRunningNodeManager": node.role == "CORE", "instanceGroupId": node.group["Id"],
                    "instanceRole": node.role.lower()}
            with open(os.path.join(node.root, "mnt/var/lib/info/instance.json"), "w") as f:
                json.dump(info, f)
            flow = {"jobFlowId": c.id, "jobFlowCreationInstant": int(c.created * 1000), "instanceCount": len(c.nodes),
                    "masterInstanceId": c.primary.ec2_id, "masterPrivateDnsName": c.primary.summary()["PrivateDnsName"],
                    "masterInstanceType": c.primary.instance_type,
                    "instanceGroups": [{"instanceGroupId": g["Id"], "instanceGroupName": g["Name"], "instanceRole": g["Role"].capitalize(),
                                        "marketType": g["Market"], "instanceType": g["InstanceType"]} for g in c.groups]}
            with open(os.path.join(node.root, "mnt/var/lib/info/job-flow.json"), "w") as f:
                json.dump(flow, f)

    def node_env(self, node, extra=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_ENDPOINT_URL", "EMR_STANDIN_", "PYSPARK_STANDIN_"))}
        env.update({
            "HOME": os.path.join(node.root, "home/hadoop"),
            "USER": "hadoop", "LOGNAME": "hadoop",
            "TMPDIR": os.path.join(node.root, "tmp"),
            "PATH": SHIMS + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            # The rewrite of /opt/oneoff (README, "Paths on a node").
            "ONEOFF_INSTALL_ROOT": os.path.join(node.root, "opt/oneoff"),
            "EMR_STANDIN_NODE_ROOT": node.root,
            "EMR_STANDIN_INFO_DIR": os.path.join(node.root, "mnt/var/lib/info"),
            "EMR_STANDIN_URL": self.cfg.url,
            "EMR_STANDIN_CLUSTER_ID": self.c.id,
            "EMR_STANDIN_INSTANCE_ID": node.ec2_id,
            "EMR_STANDIN_IS_MASTER": "true" if node.role == "MASTER" else "false",
            "EMR_STANDIN_SHIMS": SHIMS,
            "EMR_STANDIN_PYSPARK": PYSPARK_PATH,
            "AWS_REGION": self.cfg.region, "AWS_DEFAULT_REGION": self.cfg.region,
            # The node's `aws` CLI and SDKs reach S3 on moto, EMR on this stand-in (AWS_ENDPOINT_URL_<SERVICE>).
            "AWS_ENDPOINT_URL": self.cfg.s3_endpoint, "AWS_ENDPOINT_URL_S3": self.cfg.s3_endpoint,
            "AWS_ENDPOINT_URL_EMR": self.cfg.url,
        })
        env.update(extra or {})
        return env

    def rewrite(self, node, arg):
        for prefix in REWRITTEN_PREFIXES:
            arg = re.sub(r"(^|=)" + re.escape(prefix) + r"(?=/|$)", lambda m: m.group(1) + node.root + prefix, arg)
        return arg

    def spawn(self, node, argv, stdout, stderr, extra_env=None):
        command = [NODE_EXEC, node.root, "1" if self.cfg.namespace else "0", "--"] + [self.rewrite(node, a) for a in argv]
        return subprocess.Popen(command, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                env=self.node_env(node, extra_env), cwd=os.path.join(node.root, "home/hadoop"),
                                start_new_session=True)

    # ---- bootstrapping ----
    def bootstrap(self):
        c = self.c
        results = {}
        threads = [threading.Thread(target=lambda n=n: results.__setitem__(n.ec2_id, self.bootstrap_node(n)), daemon=True) for n in c.nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        failed = [(n, results.get(n.ec2_id)) for n in c.nodes if results.get(n.ec2_id)]
        if not failed:
            return None
        primary = [(n, r) for n, r in failed if n.role == "MASTER"]
        if primary:
            node, (number, kind) = primary[0]
            if kind == "download":
                # [mg] BOOTSTRAP_FAILURE_BA_DOWNLOAD_FAILED_PRIMARY: the primary instance could not download the
                # bootstrap action script (emr-troubleshoot-error-errordetail-bootstrap.html).
                code, text = "BOOTSTRAP_FAILURE_BA_DOWNLOAD_FAILED_PRIMARY", f"Master instance ({node.ec2_id}) failed attempting to download bootstrap action {number} file from S3"
            else:
                # [mg] BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE: a bootstrap action on the primary returned a
                # non-zero code; ErrorData carries primary-instance-id, bootstrap-action and public-doc
                # (BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE.html).
                code, text = "BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE", f"On the master instance ({node.ec2_id}), bootstrap action {number} returned a non-zero return code"
            error = {"ErrorCode": code,
                     "ErrorData": [{"primary-instance-id": node.ec2_id, "bootstrap-action": str(number),
                                    "public-doc": f"https://docs.aws.amazon.com/emr/latest/ManagementGuide/{code}.html"}],
                     "ErrorMessage": text + f". See https://docs.aws.amazon.com/emr/latest/ManagementGuide/{code}.html"}
            # [model] StateChangeReason BOOTSTRAP_FAILURE.
            return ("TERMINATED_WITH_ERRORS", "BOOTSTRAP_FAILURE", text, [error])
        # [mg] the ErrorDetail codes list no worker variant of a non-zero bootstrap code, so a core node's failure
        # carries only the state-change reason [inf: message text].
        number = failed[0][1][0]
        return ("TERMINATED_WITH_ERRORS", "BOOTSTRAP_FAILURE",
                f"On {len(failed)} core instance(s), bootstrap action {number} returned a non-zero return code", [])

    def bootstrap_node(self, node):
        """Runs every bootstrap action on one node, in order; returns (action number, 'download'|'exit') on failure."""
        faults = self.server.faults
        role = "primary" if node.role == "MASTER" else "core"
        forced = faults.take_list("bootstrap_failure", lambda r: r == role)
        for number, action in enumerate(self.c.bootstrap_actions, start=1):
            if self.c.terminate_request:
                return None
            script = action.get("ScriptBootstrapAction") or {}
            folder = os.path.join(node.root, "mnt/var/log/bootstrap-actions", str(number))
            os.makedirs(folder, exist_ok=True)
            node.bootstrap_logs.append((number, folder))
            path = os.path.join(node.root, "tmp", f"bootstrap-action-{number}", os.path.basename(script.get("Path") or "script"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            stderr_path = os.path.join(folder, "stderr")
            try:
                bucket, key = s3_parts(script.get("Path"))
                self.server.s3().download_file(bucket, key, path)
                os.chmod(path, 0o755)
            except Exception as e:  # noqa: BLE001 - any download failure is the node's bootstrap failure
                with open(stderr_path, "w") as f:
                    f.write(f"stand-in: could not download {script.get('Path')}: {e}\n")
                open(os.path.join(folder, "stdout"), "w").close()
                self.upload_later(self.bootstrap_keys(node, number), folder)
                return (number, "download")
            argv = [path] + list(script.get("Args") or [])
            if forced and number == 1:
                argv = ["/bin/sh", "-c", f"echo 'stand-in fault: bootstrap failure armed for the {role} node' >&2; exit 1"]
            with open(os.path.join(folder, "stdout"), "wb") as out, open(stderr_path, "wb") as err:
                if not self.cfg.namespace:
                    err.write(f"stand-in: no private mount namespace ({self.cfg.namespace_reason}); paths are rewritten only\n".encode())
                    err.flush()
                proc = self.spawn(node, argv, out, err)
                node.procs.append(proc)
                code = proc.wait()
                node.procs.remove(proc)
            self.upload_later(self.bootstrap_keys(node, number), folder)
            if code != 0:
                return (number, "exit")
        return None

    def bootstrap_keys(self, node, number):
        # ARCHITECTURE "Failure logs": {LogUri}{clusterId}/node/{instanceId}/bootstrap-actions/{n}/stderr.gz
        return f"{self.c.id}/node/{node.ec2_id}/bootstrap-actions/{number}/"

    # ---- steps ----
    def steps(self):
        c = self.c
        idle_since = time.time()
        while True:
            with c.lock:
                step = next((s for s in c.steps if s.state == "PENDING"), None)
            if c.terminate_request:
                return self.finish(*c.terminate_request)
            if step is None:
                if not c.keep_alive:
                    # [mg] "Auto-terminate after last step": a cluster with KeepJobFlowAliveWhenNoSteps=false ends
                    # when its steps are done; [model] StateChangeReason ALL_STEPS_COMPLETED, message [inf].
                    return self.finish("TERMINATED", "ALL_STEPS_COMPLETED", "Steps completed")
                if c.state != "WAITING":
                    c.set_state("WAITING", message="Cluster ready after last step completed.")
                    idle_since = time.time()
                if c.idle_timeout:
                    # [api] AutoTerminationPolicy: "the amount of idle time in seconds after which a cluster
                    # automatically terminates"; scaled by --time-scale here. The reason code is [inf].
                    left = idle_since + float(c.idle_timeout) * self.cfg.time_scale - time.time()
                    if left <= 0:
                        return self.finish("TERMINATED", "ALL_STEPS_COMPLETED", "Cluster was terminated by its auto-termination policy after being idle.")
                else:
                    left = 3600
                c.wait(left, until=lambda: any(s.state == "PENDING" for s in c.steps))
                continue
            if c.state != "RUNNING":
                c.set_state("RUNNING", message="Running step")
            if c.wait(self.cfg.step_delay):
                return self.finish(*c.terminate_request)
            failed = self.run_step(step)
            if c.terminate_request:
                return self.finish(*c.terminate_request)
            if failed and step.action_on_failure in ("TERMINATE_CLUSTER", "TERMINATE_JOB_FLOW"):
                # [model] ActionOnFailure TERMINATE_CLUSTER: later steps are cancelled and the cluster ends with
                # StateChangeReason STEP_FAILURE; [inf] the message text.
                self.cancel_pending("Cancelled because a previous step failed")
                return self.finish("TERMINATED_WITH_ERRORS", "STEP_FAILURE", "Shut down as step failed")
            if failed and step.action_on_failure == "CANCEL_AND_WAIT":
                self.cancel_pending("Cancelled because a previous step failed")

    def cancel_pending(self, message):
        with self.c.lock:
            for s in self.c.steps:
                if s.state in ("PENDING", "CANCEL_PENDING"):
                    s.state = "CANCELLED"
                    s.reason = {"Message": message}
                    s.ended = time.time()

    def run_step(self, step):
        c, node, faults = self.c, self.c.primary, self.server.faults
        if self.hold(step.name):
            return False
        folder = os.path.join(node.root, "mnt/var/log/hadoop/steps", step.id)
        os.makedirs(folder, exist_ok=True)
        step.log_dir = folder
        extra = {"EMR_STANDIN_STEP_ID": step.id}
        # An executor can only be lost in a step that runs Spark: the fault waits for the first spark-submit step
        # (OneOff's generate and publish steps run oneoff-job directly; [mg] "Work with steps using the AWS CLI and
        # console": a command-runner.jar step that is not spark-submit runs no executors).
        if step.args[:1] == ["spark-submit"] and faults.take_executor_loss():
            extra["PYSPARK_STANDIN_LOSE_EXECUTOR"] = "1"
        linger = faults.take_list("step_linger", lambda f: f["step"] == step.name)
        forced = faults.take_list("step_failure", lambda name: name == step.name)
        if step.jar != "command-runner.jar":
            argv = ["/bin/sh", "-c", f"echo 'stand-in: only command-runner.jar steps run here, not {step.jar}' >&2; exit 1"]
        elif forced is not None:
            argv = ["/bin/sh", "-c", f"echo 'stand-in fault: step failure armed for step {step.name}' >&2; exit 1"]
        elif not step.args:
            argv = ["/bin/sh", "-c", "echo 'command-runner.jar needs arguments' >&2; exit 1"]
        else:
            # [mg] command-runner.jar runs its Args as a command on the primary node (an argv, no shell).
            argv = step.args
        with open(os.path.join(folder, "stdout"), "wb") as out, open(os.path.join(folder, "stderr"), "wb") as err:
            with c.lock:
                if c.terminate_request:
                    return False
                step.state = "RUNNING"
                step.started = time.time()
                try:
                    step.proc = self.spawn(node, argv, out, err, extra)
                except OSError as e:
                    err.write(f"stand-in: could not start the step: {e}\n".encode())
                    step.proc = None
            code = step.proc.wait() if step.proc else 127
        if linger is not None and code == 0:
            # [inf] EMR marks a step COMPLETED some time after its command returns (the step's logs are pushed and the
            # state is recorded first; the console shows a step RUNNING for seconds after its process ended): a cancel
            # can land after the step's work is done but before the step is COMPLETED. The fault holds that window open.
            c.wait(linger["seconds"])
        with c.lock:
            step.ended = time.time()
            if c.terminate_request:
                # [inf] a step running when its cluster is terminated ends CANCELLED.
                step.state = "CANCELLED"
                step.reason = {"Message": "Cancelled because the cluster was terminated"}
            elif code == 0:
                step.state = "COMPLETED"
            else:
                step.state = "FAILED"
                tail = tail_line(os.path.join(folder, "stderr"))
                # [model] FailureDetails {Reason, Message, LogFile}; the Reason EMR gives when it finds no known
                # cause in the log is "Unknown Error." (aws-protocols.md s3.2); LogFile is the step's stderr.gz
                # under the LogUri (ARCHITECTURE "Failure logs").
                step.failure = {"Reason": "Unknown Error.",
                                "Message": tail or f"Command exited with return code {code if code >= 0 else 128 - code}."}
                if c.log_uri:
                    step.failure["LogFile"] = join_uri(re.sub(r"^s3[na]://", "s3://", c.log_uri), f"{c.id}/steps/{step.id}/stderr.gz")
        self.upload_later(f"{c.id}/steps/{step.id}/", folder)
        return step.state == "FAILED"

    # ---- ending ----
    def finish(self, state, code, message, errors=None):
        c = self.c
        self.cancel_pending("Cancelled because the cluster was terminated" if code == "USER_REQUEST" else "Cancelled")
        with c.lock:
            if errors:
                c.errors = errors
            for node in c.nodes:
                for p in node.procs:
                    kill_group(p)
        c.set_state("TERMINATING", code, message)
        c.wait(0)  # let killed processes go
        time.sleep(self.cfg.terminate_delay)
        with c.lock:
            for s in c.steps:
                if s.proc and s.proc.poll() is None:
                    kill_group(s.proc, grace=0.1)
            c.ended = time.time()
            for node in c.nodes:
                if node.state != "TERMINATED":
                    node.state = "TERMINATED"
                    node.ended = c.ended
                    # [model] InstanceStateChangeReason CLUSTER_TERMINATED.
                    node.reason = {"Code": "CLUSTER_TERMINATED", "Message": "Instance is terminated."}
            if c.lease and c.lease.get("timer"):
                c.lease["timer"].cancel()
                c.lease["timer"] = None
        c.set_state(state, code, message)

    def upload_later(self, key_suffix, folder):
        """ARCHITECTURE "Failure logs": logs reach S3 minutes later; here after --log-delay seconds, gzipped."""
        log_uri = self.c.log_uri
        if not log_uri:
            return

        def upload():
            try:
                bucket, prefix = s3_parts(log_uri)
                if prefix and not prefix.endswith("/"):
                    prefix += "/"
                for name in ("stdout", "stderr", "controller"):
                    path = os.path.join(folder, name)
                    if not os.path.exists(path):
                        continue
                    with open(path, "rb") as f:
                        data = gzip.compress(f.read(), mtime=0)
                    self.server.s3().put_object(Bucket=bucket, Key=prefix + key_suffix + name + ".gz", Body=data)
            except Exception as e:  # noqa: BLE001 - a lost log is reported, never fatal
                log(f"{self.c.id} log upload to {log_uri}{key_suffix} failed: {e}")

        timer = threading.Timer(self.cfg.log_delay, upload)
        timer.daemon = True
        timer.start()


def tail_line(path):
    try:
        with open(path, "rb") as f:
            lines = [l.strip() for l in f.read().decode("utf-8", "replace").splitlines() if l.strip()]
        return lines[-1][:1000] if lines else None
    except OSError:
        return None


def join_uri(base, suffix):
    return base + suffix if base.endswith("/") else base + "/" + suffix


def probe_namespace(mode):
    """Can this machine give each node a private mount namespace (unshare -m, as root)? Returns (ok, reason)."""
    if mode == "off":
        return False, "turned off (--namespace off)"
    unshare = shutil.which("unshare")
    if unshare is None:
        return False, "unshare is not installed"
    try:
        probe = subprocess.run([unshare, "--mount", "--propagation", "private", "--", "sh", "-c",
                                "d=$(mktemp -d) && mount -t tmpfs standin-probe \"$d\" && umount \"$d\" && rmdir \"$d\""],
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"unshare failed: {e}"
    if probe.returncode != 0:
        return False, f"unshare -m is refused here: {(probe.stderr or '').strip().splitlines()[-1:] or probe.returncode}"
    return True, "unshare -m works"


def make_handler(server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet: one line per call is too much for tests
            pass

        def reply(self, status, body, content_type="application/x-amz-json-1.1", headers=None):
            data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def error(self, e):
            # [protocol] awsJson1_1 errors: the shape name in __type, the message in message/Message.
            body = {"__type": e.type_name, "message": e.message}
            body.update(e.extra)
            self.reply(e.status, body)

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not raw:
                return {}
            try:
                value = json.loads(raw)
            except ValueError:
                raise ApiError("SerializationException", "The request body is not JSON.")
            if not isinstance(value, dict):
                raise ApiError("SerializationException", "The request body must be a JSON object.")
            return value

        def do_GET(self):
            if self.path == "/_health":
                return self.reply(200, {"ok": True, "namespace": server.cfg.namespace}, "application/json")
            if self.path == "/_clusters":
                return self.reply(200, server.inspect(), "application/json")
            if self.path == "/_faults":
                return self.reply(200, server.faults.snapshot(), "application/json")
            if self.path == "/_calls":
                return self.reply(200, server.calls.snapshot(), "application/json")
            self.reply(404, {"message": "not found"}, "application/json")

        def do_DELETE(self):
            if self.path == "/_faults":
                with server.faults.lock:
                    server.faults.clear()
                return self.reply(200, server.faults.snapshot(), "application/json")
            if self.path == "/_calls":
                with server.calls.lock:
                    server.calls.clear()
                return self.reply(200, {"cleared": True}, "application/json")
            self.reply(404, {"message": "not found"}, "application/json")

        def do_POST(self):
            try:
                if self.path == "/_faults":
                    try:
                        server.faults.arm(self.body())
                    except (ValueError, TypeError) as e:
                        return self.reply(400, {"message": str(e)}, "application/json")
                    return self.reply(200, server.faults.snapshot(), "application/json")
                if self.path == "/_release":
                    return self.reply(200, server.release(self.body()), "application/json")
                if self.path == "/_nodes/shutdown":
                    return self.reply(200, server.node_shutdown(self.body()), "application/json")
                if self.path != "/":
                    raise ApiError("UnknownOperationException", f"No operation at {self.path}", 404)
                target = self.headers.get("X-Amz-Target") or ""
                prefix, _, operation = target.partition(".")
                if prefix != "ElasticMapReduce" or operation not in OPERATIONS:
                    # [3rd] a missing or unknown X-Amz-Target answers UnknownOperationException 400 (aws-protocols.md s1.3).
                    raise ApiError("UnknownOperationException", f"Unknown operation {target!r}")
                if not self.headers.get("Authorization"):
                    # [api] Common Errors: MissingAuthenticationToken, 403: "The request must contain either a
                    # valid (registered) AWS access key ID or X.509 certificate." SigV4 itself is not checked.
                    raise ApiError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
                body = self.body()
                throttled = server.faults.take_throttle(operation)
                server.calls.record(operation, body, throttled)
                if throttled:
                    # [api] Common Errors: ThrottlingException 400, "The request was denied due to request throttling."
                    raise ApiError("ThrottlingException", "Rate exceeded")
                result = getattr(server, operation)(body)
                self.reply(200, result)
            except ApiError as e:
                self.error(e)
            except Exception:  # noqa: BLE001 - an internal error is a 500, as EMR's InternalServerError
                log(traceback.format_exc())
                self.error(ApiError("InternalServerError", "The stand-in failed: " + traceback.format_exc().splitlines()[-1], 500))

    return Handler


OPERATIONS = {"RunJobFlow", "DescribeCluster", "ListSteps", "DescribeStep", "ListClusters", "ListInstances",
              "ListBootstrapActions", "AddJobFlowSteps", "TerminateJobFlows"}


def main(argv=None):
    p = argparse.ArgumentParser(description="The EMR stand-in (EMR JSON 1.1 on loopback).")
    p.add_argument("--port", type=int, default=int(os.environ.get("EMR_STANDIN_PORT", "0")), help="0 picks a free port")
    p.add_argument("--port-file", help="write the chosen port here once listening")
    p.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    p.add_argument("--s3-endpoint", default=os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"),
                   help="S3 (moto) endpoint for scripts and logs")
    p.add_argument("--work", default=os.environ.get("EMR_STANDIN_WORK"), help="where node folders go (default: a new temp folder)")
    p.add_argument("--keep-work", action="store_true", help="keep the node folders when stopping")
    d = env_float
    p.add_argument("--start-delay", type=float, default=d("EMR_STANDIN_START_DELAY", 0.5), help="seconds STARTING")
    p.add_argument("--bootstrap-delay", type=float, default=d("EMR_STANDIN_BOOTSTRAP_DELAY", 0.5), help="seconds BOOTSTRAPPING before the scripts run")
    p.add_argument("--ready-delay", type=float, default=d("EMR_STANDIN_READY_DELAY", 0.5), help="seconds from bootstrapped to RUNNING (application install)")
    p.add_argument("--step-delay", type=float, default=d("EMR_STANDIN_STEP_DELAY", 0.2), help="seconds a step stays PENDING before it runs")
    p.add_argument("--terminate-delay", type=float, default=d("EMR_STANDIN_TERMINATE_DELAY", 0.5), help="seconds TERMINATING")
    p.add_argument("--log-delay", type=float, default=d("EMR_STANDIN_LOG_DELAY", 2.0), help="seconds before a finished step's or action's logs reach the LogUri")
    p.add_argument("--time-scale", type=float, default=d("EMR_STANDIN_TIME_SCALE", 0.01),
                   help="real seconds per cluster-side second, for idle timeouts and shutdown leases (0.01: 60 s -> 0.6 s)")
    p.add_argument("--namespace", choices=("auto", "off"), default=os.environ.get("EMR_STANDIN_NAMESPACE", "auto"))
    args = p.parse_args(argv)
    if not args.s3_endpoint:
        p.error("--s3-endpoint (or AWS_ENDPOINT_URL_S3) is required: the stand-in keeps scripts and logs on moto")
    created_work = args.work is None
    if created_work:
        args.work = tempfile.mkdtemp(prefix="emr-standin-")
    os.makedirs(args.work, exist_ok=True)
    cfg = Config(args)
    cfg.namespace, cfg.namespace_reason = probe_namespace(args.namespace)
    standin = StandIn(cfg)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(standin))
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    cfg.url = f"http://127.0.0.1:{port}"
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)
    log(f"EMR stand-in on {cfg.url}; S3 at {cfg.s3_endpoint}; nodes in {cfg.work}; namespace: {cfg.namespace_reason}")
    print(f"EMR_STANDIN_PORT={port}", flush=True)

    def stop(signum, frame):
        threading.Thread(target=httpd.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        standin.shutdown_all()
        time.sleep(0.2)
        if created_work and not args.keep_work:
            shutil.rmtree(cfg.work, ignore_errors=True)
        log("EMR stand-in stopped")


if __name__ == "__main__":
    main()
