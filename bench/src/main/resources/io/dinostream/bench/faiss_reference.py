"""The python3-faiss side of `dinostream bench index`: the same files, index, parameters and threads.

Usage: faiss_reference.py BASE.fvecs QUERY.fvecs GT.ivecs FACTORY METRIC K PARAM THREADS MIN_SECONDS BATCH
Prints one JSON object: build seconds, batch QPS, single-query QPS, recall@k. The timing rules are those
of the Java side (IndexEvaluation.Timing): batch passes over every query in batches of BATCH until
MIN_SECONDS have passed; single queries cycle through the queries until MIN_SECONDS have passed and at
least min(queries, 10) were searched.
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
    base, query, gt, factory, metric, k, param, threads, min_seconds, batch_size = sys.argv[1:11]
    k, min_seconds, batch_size = int(k), float(min_seconds), int(batch_size)
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
    batches = [xq[i : i + batch_size] for i in range(0, len(xq), batch_size)]
    passes, start = 0, time.perf_counter()
    while passes < 1 or time.perf_counter() - start < min_seconds:
        ids = np.vstack([index.search(b, k)[1] for b in batches])
        passes += 1
    batch = len(xq) * passes / (time.perf_counter() - start)
    singles = [xq[i : i + 1] for i in range(len(xq))]
    min_singles = min(len(xq), 10)
    n, start = 0, time.perf_counter()
    while n < min_singles or time.perf_counter() - start < min_seconds:
        index.search(singles[n % len(singles)], k)
        n += 1
    single = n / (time.perf_counter() - start)
    hits = sum(len(set(ids[i]) & set(truth[i][:k])) for i in range(len(xq)))
    print(json.dumps({"build": build, "batch_qps": batch, "single_qps": single, "recall": hits / (len(xq) * k)}))


if __name__ == "__main__":
    main()
