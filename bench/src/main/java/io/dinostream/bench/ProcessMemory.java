package io.dinostream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory of this process as Linux reports it ({@code /proc/self/status}): everything, Java heap
 * and native (libtorch, FAISS, RocksDB) alike. Linux only; elsewhere the values are -1.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** Current resident set size in bytes ({@code VmRSS}), or -1. */
    public static long residentBytes() {
        return statusKilobytes("VmRSS:") * 1024;
    }

    /** Peak resident set size in bytes since start or the last {@link #resetPeak()} ({@code VmHWM}), or -1. */
    public static long peakResidentBytes() {
        // The kernel updates the high-water mark lazily (on unmap, exit and the like), so it can lag
        // behind the current size; the peak is at least what is resident now.
        long hwm = statusKilobytes("VmHWM:");
        long rss = statusKilobytes("VmRSS:");
        return hwm < 0 ? -1 : Math.max(hwm, rss) * 1024;
    }

    /**
     * Resets the peak to the current size (writes 5 to {@code /proc/self/clear_refs}).
     *
     * @return false if the kernel does not allow it; the peak then counts from the process start
     */
    public static boolean resetPeak() {
        if (!Files.isWritable(CLEAR_REFS)) {
            return false;
        }
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Java heap in use after a full collection, in bytes. */
    public static long heapUsedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long statusKilobytes(String key) {
        if (!Files.isReadable(STATUS)) {
            return -1;
        }
        try {
            List<String> lines = Files.readAllLines(STATUS);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS, e);
        }
    }
}
