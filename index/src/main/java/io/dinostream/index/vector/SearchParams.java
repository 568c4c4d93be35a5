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

    /**
     * Parses {@code nprobe=16,efSearch=128} (either, both or none, in any order).
     *
     * @throws IllegalArgumentException naming a malformed pair or an unknown key
     */
    public static SearchParams parse(String spec) {
        int nprobe = 0;
        int efSearch = 0;
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("expected key=value pairs, got '" + pair + "'");
            }
            int value;
            try {
                value = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(kv[0] + " needs an integer, got '" + kv[1] + "'", e);
            }
            switch (kv[0].trim()) {
                case "nprobe" -> nprobe = value;
                case "efSearch" -> efSearch = value;
                default -> throw new IllegalArgumentException(
                        "unknown search parameter '" + kv[0] + "': nprobe or efSearch");
            }
        }
        return new SearchParams(nprobe, efSearch);
    }

    public static SearchParams nprobe(int nprobe) {
        return new SearchParams(nprobe, 0);
    }

    public static SearchParams efSearch(int efSearch) {
        return new SearchParams(0, efSearch);
    }
}
