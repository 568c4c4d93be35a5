package io.dinostream.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The speed reference of the embedding benchmark: float32 FLOP/s of a large square matrix multiply on
 * the same engine (PyTorch through DJL) and threads as the model. A model that reaches a large fraction
 * of it is compute-bound and well implemented; a small fraction points at overheads.
 */
public final class MatmulReference {
    private MatmulReference() {}

    /**
     * Multiplies two {@code n x n} matrices repeatedly for at least {@code minSeconds} (after one warm-up)
     * and returns the achieved GFLOP/s, counting {@code 2 n^3} per product.
     */
    public static double gflops(int n, double minSeconds) throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.randomNormal(new Shape(n, n));
            NDArray b = manager.randomNormal(new Shape(n, n));
            try (NDArray warm = a.matMul(b)) {
                warm.toFloatArray(); // forces the computation
            }
            double products = RepeatedTiming.runsPerSecond(3, minSeconds, () -> {
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0); // synchronises without copying the whole result
                }
            });
            return 2.0 * n * n * (double) n * products / 1e9;
        }
    }
}
