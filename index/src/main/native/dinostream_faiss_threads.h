// Small helpers of our own for the FAISS binding, parsed by JavaCPP with the FAISS headers:
// OpenMP thread control (a C API outside the FAISS headers) and deletion of indexes that FAISS
// allocates itself (index_factory, read_index), which JavaCPP gives no deallocator, and the few calls
// that reach into FAISS's std containers.
#pragma once

#include <dlfcn.h>
#include <omp.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <vector>

#include <faiss/Index.h>
#include <faiss/IndexFlatCodes.h>
#include <faiss/IndexIDMap.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/utils/Heap.h>

extern "C" {
/** BLAS (Fortran interface), linked with the library: y = alpha * op(A) x + beta * y. */
int sgemv_(const char* trans, const int* m, const int* n, const float* alpha, const float* a, const int* lda,
           const float* x, const int* incx, const float* beta, float* y, const int* incy);
}

namespace dinostream {

/** Sets the number of OpenMP threads FAISS uses for subsequent calls from any thread. */
inline void set_omp_threads(int n) {
    omp_set_num_threads(n);
}

/**
 * Sets OpenBLAS's own thread count through openblas_set_num_threads, looked up at run time so that the
 * library still loads on another BLAS. Returns false when the BLAS in the process is not OpenBLAS.
 */
inline bool set_blas_threads(int n) {
    using setter = void (*)(int);
    setter set = reinterpret_cast<setter>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (set == nullptr) {
        return false;
    }
    set(n);
    return true;
}

/** The number of OpenMP threads a parallel region would use now. */
inline int get_omp_max_threads() {
    return omp_get_max_threads();
}

/** Deletes an index allocated by FAISS (index_factory, read_index); null is allowed. */
inline void delete_index(faiss::Index* index) {
    delete index;
}

/**
 * Asks for 2 MB pages under the capacity of a container of at least 64 MB. Filling 1.5 GB of 4 KB pages
 * takes 375,000 page faults, most of a 1M x 384 flat build; in 2 MB pages it takes 750 (docs/performance.md,
 * session 17). A graph search also reads a vector and a neighbour list at random for each step, and each
 * read of a 4 KB page misses the TLB (session 18). Advice only: where transparent huge pages are off,
 * madvise fails or does nothing and the index works as before, so its result is deliberately not checked.
 */
template <typename T>
inline void advise_huge_pages(const std::vector<T>& container) {
    const size_t large = size_t(64) << 20;
    const size_t bytes = container.capacity() * sizeof(T);
    if (bytes < large) {
        return;
    }
    const uintptr_t page = 4096;  // madvise takes whole pages
    uintptr_t begin = reinterpret_cast<uintptr_t>(container.data());
    uintptr_t end = (begin + bytes) & ~(page - 1);
    begin = (begin + page - 1) & ~(page - 1);
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

/**
 * Makes room for n more vectors in the storage of a flat index (IndexFlatCodes::codes), of an id map over
 * one (id_map, and rev_map for IDMap2), and of an HNSW graph (its flat storage and its neighbour lists),
 * so that a bulk add allocates each container once: std::vector would otherwise double as it grows,
 * copying and first-touching about twice the final size. Large containers get 2 MB pages. Other index
 * types are left alone (their adds are dominated by encoding, not copying). Reserving exactly is for bulk
 * adds only: called per small batch it would reallocate every time.
 */
inline void reserve_for_add(faiss::Index* index, int64_t n) {
    if (faiss::IndexIDMap2* map2 = dynamic_cast<faiss::IndexIDMap2*>(index)) {
        map2->rev_map.reserve(static_cast<size_t>(map2->ntotal + n));
    }
    if (faiss::IndexIDMap* map = dynamic_cast<faiss::IndexIDMap*>(index)) {
        map->id_map.reserve(static_cast<size_t>(map->ntotal + n));
        index = map->index;
    }
    if (faiss::IndexHNSW* graph = dynamic_cast<faiss::IndexHNSW*>(index)) {
        // Level 0 holds 2M links per vector; a vector reaches level l with probability 1/M^l, each upper
        // level adding M links, so 5% over level 0 covers the expected rest.
        faiss::HNSW& hnsw = graph->hnsw;
        const size_t links = hnsw.neighbors.size() + static_cast<size_t>(n) * hnsw.cum_nb_neighbors(1) * 21 / 20;
        hnsw.neighbors.reserve(links);
        advise_huge_pages(hnsw.neighbors);
        index = graph->storage;
    }
    if (faiss::IndexFlatCodes* flat = dynamic_cast<faiss::IndexFlatCodes*>(index)) {
        flat->codes.reserve(static_cast<size_t>((flat->ntotal + n) * flat->code_size));
        advise_huge_pages(flat->codes);
    }
}

/** Copies a large container into a fresh one that advise_huge_pages covered, then swaps them. */
template <typename T>
inline void copy_into_huge_pages(std::vector<T>& container) {
    if (container.size() * sizeof(T) < (size_t(64) << 20)) {
        return;
    }
    std::vector<T> fresh;
    fresh.reserve(container.size());
    advise_huge_pages(fresh);
    fresh.assign(container.begin(), container.end());  // first touched here, in 2 MB pages
    container.swap(fresh);
}

/**
 * Gives a deserialised index what a bulk add gives a built one (reserve_for_add): read_index fills its
 * containers in 4 KB pages, so a restored HNSW graph or flat index would search slower than the one it
 * was saved from. Copies the flat storage, and an HNSW graph's neighbour lists, into 2 MB pages; each
 * copy briefly needs that container's size again, no more than reading the snapshot did.
 */
inline void move_to_huge_pages(faiss::Index* index) {
    if (faiss::IndexIDMap* map = dynamic_cast<faiss::IndexIDMap*>(index)) {
        index = map->index;
    }
    if (faiss::IndexHNSW* graph = dynamic_cast<faiss::IndexHNSW*>(index)) {
        copy_into_huge_pages(graph->hnsw.neighbors);
        index = graph->storage;
    }
    if (faiss::IndexFlatCodes* flat = dynamic_cast<faiss::IndexFlatCodes*>(index)) {
        copy_into_huge_pages(flat->codes);
    }
}

/**
 * Copies to present those of the n ids that an IDMap2 holds (a rev_map lookup each) and returns how many.
 * An upsert removes only these: remove_ids scans the whole index and rebuilds rev_map, so calling it for
 * every batch of new ids would cost O(index size) per batch.
 */
inline int64_t id_map2_present(const faiss::IndexIDMap2* index, const int64_t* ids, int64_t n, int64_t* present) {
    int64_t count = 0;
    for (int64_t i = 0; i < n; i++) {
        if (index->rev_map.count(ids[i]) != 0) {
            present[count++] = ids[i];
        }
    }
    return count;
}

/** Replaces the n internal row numbers in labels by the ids an id map stores for them (-1 stays -1). */
inline void id_map_translate(const faiss::IndexIDMap* index, int64_t* labels, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        if (labels[i] >= 0) {
            labels[i] = index->id_map[labels[i]];
        }
    }
}

/** Serialises searches of HNSW indexes, whose efSearch is set on the index for the call. */
inline std::mutex& hnsw_search_mutex() {
    static std::mutex mutex;
    return mutex;
}

/**
 * Runs one search call with per-query parameters: nprobe for an IVF index and efSearch for an HNSW
 * index, also when it sits behind a pre-transform (OPQ). A value <= 0 keeps the index's own setting.
 * The call receives the SearchParameters to pass (null for none).
 *
 * IVF gets SearchParametersIVF, so concurrent searches are independent. HNSW does not: FAISS 1.7.3
 * ignores SearchParametersHNSW::efSearch past the first layers (python3-faiss 1.7.3 shows the same:
 * self-recall 0.82 with params efSearch=256 against 0.98 with hnsw.efSearch=256), so efSearch is set on
 * the index for the duration of the call, and HNSW searches are serialised by a mutex.
 */
template <typename Call>
inline void with_params(const faiss::Index* index, int64_t nprobe, int ef_search, Call call) {
    faiss::SearchParametersIVF ivf;
    const faiss::Index* inner = index;
    const faiss::IndexPreTransform* pre = dynamic_cast<const faiss::IndexPreTransform*>(index);
    if (pre != nullptr) {
        inner = pre->index;
    }
    faiss::SearchParameters* params = nullptr;
    if (nprobe > 0) {
        if (const faiss::IndexIVF* i = dynamic_cast<const faiss::IndexIVF*>(inner)) {
            ivf.nprobe = static_cast<size_t>(nprobe);
            ivf.max_codes = i->max_codes;
            params = &ivf;
        }
    }
    const faiss::IndexHNSW* hnsw_index = dynamic_cast<const faiss::IndexHNSW*>(inner);
    if (hnsw_index != nullptr) {
        std::lock_guard<std::mutex> guard(hnsw_search_mutex());
        faiss::HNSW& graph = const_cast<faiss::IndexHNSW*>(hnsw_index)->hnsw;
        int saved = graph.efSearch;
        if (ef_search > 0) {
            graph.efSearch = ef_search;
        }
        try {
            call(static_cast<faiss::SearchParameters*>(nullptr));
        } catch (...) {
            graph.efSearch = saved;
            throw;
        }
        graph.efSearch = saved;
        return;
    }
    if (pre != nullptr && params != nullptr) {
        faiss::SearchParametersPreTransform wrapped;
        wrapped.index_params = params;
        call(static_cast<faiss::SearchParameters*>(&wrapped));
    } else {
        call(params);
    }
}

/** k-NN search with per-query nprobe / efSearch (see with_params). */
inline void search_with_params(
        const faiss::Index* index,
        int64_t n,
        const float* x,
        int64_t k,
        float* distances,
        int64_t* labels,
        int64_t nprobe,
        int ef_search) {
    with_params(index, nprobe, ef_search, [&](faiss::SearchParameters* params) {
        index->search(n, x, k, distances, labels, params);
    });
}

/**
 * Range search with per-query nprobe / efSearch (see with_params): every vector with a distance below
 * radius (L2) or a similarity above it (inner product). The result is allocated here and must be freed
 * with delete_range_result; read it with the range_result_* accessors.
 */
inline faiss::RangeSearchResult* range_search_with_params(
        const faiss::Index* index, int64_t n, const float* x, float radius, int64_t nprobe, int ef_search) {
    faiss::RangeSearchResult* result = new faiss::RangeSearchResult(n);
    try {
        with_params(index, nprobe, ef_search, [&](faiss::SearchParameters* params) {
            index->range_search(n, x, radius, result, params);
        });
    } catch (...) {
        delete result;
        throw;
    }
    return result;
}

/** lims[0..n]: the results of query i are entries lims[i] to lims[i+1] - 1. */
inline const size_t* range_result_lims(const faiss::RangeSearchResult* result) {
    return result->lims;
}

inline const int64_t* range_result_labels(const faiss::RangeSearchResult* result) {
    return result->labels;
}

inline const float* range_result_distances(const faiss::RangeSearchResult* result) {
    return result->distances;
}

inline void delete_range_result(faiss::RangeSearchResult* result) {
    delete result;
}

/** The bytes of a serialised index (VectorIOWriter::data), for bulk copies to Java. */
inline const uint8_t* byte_vector_data(const std::vector<uint8_t>* bytes) {
    return bytes->data();
}

/** Resizes a byte vector (VectorIOReader::data) and returns its storage, for bulk copies from Java. */
inline uint8_t* byte_vector_resize(std::vector<uint8_t>* bytes, size_t size) {
    bytes->resize(size);
    return bytes->data();
}

/**
 * The best k of n stored vectors (row-major, d floats each) by inner product with one query: distances
 * and labels (row numbers, -1 past the end) best first. The same answer as faiss::knn_inner_product for
 * one query, up to float rounding: that one runs Debian's scalar kernel (FAISS is built for baseline
 * x86-64), which a single query leaves compute-bound at about 3 GB/s per thread. This computes the scores
 * with BLAS sgemv in blocks of 16,384 rows; OpenBLAS picks its SIMD kernel for the CPU at run time, and
 * the scan runs at memory speed (docs/performance.md, session 17). Among equal scores the earlier row
 * wins, as in FAISS. Callers split the rows over threads; BLAS itself runs on one thread unless
 * OPENBLAS_NUM_THREADS says otherwise (FaissNative).
 */
inline void inner_product_top_k(const float* query, const float* vectors, int64_t d, int64_t n, int64_t k,
                                float* distances, int64_t* labels) {
    using heap = faiss::CMin<float, int64_t>;
    faiss::heap_heapify<heap>(k, distances, labels);
    const int64_t block = 16384;
    std::vector<float> scores(static_cast<size_t>(std::min(block, std::max<int64_t>(n, 1))));
    const float one = 1.0f;
    const float zero = 0.0f;
    const int inc = 1;
    const int dim = static_cast<int>(d);
    for (int64_t from = 0; from < n; from += block) {
        const int rows = static_cast<int>(std::min(block, n - from));
        // Row-major n x d is column-major d x n: its transpose times the query gives one score per row.
        sgemv_("T", &dim, &rows, &one, vectors + from * d, &dim, query, &inc, &zero, scores.data(), &inc);
        for (int i = 0; i < rows; i++) {
            if (scores[i] > distances[0]) {  // strictly better than the worst kept: earlier rows win ties
                faiss::heap_replace_top<heap>(k, distances, labels, scores[i], from + i);
            }
        }
    }
    faiss::heap_reorder<heap>(k, distances, labels);
}

} // namespace dinostream
