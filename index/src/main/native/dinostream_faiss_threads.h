// Small helpers of our own for the FAISS binding, parsed by JavaCPP with the FAISS headers:
// OpenMP thread control (a C API outside the FAISS headers) and deletion of indexes that FAISS
// allocates itself (index_factory, read_index), which JavaCPP gives no deallocator.
#pragma once

#include <omp.h>

#include <faiss/Index.h>

namespace dinostream {

/** Sets the number of OpenMP threads FAISS uses for subsequent calls from any thread. */
inline void set_omp_threads(int n) {
    omp_set_num_threads(n);
}

/** The number of OpenMP threads a parallel region would use now. */
inline int get_omp_max_threads() {
    return omp_get_max_threads();
}

/** Deletes an index allocated by FAISS (index_factory, read_index); null is allowed. */
inline void delete_index(faiss::Index* index) {
    delete index;
}

} // namespace dinostream
