"""PySpark driver of the XO study on EMR (ARCHITECTURE "The EMR path", item 3).

    spark-submit --deploy-mode client driver.py --out s3://bucket/prefix --run-id RUN --hidden 5,7,10
                 [--install /opt/oneoff]

The `generate` step has written the run's data and _parameters.json under --out; this step trains every hidden size
as one Spark task (largest first, so the longest fits start first), each running
`{install}/oneoff-job train --out OUT --run-id RUN --n-hidden N`; the `publish` step then writes the manifest.

Failures, by the job's exit code (0 success, 1 failure at run time, 2 bad arguments):
- 1, a signal, or a job that cannot start: the task raises TrainFailed, so Spark retries it up to
  spark.task.maxFailures (a task that returned an exit code would be retried by nobody); when Spark gives up, the
  job fails, and this driver prints the failure (which names the size and the tail of its stderr) and exits 1.
- 2: retrying cannot help, but Spark retries every exception a task raises (PySpark has no non-retryable one), so the
  task returns a failure marker instead of raising. After collect() the driver prints each such size with the tail
  of its stderr and exits 2. The other sizes' tasks still run to their end (in practice a usage error fails every
  size at once, in seconds, since they all get the same arguments).
Bad arguments to this driver also exit 2 (argparse). Only the standard library and pyspark; Python 3.9 compatible.
"""
import argparse
import os
import subprocess
import sys

from pyspark.sql import SparkSession

USAGE_EXIT = 2
TAIL_LINES = 20
TAIL_CHARS = 4000


class TrainFailed(RuntimeError):
    """A size's training failed for a reason worth retrying; Spark retries the task."""


def tail(text):
    """The last lines of a process's stderr, short enough for a log line."""
    lines = (text or "").rstrip().splitlines()[-TAIL_LINES:]
    return "\n".join(lines)[-TAIL_CHARS:]


def train(size, job, out, run_id):
    """One Spark task: trains hidden size `size`. Returns (size, 0, "") on success and (size, 2, tail) on bad
    arguments; raises TrainFailed on any other failure."""
    argv = [job, "train", "--out", out, "--run-id", run_id, "--n-hidden", str(size)]
    try:
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, universal_newlines=True,
                              check=False)
    except OSError as e:
        raise TrainFailed("hidden size {}: could not start {}: {}".format(size, job, e))
    if done.returncode == 0:
        return size, 0, ""
    if done.returncode == USAGE_EXIT:
        # Not retried (see the module's docstring): the driver fails after collect().
        print("oneoff driver: hidden size {} was refused (exit 2, not retried):\n{}".format(size, tail(done.stderr)),
              file=sys.stderr)
        return size, USAGE_EXIT, tail(done.stderr)
    reason = "exit {}".format(done.returncode) if done.returncode > 0 else "signal {}".format(-done.returncode)
    message = "hidden size {} failed ({}); the end of its stderr:\n{}".format(size, reason, tail(done.stderr))
    # The executor's own log gets it too; the exception carries it to the driver when Spark gives up.
    print("oneoff driver: " + message, file=sys.stderr)
    raise TrainFailed(message)


def parse_sizes(text):
    """The --hidden list, largest first; exits 2 on a malformed list."""
    try:
        sizes = sorted({int(s) for s in text.split(",") if s.strip()}, reverse=True)
    except ValueError:
        sizes = []
    if not sizes or any(s < 1 for s in sizes):
        print("oneoff driver: --hidden must be comma-separated whole numbers above 0 (got '{}')".format(text),
              file=sys.stderr)
        sys.exit(USAGE_EXIT)
    return sizes


def main(argv=None):
    parser = argparse.ArgumentParser(prog="driver.py", description="Train every hidden size of a generated run on Spark.")
    parser.add_argument("--out", required=True, help="the run's output root: s3://bucket/prefix (or a folder)")
    parser.add_argument("--run-id", required=True, help="the run the generate step wrote")
    parser.add_argument("--hidden", required=True, help="the run's hidden sizes, comma-separated")
    parser.add_argument("--install", default="/opt/oneoff", help="where bootstrap.sh installed oneoff-job")
    args = parser.parse_args(argv)
    sizes = parse_sizes(args.hidden)
    job = os.path.join(args.install, "oneoff-job")
    out, run_id = args.out, args.run_id

    spark = SparkSession.builder.appName("oneoff-{}".format(run_id)).getOrCreate()
    try:
        # One partition per size, so each size is its own task (and its own retry).
        results = (spark.sparkContext.parallelize(sizes, len(sizes))
                   .map(lambda n: train(n, job, out, run_id))
                   .collect())
    except Exception as e:  # Spark gave up on a task after its retries: the message names the size and its stderr.
        print("oneoff driver: training failed after Spark's retries: {}".format(e), file=sys.stderr)
        return 1
    finally:
        spark.stop()

    refused = [r for r in results if r[1] != 0]
    for size, code, stderr_tail in refused:
        print("oneoff driver: hidden size {} failed with bad arguments (exit {}):\n{}".format(size, code, stderr_tail),
              file=sys.stderr)
    if refused:
        return USAGE_EXIT
    print("oneoff driver: trained hidden sizes {} of run {}".format(",".join(str(s) for s in sizes), run_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
