package io.dinostream.bench;

import io.dinostream.embedder.DinoImageEmbedder;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.Preprocessor;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.Pooling;
import io.dinostream.embedder.model.VisionBackbone;
import io.dinostream.embedder.onnx.OnnxRuntimeBackbone;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongConsumer;
import javax.imageio.ImageIO;

/**
 * Embeds many images through the production path (PNG decode, preprocessing, batched forward pass) and
 * compares heap and resident memory after a warm-up with the same figures at the end: a leak of native
 * arrays or Java objects per batch shows as growth.
 */
public final class EmbedLeakCheck {
    /** What to run. */
    public record Options(String preset, int resolution, int images, int batch, boolean onnxRuntime) {}

    /** Memory after the warm-up (the first tenth of the images) and at the end. */
    public record Result(
            int images, long heapAfterWarmUp, long heapAtEnd, long rssAfterWarmUp, long rssAtEnd, double seconds) {
        public long heapGrowth() {
            return heapAtEnd - heapAfterWarmUp;
        }

        public long rssGrowth() {
            return rssAtEnd - rssAfterWarmUp;
        }
    }

    private EmbedLeakCheck() {}

    public static Result run(Options options, LongConsumer progress) {
        List<byte[]> pngs = distinctPngs(64);
        int warmUp = Math.max(options.batch(), options.images() / 10);
        long heapWarm = 0;
        long rssWarm = 0;
        long start = System.nanoTime();
        try (DinoImageEmbedder embedder = new DinoImageEmbedder(
                backbone(options), new ImageDecoder(), new Preprocessor(options.resolution()), Pooling.CLS)) {
            int done = 0;
            while (done < options.images()) {
                int n = Math.min(options.batch(), options.images() - done);
                List<byte[]> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add(pngs.get((done + i) % pngs.size()));
                }
                for (EmbedOutcome outcome : embedder.embed(batch)) {
                    if (!outcome.ok()) {
                        throw new IllegalStateException("a benchmark image failed to embed", outcome.error());
                    }
                }
                boolean warmUpEnds = done < warmUp && done + n >= warmUp;
                done += n;
                progress.accept(done);
                if (warmUpEnds) {
                    heapWarm = ProcessMemory.heapUsedAfterGc();
                    rssWarm = ProcessMemory.residentBytes();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(
                options.images(),
                heapWarm,
                ProcessMemory.heapUsedAfterGc(),
                rssWarm,
                ProcessMemory.residentBytes(),
                seconds);
    }

    private static VisionBackbone backbone(Options options) {
        DinoV2Model model = DinoV2Model.random(options.preset(), 1);
        if (!options.onnxRuntime()) {
            return model;
        }
        try (model) {
            return OnnxRuntimeBackbone.create(model, options.resolution(), options.resolution(), 0);
        }
    }

    /** Distinct 28x28 grayscale PNGs, like Fashion-MNIST's. */
    static List<byte[]> distinctPngs(int count) {
        Random random = new Random(3);
        List<byte[]> pngs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    image.getRaster().setSample(x, y, 0, random.nextInt(256));
                }
            }
            try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
                ImageIO.write(image, "png", out);
                pngs.add(out.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pngs;
    }
}
