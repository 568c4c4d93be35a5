package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;

/**
 * The official {@code PatchEmbed}: a {@code patch x patch} convolution with stride {@code patch}
 * ({@code proj.weight (D, C, p, p)}, {@code proj.bias (D)}), flattened to tokens {@code (B, h*w, D)}
 * in row-major patch order. The input sides must be multiples of the patch size.
 */
public final class PatchEmbed extends DinoLayer {
    private final int patch;
    private final int dim;
    private final Parameter weight;
    private final Parameter bias;

    public PatchEmbed(int patch, int inChans, int dim) {
        this.patch = patch;
        this.dim = dim;
        // Held as the child "proj" so the names read patch_embed.proj.weight/bias.
        ConvHolder proj = child("proj", new ConvHolder(patch, inChans, dim));
        this.weight = proj.weight;
        this.bias = proj.bias;
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long h = s.get(2) / patch;
        long w = s.get(3) / patch;
        NDArray y = Conv2d.conv2d(
                        x,
                        value(ps, weight, x, training),
                        value(ps, bias, x, training),
                        new Shape(patch, patch),
                        new Shape(0, 0),
                        new Shape(1, 1),
                        1)
                .singletonOrThrow();
        return y.reshape(b, dim, h * w).transpose(0, 2, 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), (s.get(2) / patch) * (s.get(3) / patch), dim)};
    }

    /** Parameter holder for the convolution ({@code proj}); applied by {@link PatchEmbed}. */
    static final class ConvHolder extends DinoLayer {
        final Parameter weight;
        final Parameter bias;

        ConvHolder(int patch, int inChans, int dim) {
            weight = param("weight", Parameter.Type.WEIGHT, new Shape(dim, inChans, patch, patch));
            bias = param("bias", Parameter.Type.BIAS, new Shape(dim));
        }

        @Override
        public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            throw new UnsupportedOperationException("applied by PatchEmbed");
        }
    }
}
