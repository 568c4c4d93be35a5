package io.dinostream.trainer.curate.vectors;

/**
 * Some rows of another source, in ascending order: what the earlier curation steps kept. Runs of
 * consecutive rows are read from the base source in one call.
 */
public final class SubsetVectors implements VectorSource {
    private final VectorSource base;
    private final int[] rows;

    /** @param rows ascending indices into {@code base} */
    public SubsetVectors(VectorSource base, int[] rows) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= base.size() || (i > 0 && rows[i] <= rows[i - 1])) {
                throw new IllegalArgumentException("rows must be ascending indices into the base source");
            }
        }
        this.base = base;
        this.rows = rows.clone();
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int dimension() {
        return base.dimension();
    }

    @Override
    public void read(int from, int to, float[] into) {
        int dim = dimension();
        int i = from;
        while (i < to) {
            int end = i + 1;
            while (end < to && rows[end] == rows[end - 1] + 1) {
                end++;
            }
            float[] run = base.read(rows[i], rows[end - 1] + 1);
            System.arraycopy(run, 0, into, (i - from) * dim, run.length);
            i = end;
        }
    }
}
