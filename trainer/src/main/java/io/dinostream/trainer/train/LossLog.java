package io.dinostream.trainer.train;

import io.dinostream.trainer.ssl.StepLosses;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code losses.csv}: one row per iteration ({@code iteration,total,dino_local,dino_global,koleo,ibot,
 * grad_norm}). Opening it for a resumed run keeps only the rows before the checkpoint's iteration, so the
 * file always holds one run's curve.
 */
public final class LossLog implements AutoCloseable {
    static final String HEADER = "iteration,total,dino_local,dino_global,koleo,ibot,grad_norm";

    private final List<String> kept;
    private final BufferedWriter writer;

    private LossLog(List<String> kept, BufferedWriter writer) {
        this.kept = kept;
        this.writer = writer;
    }

    public static LossLog open(Path file, long keepBefore) throws IOException {
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isEmpty() || line.startsWith("iteration")) {
                    continue;
                }
                if (Long.parseLong(line.substring(0, line.indexOf(','))) < keepBefore) {
                    kept.add(line);
                }
            }
        }
        BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        writer.write(HEADER);
        writer.newLine();
        for (String line : kept) {
            writer.write(line);
            writer.newLine();
        }
        return new LossLog(kept, writer);
    }

    /** The kept rows from {@code iteration} on, as losses. */
    public List<StepLosses> since(long iteration) {
        List<StepLosses> out = new ArrayList<>();
        for (String line : kept) {
            String[] f = line.split(",");
            if (Long.parseLong(f[0]) >= iteration) {
                out.add(new StepLosses(
                        Double.parseDouble(f[1]),
                        Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]),
                        Double.parseDouble(f[5]),
                        Double.parseDouble(f[6])));
            }
        }
        return out;
    }

    public void append(long iteration, StepLosses l) throws IOException {
        writer.write(String.format(
                Locale.ROOT,
                "%d,%.7g,%.7g,%.7g,%.7g,%.7g,%.7g",
                iteration,
                l.total(),
                l.dinoLocal(),
                l.dinoGlobal(),
                l.koleo(),
                l.ibot(),
                l.gradNorm()));
        writer.newLine();
        // Flushed every step: the file is how a running training is watched, and cheap at this rate.
        writer.flush();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    /** Reads a {@code losses.csv} back: iteration to total loss. */
    public static List<double[]> read(Path file) throws IOException {
        List<double[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("iteration")) {
                continue;
            }
            String[] f = line.split(",");
            out.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
        }
        return out;
    }
}
