package io.dinostream.trainer.curate.copies;

import io.dinostream.trainer.curate.vectors.VectorSource;

/** The copy descriptors of a source of thumbnails, computed as they are read (nothing is stored). */
final class DescriptorVectors implements VectorSource {
    private final VectorSource thumbnails;

    DescriptorVectors(VectorSource thumbnails) {
        if (thumbnails.dimension() != Thumbnails.PIXELS) {
            throw new IllegalArgumentException(
                    "thumbnails have " + Thumbnails.PIXELS + " pixels, not " + thumbnails.dimension());
        }
        this.thumbnails = thumbnails;
    }

    @Override
    public int size() {
        return thumbnails.size();
    }

    @Override
    public int dimension() {
        return CopyDescriptor.DIMENSION;
    }

    @Override
    public void read(int from, int to, float[] into) {
        float[] pixels = thumbnails.read(from, to);
        float[] thumbnail = new float[Thumbnails.PIXELS];
        for (int r = 0; r < to - from; r++) {
            System.arraycopy(pixels, r * Thumbnails.PIXELS, thumbnail, 0, Thumbnails.PIXELS);
            System.arraycopy(
                    CopyDescriptor.of(thumbnail), 0, into, r * CopyDescriptor.DIMENSION, CopyDescriptor.DIMENSION);
        }
    }
}
