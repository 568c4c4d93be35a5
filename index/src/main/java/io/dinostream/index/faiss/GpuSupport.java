package io.dinostream.index.faiss;

import io.dinostream.index.faiss.gpu.FaissGpu;
import org.bytedeco.javacpp.BytePointer;

/**
 * Whether this process can put FAISS indexes on a GPU: the GPU JNI library ({@link FaissGpu}, built only
 * by the Maven profile {@code gpu}) loads and CUDA sees at least one device. Asked once per process;
 * the answer carries its reason, so "why is my index on the CPU?" has one.
 */
public final class GpuSupport {
    /** The answer: usable devices (0 when unavailable) and why not, or which device. */
    public record Status(boolean available, int devices, String reason) {}

    private static volatile Status status;

    private GpuSupport() {}

    /** The cached answer; the first call loads the native libraries. */
    public static Status status() {
        Status known = status;
        if (known == null) {
            synchronized (GpuSupport.class) {
                known = status;
                if (known == null) {
                    known = probe();
                    status = known;
                }
            }
        }
        return known;
    }

    public static boolean available() {
        return status().available();
    }

    private static Status probe() {
        FaissNative.load(); // the CPU half first: the GPU half's indexes come from it
        int devices;
        try {
            devices = FaissGpu.device_count();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new Status(
                    false,
                    0,
                    "this build has no GPU FAISS library (jnidinostreamfaissgpu; Maven profile 'gpu', see"
                            + " docs/index.md): " + e.getMessage());
        }
        if (devices == 0) {
            return new Status(false, 0, "the GPU FAISS library loaded, but CUDA sees no device");
        }
        return new Status(true, devices, devices + " CUDA device(s), the first: " + deviceName(0));
    }

    /** The name CUDA gives a device, e.g. "NVIDIA H200"; "unknown" if it cannot say. */
    static String deviceName(int device) {
        try (BytePointer name = new BytePointer(256)) {
            return FaissGpu.device_name(device, name, 256) ? untilNul(name.getString()) : "unknown";
        }
    }

    /** A C string read with its whole buffer: the text before the first NUL. */
    static String untilNul(String buffer) {
        int nul = buffer.indexOf('\0');
        return nul < 0 ? buffer : buffer.substring(0, nul);
    }
}
