package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * The official {@code Attention} (the path {@code MemEffAttention} takes without xFormers): {@code qkv}
 * projection whose output columns are {@code [q | k | v]}, each split into heads of contiguous {@code
 * head_dim} columns; {@code softmax((q * head_dim^-0.5) kᵀ) v}; heads concatenated; {@code proj}. No
 * attention or projection dropout (inference and DINOv2 training both use 0).
 */
public final class Attention extends DinoLayer {
    private final int dim;
    private final int heads;
    private final float scale;
    private final Dense qkv;
    private final Dense proj;

    public Attention(int dim, int heads) {
        this.dim = dim;
        this.heads = heads;
        this.scale = (float) Math.pow((double) dim / heads, -0.5);
        this.qkv = child("qkv", new Dense(dim, 3 * dim, true));
        this.proj = child("proj", new Dense(dim, dim, true));
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long n = s.get(1);
        long hd = dim / heads;
        // (B, N, 3D) -> (B, N, 3, H, hd) -> (3, B, H, N, hd)
        NDArray t = qkv.apply(ps, x, training).reshape(b, n, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = ScalarOps.mul(t.get(0), scale);
        NDArray k = t.get(1);
        NDArray v = t.get(2);
        NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
        NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, n, dim);
        return proj.apply(ps, out, training);
    }
}
