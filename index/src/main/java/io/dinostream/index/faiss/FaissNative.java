package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.global.Faiss;
import org.bytedeco.javacpp.Loader;

/**
 * Process-wide controls of the FAISS native library: loading it and sizing its OpenMP thread pool.
 *
 * <p>FAISS parallelises a batched search with OpenMP; concurrent calls from several Java threads each start
 * a team, so on a small machine serialise calls or lower the thread count.
 */
public final class FaissNative {
    private FaissNative() {}

    /**
     * Loads the JNI library (libfaiss is linked into it statically).
     *
     * @throws UnsatisfiedLinkError if it or a library it needs (libgomp, BLAS, LAPACK) is missing
     */
    public static void load() {
        Loader.load(Faiss.class);
    }

    /** Sets the number of OpenMP threads FAISS calls use from now on, process-wide. */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        load();
        Faiss.set_omp_threads(threads);
    }

    /** The number of OpenMP threads a FAISS call would use now. */
    public static int threads() {
        load();
        return Faiss.get_omp_max_threads();
    }
}
