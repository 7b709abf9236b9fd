#!/usr/bin/python3
"""The scikit-learn peer of the XO sweep: MLPClassifier(activation="logistic", solver="lbfgs", alpha=0,
max_iter=100, tol=1e-6) for each hidden size, on the same data (CSV exported by OneOff.Bench).
Prints one JSON object per size and a total. Run with Debian's /usr/bin/python3 (numpy on OpenBLAS)."""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

SIZES = [5, 7, 10, 30, 50, 75, 100, 200, 400, 600]


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :2], data[:, 2].astype(int)


def main(folder, seed):
    x_train, y_train = load(f"{folder}/train.csv")
    x_test, y_test = load(f"{folder}/test.csv")
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    started = time.perf_counter()
    for n in SIZES:
        t0 = time.perf_counter()
        model = MLPClassifier(hidden_layer_sizes=(n,), activation="logistic", solver="lbfgs", alpha=0.0,
                              max_iter=100, tol=1e-6, random_state=seed)
        model.fit(x_train, y_train)
        fit = time.perf_counter() - t0
        print(json.dumps({"n_hidden": n, "train_acc": model.score(x_train, y_train),
                          "test_acc": model.score(x_test, y_test), "iterations": model.n_iter_,
                          "final_loss": model.loss_, "fit_seconds": fit}), flush=True)
    print(json.dumps({"total_seconds": time.perf_counter() - started}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 51)
