"""PySpark driver of the XO study on EMR: one Spark task per hidden size, each running
`oneoff-job train --n-hidden N` against the same ROOT and run id (the data was written by the `generate` step,
and the `publish` step writes the manifest once every size is present).

spark-submit driver.py --out s3://bucket/prefix --run-id RUN --hidden 5,7,10 [--job /opt/oneoff/oneoff-job]
"""
import argparse
import subprocess
import sys

from pyspark.sql import SparkSession


def train(size, job, out, run_id):
    """Runs one size on an executor; returns (size, exit code, tail of stderr)."""
    done = subprocess.run([job, "train", "--out", out, "--run-id", run_id, "--n-hidden", str(size)],
                          capture_output=True, text=True, check=False)
    return size, done.returncode, done.stderr[-2000:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--hidden", required=True, help="comma-separated hidden sizes")
    parser.add_argument("--job", default="/opt/oneoff/oneoff-job")
    args = parser.parse_args()
    sizes = sorted((int(s) for s in args.hidden.split(",")), reverse=True)

    spark = SparkSession.builder.appName(f"oneoff-{args.run_id}").getOrCreate()
    # One partition per size, largest first, so the longest fits start first.
    results = (spark.sparkContext.parallelize(sizes, len(sizes))
               .map(lambda n: train(n, args.job, args.out, args.run_id))
               .collect())
    spark.stop()

    failed = [r for r in results if r[1] != 0]
    for size, code, tail in failed:
        print(f"hidden size {size} failed (exit {code}):\n{tail}", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
