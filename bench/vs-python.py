"""Reference fits for bench/vs-python.ts (Debian's python3-sklearn and python3-xgboost).

Reads the matrices the TypeScript side wrote into DIR (row-major float64, uint8 labels),
fits each reference model, writes its test probabilities beside them and prints one JSON
line per fit: {"data": k, "model": name, "seconds": s}. The speed task fits XGBoost `hist`
at the given rounds and depth on the replicated rows, on each thread count, and prints its wall
and CPU seconds.
"""
import json
import sys
import time

import numpy as np
import sklearn
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression


def load(d, name, p):
    x = np.fromfile(f"{d}/{name}-x.bin").reshape(-1, p)
    y = np.fromfile(f"{d}/{name}-y.bin", dtype=np.uint8)
    return x, y


def fitted(model, x, y):
    started = time.perf_counter()
    model.fit(x, y)
    return model, time.perf_counter() - started


def main():
    d = sys.argv[1]
    job = json.load(open(f"{d}/job.json"))
    print(json.dumps({"versions": {"sklearn": sklearn.__version__, "xgboost": xgb.__version__}}), flush=True)
    for k, data in enumerate(job["datasets"]):
        p = data["features"]
        x, y = load(d, f"{k}-train", p)
        xt, _ = load(d, f"{k}-test", p)
        references = {
            "sklearn logistic (lbfgs)": LogisticRegression(max_iter=5000),
            "sklearn random forest (300)": RandomForestClassifier(n_estimators=300, n_jobs=2, random_state=0),
            "sklearn HistGradientBoosting": HistGradientBoostingClassifier(random_state=0),
            "XGBoost hist (defaults)": xgb.XGBClassifier(tree_method="hist", n_jobs=2, random_state=0),
        }
        for name, model in references.items():
            model, seconds = fitted(model, x, y)
            model.predict_proba(xt)[:, 1].astype(np.float64).tofile(f"{d}/{k}-{len(name)}-p.bin")
            print(json.dumps({"data": k, "model": name, "seconds": seconds, "file": f"{k}-{len(name)}-p.bin"}), flush=True)
    speed = job["speed"]
    x, y = load(d, "speed", speed["features"])
    for setting in speed["settings"]:
        for threads in speed["threads"]:
            model = xgb.XGBClassifier(
                tree_method="hist", n_jobs=threads, random_state=0, n_estimators=setting["rounds"], max_depth=setting["depth"],
                learning_rate=setting["learning_rate"], min_child_weight=1, reg_lambda=1, max_bin=256,
            )
            cpu = time.process_time()
            _, seconds = fitted(model, x, y)
            print(json.dumps({"speed": setting, "threads": threads, "wall": seconds, "cpu": time.process_time() - cpu}), flush=True)


main()
