"""A small PySpark driver for the stand-in tests (the real one is src/Jobs/emr/driver.py).

    driver.py N [OUT]   squares 0..N-1 in N tasks; writes the sum to OUT (or prints it)
"""
import sys

from pyspark.sql import SparkSession


def square(x):
    return x * x


def main():
    n = int(sys.argv[1])
    spark = SparkSession.builder.appName("standin-test").getOrCreate()
    try:
        total = sum(spark.sparkContext.parallelize(range(n), n).map(square).collect())
    finally:
        spark.stop()
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write(str(total))
    print(f"sum={total}")


if __name__ == "__main__":
    main()
