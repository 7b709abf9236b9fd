import os
import sys
import threading
import time

from pyspark.conf import SparkConf
from pyspark.rdd import RDD, Scheduler


class SparkContext:
    _active = None
    _lock = threading.Lock()

    def __init__(self, master=None, appName=None, conf=None):
        self._conf = conf or SparkConf()
        if master:
            self._conf.set("spark.master", master)
        if appName:
            self._conf.set("spark.app.name", appName)
        self._stopped = False
        self._scheduler = Scheduler(self)
        with SparkContext._lock:
            SparkContext._active = self
        log("INFO", "SparkContext", f"Running Spark version 3.5.6+standin; app {self.appName}")

    @classmethod
    def getOrCreate(cls, conf=None):
        with cls._lock:
            active = cls._active
        return active if active is not None and not active._stopped else cls(conf=conf)

    @property
    def appName(self):
        return self._conf.get("spark.app.name", "pyspark-shell")

    @property
    def master(self):
        return self._conf.get("spark.master", "local[*]")

    @property
    def defaultParallelism(self):
        value = self._conf.get("spark.default.parallelism")
        if value:
            return int(value)
        cores = int(self._conf.get("spark.executor.cores", "0") or 0) * int(self._conf.get("spark.executor.instances", "0") or 0)
        return cores or (os.cpu_count() or 2)

    def getConf(self):
        return self._conf

    def setLogLevel(self, level):
        pass

    def parallelize(self, c, numSlices=None):
        self._check()
        data = list(c)
        n = int(numSlices) if numSlices else self.defaultParallelism
        if n < 1:
            raise ValueError("Number of slices must be positive")
        # Spark's ParallelCollectionRDD.slice: partition i holds [i*len/n, (i+1)*len/n).
        partitions = [data[(i * len(data)) // n:((i + 1) * len(data)) // n] for i in range(n)]
        return RDD(self, partitions, [])

    def stop(self):
        if not self._stopped:
            self._stopped = True
            log("INFO", "SparkContext", "Successfully stopped SparkContext")
        with SparkContext._lock:
            if SparkContext._active is self:
                SparkContext._active = None

    def _check(self):
        if self._stopped:
            raise RuntimeError("Cannot call methods on a stopped SparkContext.")


def log(level, source, message):
    sys.stderr.write(f"{time.strftime('%y/%m/%d %H:%M:%S')} {level} {source}: {message}\n")
    sys.stderr.flush()
