package io.dinostream.api;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.ImageDecodeException;
import io.dinostream.embedder.ImageEmbedder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of {@link ImageEmbedder}: a fixed mapping from exact image bytes to a vector. Bytes it does
 * not know are "undecodable" ({@link ImageDecodeException}); bytes registered with {@link #failWith} make
 * it throw that exception, as a broken engine would. It records the name of every thread that called it.
 */
final class FixedVectorEmbedderDouble implements ImageEmbedder {
    static final EmbeddingSpec SPEC = new EmbeddingSpec("test-double", "v1", 3, "cls", "l2");

    private final Map<ByteBuffer, float[]> vectors = new HashMap<>();
    private final Map<ByteBuffer, RuntimeException> failures = new HashMap<>();
    final List<String> callingThreads = new CopyOnWriteArrayList<>();

    FixedVectorEmbedderDouble map(byte[] image, float[] vector) {
        vectors.put(ByteBuffer.wrap(image.clone()), vector.clone());
        return this;
    }

    FixedVectorEmbedderDouble failWith(byte[] image, RuntimeException failure) {
        failures.put(ByteBuffer.wrap(image.clone()), failure);
        return this;
    }

    @Override
    public EmbeddingSpec spec() {
        return SPEC;
    }

    @Override
    public List<EmbedOutcome> embed(List<byte[]> images) {
        callingThreads.add(Thread.currentThread().getName());
        List<EmbedOutcome> outcomes = new ArrayList<>();
        for (byte[] image : images) {
            ByteBuffer key = ByteBuffer.wrap(image);
            RuntimeException failure = failures.get(key);
            if (failure != null) {
                throw failure;
            }
            float[] vector = vectors.get(key);
            outcomes.add(
                    vector == null
                            ? EmbedOutcome.failure(new ImageDecodeException("truncated image data (test double)"))
                            : EmbedOutcome.success(vector.clone()));
        }
        return outcomes;
    }

    @Override
    public void close() {}
}
