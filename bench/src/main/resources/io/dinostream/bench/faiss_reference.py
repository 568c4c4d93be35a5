"""The python3-faiss side of `dinostream bench index`: the same files, index, parameters and threads.

Usage: faiss_reference.py BASE.fvecs QUERY.fvecs GT.ivecs FACTORY METRIC K PARAM THREADS MIN_SECONDS BATCH [OUT]
       faiss_reference.py --search INDEX QUERY.fvecs GT.ivecs K PARAM THREADS MIN_SECONDS BATCH
The first form prints one JSON object: build seconds, batch QPS, single-query QPS and recall@k of the
index built here; with OUT it then writes that index there (not timed), so that it can be timed again
in turns with Java's build. The second searches a FAISS index file: the one Java built, so that search
speed is compared on one index in turns with Java's own timings (HNSW graphs built in parallel, and
k-means codebooks, differ from build to build), or the one the first form wrote. It prints the same
rates and recall; the load of the file is not timed.

The timing rules are those of the Java side (IndexEvaluation.Timing): batch passes over every query in
batches of BATCH until MIN_SECONDS have passed; single queries cycle through the queries until
MIN_SECONDS have passed and at least min(queries, 10) were searched.
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


def set_params(index, param):
    for pair in filter(None, param.split(",")):
        name, value = pair.split("=")
        if name == "nprobe":
            faiss.extract_index_ivf(index).nprobe = int(value)
        elif name == "efSearch":
            hnsw = faiss.downcast_index(index)
            if isinstance(hnsw, faiss.IndexPreTransform):
                hnsw = faiss.downcast_index(hnsw.index)
            hnsw.hnsw.efSearch = int(value)


def measure(index, xq, truth, k, min_seconds, batch_size):
    """Batch QPS, single-query QPS and recall@k of one index, by the shared timing rules."""
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
    return batch, single, hits / (len(xq) * k)


def search_only(args):
    index_file, query, gt, k, param, threads, min_seconds, batch_size = args
    faiss.omp_set_num_threads(int(threads))
    xq, truth = fvecs(query), ivecs(gt)
    index = faiss.read_index(index_file)
    set_params(index, param)
    batch, single, recall = measure(index, xq, truth, int(k), float(min_seconds), int(batch_size))
    print(json.dumps({"batch_qps": batch, "single_qps": single, "recall": recall}))


def main():
    if sys.argv[1] == "--search":
        search_only(sys.argv[2:10])
        return
    base, query, gt, factory, metric, k, param, threads, min_seconds, batch_size = sys.argv[1:11]
    out = sys.argv[11] if len(sys.argv) > 11 else None
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
    set_params(index, param)
    batch, single, recall = measure(index, xq, truth, k, min_seconds, batch_size)
    if out:
        faiss.write_index(index, out)
    print(json.dumps({"build": build, "batch_qps": batch, "single_qps": single, "recall": recall}))


if __name__ == "__main__":
    main()
