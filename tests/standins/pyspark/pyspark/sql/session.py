from pyspark.conf import SparkConf
from pyspark.context import SparkContext


class _RuntimeConf:
    def __init__(self, conf):
        self._conf = conf

    def get(self, key, default=None):
        return self._conf.get(key, default)

    def set(self, key, value):
        self._conf.set(key, value)


class SparkSession:
    class Builder:
        def __init__(self):
            self._options = {}

        def appName(self, name):
            self._options["spark.app.name"] = name
            return self

        def master(self, master):
            self._options["spark.master"] = master
            return self

        def config(self, key=None, value=None, conf=None):
            if conf is not None:
                self._options.update(dict(conf.getAll()))
            if key is not None:
                self._options[key] = str(value)
            return self

        def enableHiveSupport(self):
            return self

        def getOrCreate(self):
            active = SparkContext._active
            if active is not None and not active._stopped:
                for k, v in self._options.items():
                    active.getConf().set(k, v)
                return SparkSession(active)
            conf = SparkConf()
            for k, v in self._options.items():
                conf.set(k, v)
            return SparkSession(SparkContext(conf=conf))

    builder = None  # replaced below: a fresh Builder on every access, as in PySpark

    def __init__(self, sparkContext):
        self._sc = sparkContext
        self.conf = _RuntimeConf(sparkContext.getConf())

    @property
    def sparkContext(self):
        return self._sc

    @property
    def version(self):
        return "3.5.6+standin"

    def stop(self):
        self._sc.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class _BuilderDescriptor:
    def __get__(self, obj, owner):
        return SparkSession.Builder()


SparkSession.builder = _BuilderDescriptor()
