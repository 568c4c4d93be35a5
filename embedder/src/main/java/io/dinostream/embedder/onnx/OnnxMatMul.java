package io.dinostream.embedder.onnx;

/**
 * A one-node ONNX model multiplying two float32 {@code n x n} inputs {@code a} and {@code b}: the
 * matrix-multiply speed reference for ONNX Runtime, as a plain matmul is for libtorch.
 */
public final class OnnxMatMul {
    public static final String A = "a";
    public static final String B = "b";

    private OnnxMatMul() {}

    public static byte[] model(int n) {
        OnnxGraph g = new OnnxGraph();
        g.input(A, n, n);
        g.input(B, n, n);
        g.output(g.op("MatMul", A, B), "product", n, n);
        return g.toModel("matmul_" + n);
    }
}
