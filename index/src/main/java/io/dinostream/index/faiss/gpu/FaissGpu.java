package io.dinostream.index.faiss.gpu;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * The GPU functions of our FAISS binding, declared by hand over {@code dinostream_faiss_gpu.h} (the
 * JavaCPP parser cannot read the CUDA runtime's headers that FAISS's GPU headers include). Its JNI
 * library, {@code jnidinostreamfaissgpu}, is built only by the Maven profile {@code gpu}, against a CUDA
 * build of FAISS; without it, loading this class throws {@link UnsatisfiedLinkError} and {@code
 * GpuSupport} reports the GPU as unavailable.
 *
 * <p>Indexes are {@code faiss::Index*} addresses shared with the CPU binding. Every pointer returned here
 * is owned by the caller: indexes are freed with {@link #delete_index}, resources with {@link
 * #delete_resources}.
 */
@Properties(
        value =
                @Platform(
                        compiler = "cpp17",
                        include = "dinostream_faiss_gpu.h",
                        // JavaCPP emits these in reverse: -lfaiss_gpu -lfaiss ... -lblas, so that each
                        // static library comes before the libraries it needs.
                        link = {"blas", "lapack", "gomp", "cublas", "cudart_static", "dl", "rt", "faiss", "faiss_gpu"},
                        library = "jnidinostreamfaissgpu"))
@Namespace("dinostream_gpu")
public final class FaissGpu {
    static {
        Loader.load();
    }

    private FaissGpu() {}

    /** FAISS 1.7.3 on the GPU takes k and nprobe below this (built with CUDA above 9.0). */
    public static final int MAX_K = 2048;

    public static native int device_count();

    public static native @Cast("bool") boolean device_name(int device, @Cast("char*") BytePointer name, int capacity);

    public static native @Cast("faiss::gpu::StandardGpuResources*") Pointer new_resources(long tempMemoryBytes);

    public static native void delete_resources(@Cast("faiss::gpu::StandardGpuResources*") Pointer resources);

    public static native @Cast("bool") boolean has_gpu_version(@Const @Cast("const faiss::Index*") Pointer index);

    public static native @Cast("faiss::Index*") Pointer cpu_to_gpu(
            @Cast("faiss::gpu::StandardGpuResources*") Pointer resources,
            int device,
            @Const @Cast("const faiss::Index*") Pointer index,
            @Cast("bool") boolean float16);

    public static native void add(@Cast("faiss::Index*") Pointer index, long n, @Const FloatPointer x);

    public static native void search(
            @Const @Cast("const faiss::Index*") Pointer index,
            long n,
            @Const FloatPointer x,
            long k,
            FloatPointer distances,
            @Cast("int64_t*") LongPointer labels,
            long nprobe);

    public static native long ntotal(@Const @Cast("const faiss::Index*") Pointer index);

    public static native void delete_index(@Cast("faiss::Index*") Pointer index);
}
