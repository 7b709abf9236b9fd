"""A tiny stand-in for pyspark, just enough for driver.py's tests: tasks run in this process, one after another, and a
task that raises is retried up to spark.task.maxFailures (FAKE_SPARK_MAX_FAILURES, default 4, Spark's default) before
the job fails with Spark's message. Every attempt is appended to FAKE_SPARK_LOG as "attempt {element}"."""
import os


class SparkContext(object):
    def parallelize(self, data, num_slices=None):
        return _Rdd(list(data), [])


class _Rdd(object):
    def __init__(self, data, functions):
        self._data = data
        self._functions = functions

    def map(self, f):
        return _Rdd(self._data, self._functions + [f])

    def collect(self):
        max_failures = int(os.environ.get("FAKE_SPARK_MAX_FAILURES", "4"))
        results = []
        for element in self._data:
            failures = 0
            while True:
                _log("attempt {}".format(element))
                try:
                    value = element
                    for f in self._functions:
                        value = f(value)
                    results.append(value)
                    break
                except Exception as e:  # what Spark does: retry the task, then fail the job
                    failures += 1
                    if failures >= max_failures:
                        raise RuntimeError("Job aborted due to stage failure: Task failed {} times, most recent failure: {}"
                                           .format(failures, e))
        return results


def _log(line):
    path = os.environ.get("FAKE_SPARK_LOG")
    if path:
        with open(path, "a") as log:
            log.write(line + "\n")
