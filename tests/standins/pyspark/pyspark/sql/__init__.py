from pyspark.sql.session import SparkSession

__all__ = ["SparkSession"]
