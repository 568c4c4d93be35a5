package io.dinostream.index.vector;

/**
 * Per-query knobs of approximate indexes: {@code nprobe} (IVF: inverted lists visited) and {@code
 * efSearch} (HNSW: candidate list size). 0 keeps the index's default. Exact indexes ignore both.
 */
public record SearchParams(int nprobe, int efSearch) {
    public static final SearchParams DEFAULTS = new SearchParams(0, 0);

    public SearchParams {
        if (nprobe < 0 || efSearch < 0) {
            throw new IllegalArgumentException("nprobe and efSearch must be >= 0, got " + nprobe + ", " + efSearch);
        }
    }

    public static SearchParams nprobe(int nprobe) {
        return new SearchParams(nprobe, 0);
    }

    public static SearchParams efSearch(int efSearch) {
        return new SearchParams(0, efSearch);
    }
}
