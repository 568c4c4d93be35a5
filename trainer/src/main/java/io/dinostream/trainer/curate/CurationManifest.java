package io.dinostream.trainer.curate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of a curation, one row per pool image: its index in the pool, its name (file name, record
 * key or index), the step that dropped it or {@code kept}, and its finest k-means cluster (-1 when
 * clustering did not run or the image was dropped before it). The file starts with {@code # pool: SPEC} so
 * that {@code manifest:FILE} can be trained from.
 *
 * @param poolSpec the pool's dataset spec
 */
public record CurationManifest(String poolSpec, List<Row> rows) {
    static final String POOL_PREFIX = "# pool: ";
    static final String HEADER = "index,name,step,cluster";

    public record Row(int index, String name, CurationStep step, int cluster) {
        public boolean kept() {
            return step == CurationStep.KEPT;
        }
    }

    /** Indices of the kept images, ascending. */
    public int[] kept() {
        return rows.stream().filter(Row::kept).mapToInt(Row::index).sorted().toArray();
    }

    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>(rows.size() + 2);
        lines.add(POOL_PREFIX + poolSpec);
        lines.add(HEADER);
        for (Row r : rows) {
            if (r.name().contains(",") || r.name().contains("\n")) {
                throw new IllegalArgumentException("image name with a comma or newline: " + r.name());
            }
            lines.add(r.index() + "," + r.name() + "," + r.step().label() + "," + r.cluster());
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, lines);
    }

    public static CurationManifest read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.size() < 2
                || !lines.get(0).startsWith(POOL_PREFIX)
                || !lines.get(1).equals(HEADER)) {
            throw new IOException(
                    file + " is not a curation manifest (expected '" + POOL_PREFIX + "SPEC' and '" + HEADER + "')");
        }
        List<Row> rows = new ArrayList<>(lines.size() - 2);
        for (int l = 2; l < lines.size(); l++) {
            String[] f = lines.get(l).split(",", -1);
            try {
                rows.add(new Row(Integer.parseInt(f[0]), f[1], CurationStep.ofLabel(f[2]), Integer.parseInt(f[3])));
            } catch (RuntimeException e) {
                throw new IOException(file + ":" + (l + 1) + ": bad manifest row '" + lines.get(l) + "'", e);
            }
        }
        return new CurationManifest(lines.get(0).substring(POOL_PREFIX.length()), rows);
    }
}
