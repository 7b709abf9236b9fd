"""SparkSession.builder.appName(name).getOrCreate(), .sparkContext and .stop() of the tiny pyspark stand-in."""
from pyspark import SparkContext, _log


class SparkSession(object):
    def __init__(self):
        self.sparkContext = SparkContext()

    def stop(self):
        _log("stop")

    class _Builder(object):
        def appName(self, name):
            _log("app {}".format(name))
            return self

        def getOrCreate(self):
            return SparkSession()

    builder = _Builder()
