"""pyspark stand-in: see ../README.md. Not Spark; just enough of its Python API for OneOff's driver."""
from pyspark.conf import SparkConf
from pyspark.context import SparkContext
from pyspark.rdd import RDD, SparkJobAborted

__version__ = "3.5.6+standin"
__all__ = ["SparkConf", "SparkContext", "RDD", "SparkJobAborted"]
