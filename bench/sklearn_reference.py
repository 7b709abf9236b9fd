#!/usr/bin/python3
"""Reference accuracies of scikit-learn on the default XO study, recorded in bench/sklearn-reference.json and
compared against by tests/OneOff.Jobs.Tests (StudyReproductionTests).

For each hidden size: MLPClassifier(hidden_layer_sizes=(N,), activation="logistic", solver="lbfgs", alpha=0,
max_iter=100, tol=1e-6, random_state=s) for s in 0..4, trained on the exact train/test data of the default
study (exported by `dotnet run --project bench/OneOff.Bench -c Release -- export DIR`). A single random_state
is a noisy reference for small N (N=5 spans 80–84 % across seeds), so the mean over seeds is recorded with
its range. Usage: /usr/bin/python3 bench/sklearn_reference.py DIR > bench/sklearn-reference.json"""
import json
import platform
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

SIZES = [5, 7, 10, 30, 50, 75, 100, 200, 400, 600]
SEEDS = range(5)


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :2], data[:, 2].astype(int)


def main(folder):
    x_train, y_train = load(f"{folder}/train.csv")
    x_test, y_test = load(f"{folder}/test.csv")
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    models = []
    for n in SIZES:
        test, train = [], []
        for seed in SEEDS:
            model = MLPClassifier(hidden_layer_sizes=(n,), activation="logistic", solver="lbfgs", alpha=0.0,
                                  max_iter=100, tol=1e-6, random_state=seed).fit(x_train, y_train)
            test.append(model.score(x_test, y_test))
            train.append(model.score(x_train, y_train))
        models.append({"n_hidden": n, "test_acc_mean": float(np.mean(test)), "test_acc_min": float(np.min(test)),
                       "test_acc_max": float(np.max(test)), "train_acc_mean": float(np.mean(train))})
        print(f"N={n}: test {np.mean(test):.4f} ({np.min(test):.4f}-{np.max(test):.4f})", file=sys.stderr, flush=True)
    json.dump({"produced_by": "bench/sklearn_reference.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
               "python": platform.python_version(), "seeds": list(SEEDS),
               "estimator": "MLPClassifier(activation='logistic', solver='lbfgs', alpha=0, max_iter=100, tol=1e-6)",
               "data": "default study: train_size 15000, test_size 5000, data_seed 13, jitter 0.4",
               "models": models}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
