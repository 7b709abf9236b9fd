import multiprocessing
import os
import signal
import threading
import traceback


class SparkJobAborted(Exception):
    """What the driver sees when a task failed spark.task.maxFailures times (PySpark raises Py4JJavaError with the
    same 'Job aborted due to stage failure' text)."""


class RDD:
    def __init__(self, context, partitions, functions):
        self.context = context
        self._partitions = partitions
        self._functions = functions  # each: (index, iterator) -> iterator

    def _with(self, f):
        return RDD(self.context, self._partitions, self._functions + [f])

    def map(self, f, preservesPartitioning=False):
        return self._with(lambda _, it: map(f, it))

    def flatMap(self, f, preservesPartitioning=False):
        return self._with(lambda _, it: (y for x in it for y in f(x)))

    def filter(self, f):
        return self._with(lambda _, it: filter(f, it))

    def mapPartitions(self, f, preservesPartitioning=False):
        return self._with(lambda _, it: f(it))

    def mapPartitionsWithIndex(self, f, preservesPartitioning=False):
        return self._with(f)

    def glom(self):
        return self._with(lambda _, it: iter([list(it)]))

    def getNumPartitions(self):
        return len(self._partitions)

    def collect(self):
        results = self.context._scheduler.run(self._partitions, self._functions)
        return [x for part in results for x in part]

    def count(self):
        return sum(self.mapPartitions(lambda it: iter([sum(1 for _ in it)])).collect())

    def foreach(self, f):
        def each(it):
            for x in it:
                f(x)
            return iter([])
        self.mapPartitions(each).collect()


def _task(conn, index, data, functions, out_path, kill_self):
    """One task attempt, in a forked process: run the functions over the partition, send the result back."""
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    if kill_self:
        os.kill(os.getpid(), signal.SIGKILL)
    try:
        it = iter(data)
        for f in functions:
            it = f(index, it)
        conn.send(("ok", list(it)))
        code = 0
    except BaseException:  # noqa: BLE001 - the traceback goes to the driver, as PySpark's PythonException
        text = traceback.format_exc()
        os.write(2, text.encode())
        try:
            conn.send(("error", text))
        except Exception:  # noqa: BLE001
            pass
        code = 1
    conn.close()
    os._exit(code)


class Scheduler:
    """Runs one stage per action: one task per partition, at most `parallelism` at a time, each in its own process."""

    def __init__(self, context):
        self.context = context
        self.stage = 0
        self.tid = 0
        self.lose_executor = os.environ.get("PYSPARK_STANDIN_LOSE_EXECUTOR") == "1"
        self.work = os.environ.get("SPARK_STANDIN_WORK") or os.path.join(os.getcwd(), "spark-standin")
        self.lock = threading.Lock()

    def run(self, partitions, functions):
        from pyspark.context import log
        self.context._check()
        conf = self.context.getConf()
        max_failures = int(conf.get("spark.task.maxFailures", "4"))  # Spark configuration: default 4
        parallelism = max(1, self.context.defaultParallelism)
        stage, self.stage = self.stage, self.stage + 1
        folder = os.path.join(self.work, f"stage-{stage}")
        os.makedirs(folder, exist_ok=True)
        ctx = multiprocessing.get_context("fork")
        results = [None] * len(partitions)
        failures = [0] * len(partitions)
        pending = list(range(len(partitions)))
        running = {}
        done = threading.Condition()
        aborted = []
        log("INFO", "DAGScheduler", f"Submitting {len(partitions)} missing tasks from ResultStage {stage}")

        def attempt(index, number):
            with self.lock:
                tid, self.tid = self.tid, self.tid + 1
            kill = False
            if self.lose_executor and index == 0 and number == 0:
                self.lose_executor = False
                kill = True
            parent, child = ctx.Pipe(duplex=False)
            out = os.path.join(folder, f"task-{index}.{number}.log")
            proc = ctx.Process(target=_task, args=(child, index, partitions[index], functions, out, kill), daemon=True)
            log("INFO", "TaskSetManager", f"Starting task {index}.{number} in stage {stage}.0 (TID {tid})")
            proc.start()
            child.close()
            message = None
            try:
                message = parent.recv()
            except EOFError:
                pass
            proc.join()
            parent.close()
            with done:
                del running[index]
                if message and message[0] == "ok" and proc.exitcode == 0:
                    results[index] = message[1]
                    log("INFO", "TaskSetManager", f"Finished task {index}.{number} in stage {stage}.0 (TID {tid})")
                else:
                    if proc.exitcode is not None and proc.exitcode < 0:
                        sig = -proc.exitcode
                        reason = (f"ExecutorLostFailure (executor {tid + 1} exited caused by one of the running tasks) "
                                  f"Reason: Container killed by signal {sig} ({signal.Signals(sig).name}); exit status {128 + sig}")
                    else:
                        reason = "org.apache.spark.api.python.PythonException: " + (message[1] if message else f"exit code {proc.exitcode}")
                    failures[index] += 1
                    log("WARN", "TaskSetManager", f"Lost task {index}.{number} in stage {stage}.0 (TID {tid}) (127.0.0.1 executor {tid + 1}): {reason.splitlines()[0] if reason else ''}")
                    if failures[index] >= max_failures:
                        aborted.append(f"Job aborted due to stage failure: Task {index} in stage {stage}.0 failed {failures[index]} times, "
                                       f"most recent failure: Lost task {index}.{number} in stage {stage}.0 (TID {tid}) (127.0.0.1 executor {tid + 1}): {reason}")
                    else:
                        pending.insert(0, index)
                done.notify_all()

        with done:
            while True:
                if aborted:
                    break
                while pending and len(running) < parallelism and not aborted:
                    index = pending.pop(0)
                    number = failures[index]
                    t = threading.Thread(target=attempt, args=(index, number), daemon=True)
                    running[index] = t
                    t.start()
                if not pending and not running:
                    break
                done.wait()
            while running:
                done.wait()
        if aborted:
            log("ERROR", "TaskSetManager", aborted[0].splitlines()[0])
            raise SparkJobAborted(aborted[0])
        return results
