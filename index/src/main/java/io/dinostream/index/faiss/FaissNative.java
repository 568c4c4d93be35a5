package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.global.Faiss;
import org.bytedeco.javacpp.Loader;

/**
 * Process-wide controls of the FAISS native library: loading it and sizing its OpenMP thread pool.
 *
 * <p>FAISS parallelises a batched search with OpenMP; concurrent calls from several Java threads each start
 * a team, so on a small machine serialise calls or lower the thread count.
 *
 * <p>OpenBLAS runs with one thread unless {@code OPENBLAS_NUM_THREADS} says otherwise: its own thread
 * pool competes with FAISS's OpenMP threads, and exact search of 200 queries ran 2-3x faster with it off,
 * in Java and in python3-faiss alike (docs/performance.md, "BLAS threads").
 */
public final class FaissNative {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FaissNative.class);
    private static volatile boolean blasChecked;

    private FaissNative() {}

    /**
     * Loads the JNI library (libfaiss is linked into it statically).
     *
     * @throws UnsatisfiedLinkError if it or a library it needs (libgomp, BLAS, LAPACK) is missing
     */
    public static void load() {
        Loader.load(Faiss.class);
        if (!blasChecked) {
            blasChecked = true;
            if (System.getenv("OPENBLAS_NUM_THREADS") == null && !Faiss.set_blas_threads(1)) {
                LOG.debug("BLAS is not OpenBLAS: its thread count is left alone");
            }
            String blas = loadedBlas();
            if (blas.contains("/blas/libblas")) {
                LOG.warn(
                        "FAISS runs on the reference BLAS ({}), several times slower than OpenBLAS: install "
                                + "libopenblas-pthread-dev so that libblas.so points to OpenBLAS",
                        blas);
            }
        }
    }

    /**
     * The BLAS library file mapped into this process (from {@code /proc/self/maps}), or an empty string.
     * JavaCPP loads the one {@code libblas.so} names, so the {@code -dev} alternative decides: Debian's
     * reference BLAS unless {@code libopenblas-pthread-dev} is installed.
     */
    public static String loadedBlas() {
        java.nio.file.Path maps = java.nio.file.Path.of("/proc/self/maps");
        if (!java.nio.file.Files.isReadable(maps)) {
            return "";
        }
        try (var lines = java.nio.file.Files.lines(maps)) {
            return lines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.contains("libblas.so") || path.contains("libopenblas"))
                    .findFirst()
                    .orElse("");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + maps, e);
        }
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
