package io.dinostream.trainer.curate.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ground truth of a generated pool, one row per pool image, in pool order.
 *
 * @param kinds what each image is
 * @param labels its class, -1 for junk
 * @param groups the pool index of the original it is a copy of (itself for an original), -1 for junk: two
 *     images are duplicates exactly when they share a group
 * @param sources its index in the dataset the pool was built from, -1 for junk
 */
public record PoolTruth(PoolItemKind[] kinds, int[] labels, int[] groups, int[] sources) {
    static final String HEADER = "index,kind,label,group,source";

    public PoolTruth {
        int n = kinds.length;
        if (labels.length != n || groups.length != n || sources.length != n) {
            throw new IllegalArgumentException("ground-truth columns differ in length");
        }
    }

    public int size() {
        return kinds.length;
    }

    /** Number of images that are copies of another pool image. */
    public int duplicates() {
        int count = 0;
        for (PoolItemKind kind : kinds) {
            if (kind.isDuplicate()) {
                count++;
            }
        }
        return count;
    }

    /** Number of junk images. */
    public int junk() {
        int count = 0;
        for (PoolItemKind kind : kinds) {
            if (kind.isJunk()) {
                count++;
            }
        }
        return count;
    }

    /** Writes {@code truth.csv}: {@value #HEADER}. */
    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>(size() + 1);
        lines.add(HEADER);
        for (int i = 0; i < size(); i++) {
            lines.add(i + "," + kinds[i].name().toLowerCase(java.util.Locale.ROOT) + "," + labels[i] + "," + groups[i]
                    + "," + sources[i]);
        }
        Files.write(file, lines);
    }

    /** Reads a file written by {@link #write}. */
    public static PoolTruth read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + ": not a pool ground-truth file (expected header " + HEADER + ")");
        }
        int n = lines.size() - 1;
        PoolItemKind[] kinds = new PoolItemKind[n];
        int[] labels = new int[n];
        int[] groups = new int[n];
        int[] sources = new int[n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i + 1).split(",");
            if (f.length != 5 || Integer.parseInt(f[0]) != i) {
                throw new IOException(file + ": bad row " + (i + 2) + ": " + lines.get(i + 1));
            }
            kinds[i] = PoolItemKind.valueOf(f[1].toUpperCase(java.util.Locale.ROOT));
            labels[i] = Integer.parseInt(f[2]);
            groups[i] = Integer.parseInt(f[3]);
            sources[i] = Integer.parseInt(f[4]);
        }
        return new PoolTruth(kinds, labels, groups, sources);
    }
}
