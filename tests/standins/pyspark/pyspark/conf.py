import json
import os


class SparkConf:
    """Spark settings: the ones spark-submit passed (SPARK_STANDIN_CONF), then what the application sets."""

    def __init__(self, loadDefaults=True):
        self._values = {}
        if loadDefaults:
            self._values.update(json.loads(os.environ.get("SPARK_STANDIN_CONF") or "{}"))

    def set(self, key, value):
        self._values[key] = str(value)
        return self

    def setIfMissing(self, key, value):
        self._values.setdefault(key, str(value))
        return self

    def setAppName(self, value):
        return self.set("spark.app.name", value)

    def setMaster(self, value):
        return self.set("spark.master", value)

    def get(self, key, defaultValue=None):
        return self._values.get(key, defaultValue)

    def getAll(self):
        return list(self._values.items())

    def contains(self, key):
        return key in self._values
