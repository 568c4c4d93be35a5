package io.dinostream.index.faiss;

import java.util.Locale;

/**
 * Where an index searches: {@link #CPU}, {@link #GPU} (fails if none is usable), or {@link #AUTO} (the
 * GPU when {@link GpuSupport} finds one, else the CPU). Writes, range searches and snapshots always run on
 * the CPU index, which stays the truth; see {@link GpuReplica}.
 */
public enum IndexDevice {
    CPU,
    GPU,
    AUTO;

    /** Parses {@code cpu}, {@code gpu} or {@code auto}, in any case. */
    public static IndexDevice parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("index device must be cpu, gpu or auto, got '" + text + "'", e);
        }
    }

    /**
     * Whether searches go to the GPU.
     *
     * @throws IllegalStateException for {@link #GPU} when no GPU is usable, with the reason
     */
    public boolean useGpu() {
        return switch (this) {
            case CPU -> false;
            case AUTO -> GpuSupport.available();
            case GPU -> {
                GpuSupport.Status status = GpuSupport.status();
                if (!status.available()) {
                    throw new IllegalStateException("index device 'gpu' asked for, but " + status.reason());
                }
                yield true;
            }
        };
    }
}
