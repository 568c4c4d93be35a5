package io.dinostream.api;

import io.dinostream.embedder.model.Pooling;
import io.dinostream.embedder.model.VisionBackbone;

/**
 * A stand-in for the network, behind the real decoder and preprocessor: the vector of an image is its
 * mean normalised colour, shifted positive and L2-normalised, so images rank by colour. The API's handling
 * of input is what the tests check; the network itself is tested in the embedder module.
 */
final class MeanColourBackboneDouble implements VisionBackbone {
    @Override
    public float[][] embed(float[] pixelsNCHW, int batch, int height, int width, Pooling pooling) {
        int plane = height * width;
        float[][] vectors = new float[batch][3];
        for (int b = 0; b < batch; b++) {
            double norm = 0;
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                int offset = (b * 3 + c) * plane;
                for (int i = 0; i < plane; i++) {
                    sum += pixelsNCHW[offset + i];
                }
                // Normalised pixels lie in about [-2.2, 2.7]; shift so every colour is a positive direction.
                vectors[b][c] = (float) (sum / plane + 2.5);
                norm += vectors[b][c] * vectors[b][c];
            }
            for (int c = 0; c < 3; c++) {
                vectors[b][c] /= (float) Math.sqrt(norm);
            }
        }
        return vectors;
    }

    @Override
    public int outputDim(Pooling pooling) {
        return 3;
    }

    @Override
    public String modelId() {
        return "mean-colour";
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public void close() {}
}
