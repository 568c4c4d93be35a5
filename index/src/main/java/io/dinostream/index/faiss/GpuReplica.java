package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.gpu.FaissGpu;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A GPU copy of one CPU FAISS index, kept in step lazily and used for its k-NN searches. The CPU index
 * stays the truth (writes, range search, snapshots); the copy has the same labels, so callers map
 * results exactly as they would the CPU index's.
 *
 * <p>Keeping in step, at each search: a CPU index of another generation (rebuilt or retrained) is copied
 * whole ({@code index_cpu_to_gpu}); one that only grew gets just its new rows added on the GPU. Removals
 * need nothing: callers drop removed labels from results, as on the CPU.
 *
 * <p>Searches the GPU cannot run go to the CPU instead (the caller's fallback): an index type FAISS has no
 * GPU version of (HNSW), a k or nprobe of {@link FaissGpu#MAX_K} or more, or a copy FAISS refused (logged once
 * per generation, with FAISS's reason).
 *
 * <p>Searches are serialised here (the copy is updated inside them). Native memory: the copy and FAISS's
 * GPU resources are owned here and freed by {@link #close()}.
 */
final class GpuReplica implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GpuReplica.class);

    /** The rows of labels {@code [from, to)} of the CPU index, row-major. */
    @FunctionalInterface
    interface Rows {
        float[] get(int from, int to);
    }

    private final int device;
    private final boolean float16;
    private Pointer resources;
    private Pointer copy;
    private long copyGeneration = -1;
    private long refusedGeneration = -1;

    private GpuReplica(int device, boolean float16, Pointer resources) {
        this.device = device;
        this.float16 = float16;
        this.resources = resources;
    }

    /**
     * GPU resources on {@code device}; the copy is made at the first search.
     *
     * @param float16 store IVF-PQ lookup tables and IVF-Flat vectors in half precision
     * @throws IllegalStateException if no GPU is usable
     */
    static GpuReplica open(int device, boolean float16) {
        GpuSupport.Status status = GpuSupport.status();
        if (!status.available()) {
            throw new IllegalStateException("cannot search on a GPU: " + status.reason());
        }
        if (device < 0 || device >= status.devices()) {
            throw new IllegalArgumentException("no CUDA device " + device + " (" + status.devices() + " present)");
        }
        return new GpuReplica(device, float16, FaissGpu.new_resources(-1));
    }

    /**
     * Searches the GPU copy of {@code cpu}, bringing it in step first.
     *
     * @param generation changes whenever {@code cpu} is replaced by another index
     * @return false if the GPU cannot run this search: the caller searches the CPU index instead
     */
    synchronized boolean search(
            FaissIndex cpu,
            long generation,
            Rows rows,
            long n,
            FloatPointer x,
            int k,
            FloatPointer distances,
            LongPointer labels,
            long nprobe) {
        if (resources == null) {
            throw new IllegalStateException("GPU replica is closed");
        }
        if (k >= FaissGpu.MAX_K || nprobe >= FaissGpu.MAX_K || generation == refusedGeneration) {
            return false;
        }
        if (!inStep(cpu, generation, rows)) {
            return false;
        }
        FaissGpu.search(copy, n, x, k, distances, labels, nprobe);
        return true;
    }

    /** Whether the copy now mirrors {@code cpu}; false if the GPU cannot hold this index. */
    private boolean inStep(FaissIndex cpu, long generation, Rows rows) {
        long cpuTotal = cpu.ntotal();
        if (copy != null && copyGeneration == generation) {
            long gpuTotal = FaissGpu.ntotal(copy);
            if (gpuTotal == cpuTotal) {
                return true;
            }
            if (gpuTotal < cpuTotal) {
                float[] added = rows.get(Math.toIntExact(gpuTotal), Math.toIntExact(cpuTotal));
                try (FloatPointer x = new FloatPointer(added)) {
                    FaissGpu.add(copy, cpuTotal - gpuTotal, x);
                }
                return true;
            }
        }
        dropCopy();
        if (!FaissGpu.has_gpu_version(cpu)) {
            refuse(generation, "FAISS 1.7.3 has no GPU version of this index type");
            return false;
        }
        try {
            copy = FaissGpu.cpu_to_gpu(resources, device, cpu, float16);
        } catch (RuntimeException e) {
            refuse(generation, e.getMessage());
            return false;
        }
        copyGeneration = generation;
        return true;
    }

    private void refuse(long generation, String reason) {
        refusedGeneration = generation;
        LOG.warn("searching this index on the CPU: it cannot go to GPU {}: {}", device, reason);
    }

    private void dropCopy() {
        if (copy != null) {
            FaissGpu.delete_index(copy);
            copy = null;
            copyGeneration = -1;
        }
    }

    /** Whether a GPU copy exists now (for tests and metrics). */
    synchronized boolean holdsCopy() {
        return copy != null;
    }

    @Override
    public synchronized void close() {
        dropCopy();
        if (resources != null) {
            FaissGpu.delete_resources(resources);
            resources = null;
        }
    }
}
