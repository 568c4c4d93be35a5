// The GPU half of our FAISS binding: a thin shim over faiss/gpu, compiled only by the Maven profile
// "gpu" against a CUDA build of FAISS (build-faiss-gpu.sh). JavaCPP does not parse these headers (they
// pull in the CUDA runtime's); io.dinostream.index.faiss.gpu.FaissGpu declares the functions by hand.
//
// Indexes cross between this library and the CPU one (jnidinostreamfaiss) as plain faiss::Index
// pointers. Each library links its own copy of libfaiss 1.7.3, built from the same headers, so objects
// have the same layout and every call on them goes through their own virtual table.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <cstring>

#include <faiss/Index.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/gpu/GpuCloner.h>
#include <faiss/gpu/GpuClonerOptions.h>
#include <faiss/gpu/GpuIndexIVF.h>
#include <faiss/gpu/StandardGpuResources.h>

namespace dinostream_gpu {

/** CUDA devices this process can use; 0 when there is no driver or no device (never throws). */
inline int device_count() {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
        cudaGetLastError(); // clear the sticky error: "no driver" is an answer here, not a failure
        return 0;
    }
    return count;
}

/** Writes the device's name into name (at most capacity bytes, NUL-terminated); false if unknown. */
inline bool device_name(int device, char* name, int capacity) {
    cudaDeviceProp prop;
    if (capacity < 1 || cudaGetDeviceProperties(&prop, device) != cudaSuccess) {
        cudaGetLastError();
        return false;
    }
    std::strncpy(name, prop.name, capacity - 1);
    name[capacity - 1] = '\0';
    return true;
}

/**
 * FAISS's GPU resources (cuBLAS handle, streams, temporary memory) for one index replica. A negative
 * temp_memory_bytes keeps FAISS's default (a fraction of the device's memory, at most 1.5 GiB).
 */
inline faiss::gpu::StandardGpuResources* new_resources(int64_t temp_memory_bytes) {
    faiss::gpu::StandardGpuResources* resources = new faiss::gpu::StandardGpuResources();
    if (temp_memory_bytes >= 0) {
        resources->setTempMemory(static_cast<size_t>(temp_memory_bytes));
    }
    return resources;
}

inline void delete_resources(faiss::gpu::StandardGpuResources* resources) {
    delete resources;
}

/** The index inside an OPQ (or other) pre-transform, or the index itself. */
inline const faiss::Index* unwrap(const faiss::Index* index) {
    const faiss::IndexPreTransform* pre = dynamic_cast<const faiss::IndexPreTransform*>(index);
    return pre != nullptr ? pre->index : index;
}

/**
 * Whether FAISS 1.7.3 has a GPU version of this CPU index: Flat, IVF-Flat, IVF-PQ and IVF-SQ, each also
 * behind a pre-transform. HNSW has none (index_cpu_to_gpu would return another CPU index).
 */
inline bool has_gpu_version(const faiss::Index* index) {
    const faiss::Index* inner = unwrap(index);
    return dynamic_cast<const faiss::IndexFlat*>(inner) != nullptr
            || dynamic_cast<const faiss::IndexIVFFlat*>(inner) != nullptr
            || dynamic_cast<const faiss::IndexIVFPQ*>(inner) != nullptr
            || dynamic_cast<const faiss::IndexIVFScalarQuantizer*>(inner) != nullptr;
}

/**
 * A copy of a CPU index on the GPU, with the same labels. float16 stores IVF-PQ lookup tables and
 * vectors in half precision (faster, less exact). The caller owns the result (delete_index).
 */
inline faiss::Index* cpu_to_gpu(
        faiss::gpu::StandardGpuResources* resources, int device, const faiss::Index* index, bool float16) {
    faiss::gpu::GpuClonerOptions options;
    options.useFloat16 = float16;
    return faiss::gpu::index_cpu_to_gpu(resources, device, index, &options);
}

/** Adds n vectors to a GPU index under the next labels, as add() on the CPU index did. */
inline void add(faiss::Index* index, int64_t n, const float* x) {
    index->add(n, x);
}

/** k-NN search; nprobe > 0 overrides an IVF index's own for this call only. */
inline void search(
        const faiss::Index* index, int64_t n, const float* x, int64_t k, float* distances, int64_t* labels,
        int64_t nprobe) {
    faiss::SearchParametersIVF ivf;
    faiss::SearchParameters* params = nullptr;
    if (nprobe > 0 && dynamic_cast<const faiss::gpu::GpuIndexIVF*>(unwrap(index)) != nullptr) {
        ivf.nprobe = static_cast<size_t>(nprobe);
        ivf.max_codes = 0; // the GPU IVF refuses a code limit
        params = &ivf;
    }
    if (params != nullptr && unwrap(index) != index) {
        faiss::SearchParametersPreTransform wrapped;
        wrapped.index_params = params;
        index->search(n, x, k, distances, labels, &wrapped);
    } else {
        index->search(n, x, k, distances, labels, params);
    }
}

inline int64_t ntotal(const faiss::Index* index) {
    return index->ntotal;
}

inline void delete_index(faiss::Index* index) {
    delete index;
}

} // namespace dinostream_gpu
