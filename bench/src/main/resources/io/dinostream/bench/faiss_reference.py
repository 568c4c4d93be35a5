"""The python3-faiss side of `dinostream bench index`: the same files, index, parameters and threads.

Usage: faiss_reference.py BASE.fvecs QUERY.fvecs GT.ivecs FACTORY METRIC K PARAM THREADS
Prints one JSON object: build seconds, batch QPS, single-query QPS (up to 1,000 queries), recall@k.
"""
import json
import sys
import time

import faiss
import numpy as np


def fvecs(path):
    raw = np.fromfile(path, dtype="int32")
    d = raw[0]
    return raw.reshape(-1, d + 1)[:, 1:].copy().view("float32")


def ivecs(path):
    raw = np.fromfile(path, dtype="int32")
    d = raw[0]
    return raw.reshape(-1, d + 1)[:, 1:]


def main():
    base, query, gt, factory, metric, k, param, threads = sys.argv[1:9]
    k = int(k)
    faiss.omp_set_num_threads(int(threads))
    xb, xq, truth = fvecs(base), fvecs(query), ivecs(gt)
    m = faiss.METRIC_INNER_PRODUCT if metric == "ip" else faiss.METRIC_L2
    start = time.perf_counter()
    index = faiss.index_factory(xb.shape[1], factory, m)
    if not index.is_trained:
        index.train(xb[: min(len(xb), 100_000)])
    index.add(xb)
    build = time.perf_counter() - start
    for pair in filter(None, param.split(",")):
        name, value = pair.split("=")
        if name == "nprobe":
            faiss.extract_index_ivf(index).nprobe = int(value)
        elif name == "efSearch":
            faiss.downcast_index(index).hnsw.efSearch = int(value)
    # As the Java side: averages over repeated runs of at least one second, three runs at least.
    runs, start = 0, time.perf_counter()
    while runs < 3 or time.perf_counter() - start < 1.0:
        _, ids = index.search(xq, k)
        runs += 1
    batch = len(xq) * runs / (time.perf_counter() - start)
    single_n = min(len(xq), 1000)
    runs, start = 0, time.perf_counter()
    while runs < 3 or time.perf_counter() - start < 1.0:
        for i in range(single_n):
            index.search(xq[i : i + 1], k)
        runs += 1
    single = single_n * runs / (time.perf_counter() - start)
    hits = sum(len(set(ids[i]) & set(truth[i][:k])) for i in range(len(xq)))
    print(json.dumps({"build": build, "batch_qps": batch, "single_qps": single, "recall": hits / (len(xq) * k)}))


if __name__ == "__main__":
    main()
