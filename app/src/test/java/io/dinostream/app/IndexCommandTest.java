package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.eval.IndexEvaluation;
import io.dinostream.index.eval.VectorFiles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dinostream index eval} on standard files: exact search reproduces a brute-force ground truth
 * computed here in plain Java (recall 1.0, identical ids), HNSW reaches a high recall, and .npy input
 * gives the same answers as .fvecs.
 */
class IndexCommandTest {
    private static final int DIM = 16;

    @Test
    void flatReproducesTheGroundTruthAndHnswComesClose(@TempDir Path dir) throws Exception {
        Random random = new Random(11);
        VectorFiles.Floats base = gaussian(random, 3_000);
        VectorFiles.Floats queries = gaussian(random, 50);
        Path baseFile = dir.resolve("base.fvecs");
        Path queryFile = dir.resolve("query.npy");
        Path gtFile = dir.resolve("gt.ivecs");
        VectorFiles.writeFvecs(baseFile, base);
        writeNpy(queryFile, queries);
        int[][] truth = bruteForceL2(base, queries, 10);
        VectorFiles.writeIvecs(gtFile, truth);

        Path out = dir.resolve("flat.ivecs");
        String printed = run(List.of(
                "index",
                "eval",
                "--base",
                baseFile.toString(),
                "--query",
                queryFile.toString(),
                "--factory",
                "Flat",
                "--metric",
                "l2",
                "--gt",
                gtFile.toString(),
                "--out",
                out.toString()));
        assertTrue(printed.contains("recall@10: 1.0000"), printed);
        int[][] flat = VectorFiles.readIvecs(out);
        for (int q = 0; q < truth.length; q++) {
            assertArrayEquals(truth[q], flat[q], "query " + q);
        }

        Path hnswOut = dir.resolve("hnsw.ivecs");
        String hnsw = run(List.of(
                "index",
                "eval",
                "--base",
                baseFile.toString(),
                "--query",
                queryFile.toString(),
                "--factory",
                "HNSW16",
                "--metric",
                "l2",
                "--param",
                "efSearch=64",
                "--gt",
                gtFile.toString(),
                "--out",
                hnswOut.toString()));
        double recall = IndexEvaluation.recall(VectorFiles.readIvecs(hnswOut), truth, 10);
        assertTrue(recall >= 0.9, "HNSW16 recall " + recall + "\n" + hnsw);
        assertTrue(hnsw.contains("QPS"), hnsw);
    }

    @Test
    void badArgumentsAreUsageErrors(@TempDir Path dir) {
        assertEquals(
                2,
                Main.run(List.of(
                        "index", "eval", "--base", dir.resolve("none.fvecs").toString())));
        assertEquals(2, Main.run(List.of("index", "frobnicate")));
    }

    private static String run(List<String> args) {
        return Cli.run(args);
    }

    private static VectorFiles.Floats gaussian(Random random, int n) {
        float[] data = new float[n * DIM];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return new VectorFiles.Floats(n, DIM, data);
    }

    private static int[][] bruteForceL2(VectorFiles.Floats base, VectorFiles.Floats queries, int k) {
        int[][] truth = new int[queries.count()][];
        for (int q = 0; q < queries.count(); q++) {
            double[] distance = new double[base.count()];
            Integer[] order = new Integer[base.count()];
            for (int i = 0; i < base.count(); i++) {
                double sum = 0;
                for (int j = 0; j < DIM; j++) {
                    double diff = base.data()[i * DIM + j] - queries.data()[q * DIM + j];
                    sum += diff * diff;
                }
                distance[i] = sum;
                order[i] = i;
            }
            java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> distance[i]));
            truth[q] = new int[k];
            for (int j = 0; j < k; j++) {
                truth[q][j] = order[j];
            }
        }
        return truth;
    }

    /** A version 1.0 .npy file of little-endian float32, C order. */
    private static void writeNpy(Path file, VectorFiles.Floats v) throws Exception {
        String header =
                "{'descr': '<f4', 'fortran_order': False, 'shape': (" + v.count() + ", " + v.dimension() + "), }";
        int total = 10 + header.length() + 1;
        int padding = (64 - total % 64) % 64;
        header = header + " ".repeat(padding) + "\n";
        ByteBuffer buf =
                ByteBuffer.allocate(10 + header.length() + 4 * v.data().length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        buf.putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float f : v.data()) {
            buf.putFloat(f);
        }
        Files.write(file, buf.array());
    }
}
