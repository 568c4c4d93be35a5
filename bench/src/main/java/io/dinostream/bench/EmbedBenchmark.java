package io.dinostream.bench;

import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.Pooling;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Forward-pass speed of a DINOv2 model at given batch sizes, against a matrix-multiply reference on the
 * same engine and threads measured in the same run. The model gets already-preprocessed random pixels,
 * so the figure is the model alone (decoding and preprocessing are measured by the leak check's path).
 */
public final class EmbedBenchmark {
    /** What to measure. */
    public record Options(
            String preset,
            int resolution,
            List<Integer> batchSizes,
            double secondsPerCase,
            int matmulSize,
            int threads) {}

    /** One batch size's result. */
    public record Case(
            int batch,
            double imagesPerSecond,
            double modelGflops,
            double fractionOfMatmul,
            long peakRssBytes,
            double onnxImagesPerSecond) {
        /** DJL's speed over ONNX Runtime's on the same network: above 1 means DJL is faster. */
        public double ratioToOnnx() {
            return imagesPerSecond / onnxImagesPerSecond;
        }
    }

    /** Everything measured. */
    public record Result(
            String model,
            double gflopPerImage,
            double matmulGflopsBefore,
            double matmulGflopsAfter,
            double onnxMatmulGflops,
            int matmulSize,
            List<Case> cases) {
        /** The reference: the better of the two matmul runs around the model cases. */
        public double matmulGflops() {
            return Math.max(matmulGflopsBefore, matmulGflopsAfter);
        }
    }

    private EmbedBenchmark() {}

    public static Result run(Options options, Consumer<String> log) throws Exception {
        double matmulBefore = MatmulReference.gflops(options.matmulSize(), options.secondsPerCase() / 2);
        log.accept(String.format(
                "matmul reference %dx%d: %.1f GFLOP/s", options.matmulSize(), options.matmulSize(), matmulBefore));
        double onnxMatmul = OnnxRuntimeReference.matmulGflops(
                options.matmulSize(), options.threads(), options.secondsPerCase() / 2);
        log.accept(String.format("ONNX Runtime matmul reference: %.1f GFLOP/s", onnxMatmul));
        List<Case> cases = new ArrayList<>();
        String described;
        double gflopPerImage;
        try (DinoV2Model model = DinoV2Model.random(options.preset(), 1)) {
            DinoV2Config config = model.config();
            described = config.summary();
            gflopPerImage = VitFlops.perImage(config, options.resolution(), options.resolution()) / 1e9;
            for (int batch : options.batchSizes()) {
                float[] pixels = randomPixels(batch, options.resolution());
                model.embed(pixels, batch, options.resolution(), options.resolution(), Pooling.CLS); // warm-up
                ProcessMemory.resetPeak();
                int side = options.resolution();
                double perSecond = batch
                        * RepeatedTiming.runsPerSecond(
                                2, options.secondsPerCase(), () -> model.embed(pixels, batch, side, side, Pooling.CLS));
                double modelGflops = perSecond * gflopPerImage;
                long peak = ProcessMemory.peakResidentBytes();
                double onnx = OnnxRuntimeReference.imagesPerSecond(
                        model, batch, options.resolution(), options.threads(), pixels, options.secondsPerCase());
                Case c = new Case(batch, perSecond, modelGflops, modelGflops / matmulBefore, peak, onnx);
                cases.add(c);
                log.accept(String.format(
                        "batch %d: %.2f images/s, %.1f GFLOP/s, %.2f of matmul, peak RSS %d MB; ONNX Runtime %.2f images/s",
                        batch, perSecond, modelGflops, c.fractionOfMatmul(), c.peakRssBytes() >> 20, onnx));
            }
        }
        double matmulAfter = MatmulReference.gflops(options.matmulSize(), options.secondsPerCase() / 2);
        log.accept(String.format("matmul reference again: %.1f GFLOP/s", matmulAfter));
        double reference = Math.max(matmulBefore, matmulAfter);
        List<Case> rescaled = new ArrayList<>();
        for (Case c : cases) {
            rescaled.add(new Case(
                    c.batch(),
                    c.imagesPerSecond(),
                    c.modelGflops(),
                    c.modelGflops() / reference,
                    c.peakRssBytes(),
                    c.onnxImagesPerSecond()));
        }
        return new Result(
                described, gflopPerImage, matmulBefore, matmulAfter, onnxMatmul, options.matmulSize(), rescaled);
    }

    static float[] randomPixels(int batch, int resolution) {
        Random random = new Random(42);
        float[] pixels = new float[batch * 3 * resolution * resolution];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        return pixels;
    }

    /** The result as a Markdown table. */
    public static String markdown(Result r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Model: %s; %.2f GFLOP per image.%n", r.model(), r.gflopPerImage()));
        out.append(String.format(
                "References, measured in this run on the same threads: a %dx%d float32 matmul reaches %.1f GFLOP/s on"
                        + " libtorch (DJL; %.1f before and %.1f after the model cases, the better is used) and %.1f"
                        + " GFLOP/s on ONNX Runtime; the identical network (same weights, exported to ONNX) runs on"
                        + " ONNX Runtime, the embedder's default backend.%n%n",
                r.matmulSize(),
                r.matmulSize(),
                r.matmulGflops(),
                r.matmulGflopsBefore(),
                r.matmulGflopsAfter(),
                r.onnxMatmulGflops()));
        out.append("| batch | DJL images/s | DJL / libtorch matmul FLOP/s | peak RSS (DJL) | ONNX Runtime images/s"
                + " | ONNX Runtime / its matmul FLOP/s | DJL / ONNX Runtime |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Case c : r.cases()) {
            double onnxFraction = c.onnxImagesPerSecond() * r.gflopPerImage() / r.onnxMatmulGflops();
            out.append(String.format(
                    "| %d | %.2f | %.2f | %d MB | %.2f | %.2f | %.2f |%n",
                    c.batch(),
                    c.imagesPerSecond(),
                    c.fractionOfMatmul(),
                    c.peakRssBytes() >> 20,
                    c.onnxImagesPerSecond(),
                    onnxFraction,
                    c.ratioToOnnx()));
        }
        return out.toString();
    }
}
