package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * FAISS must run on OpenBLAS: with Debian's reference BLAS (what {@code libblas.so} names unless
 * libopenblas-pthread-dev is installed) IVF training and batched search ran 4x slower.
 */
class FaissNativeTest {
    @Test
    void faissRunsOnOpenBlas() {
        FaissNative.load();
        String blas = FaissNative.loadedBlas();
        assertTrue(blas.contains("openblas"), "BLAS in use: '" + blas + "'; install libopenblas-pthread-dev");
    }
}
