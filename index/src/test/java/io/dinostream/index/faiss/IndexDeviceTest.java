package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.index.streams.IndexTopology;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.index.worker.IndexWorkerOptions;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;

/** Choosing the device; without a GPU (as in CI) every choice must end on the CPU or say why not. */
class IndexDeviceTest {
    static boolean gpuPresent() {
        return GpuSupport.available();
    }

    @Test
    void aDeviceNameEndsAtItsFirstNul() {
        // CUDA fills a fixed buffer; the rest of it is NULs, which must not reach logs and reasons.
        assertEquals("NVIDIA H200", GpuSupport.untilNul("NVIDIA H200\0\0\0\0"));
        assertEquals("no terminator", GpuSupport.untilNul("no terminator"));
    }

    @Test
    void parsesTheThreeChoicesInAnyCase() {
        assertEquals(IndexDevice.CPU, IndexDevice.parse("cpu"));
        assertEquals(IndexDevice.GPU, IndexDevice.parse(" GPU "));
        assertEquals(IndexDevice.AUTO, IndexDevice.parse("Auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IndexDevice.parse("tpu"));
        assertTrue(e.getMessage().contains("cpu, gpu or auto"), e.getMessage());
    }

    @Test
    void bothEnginesReadIndexDeviceFromTheConfiguration() {
        DinostreamConfig defaults = new DinostreamConfig(Map.of(DinostreamConfig.BOOTSTRAP_SERVERS, "localhost:1"));
        assertEquals(IndexDevice.AUTO, IndexWorkerOptions.fromConfig(defaults).device());
        assertEquals(
                IndexDevice.AUTO, IndexTopology.Options.fromConfig(defaults).device());
        DinostreamConfig cpu = new DinostreamConfig(
                Map.of(DinostreamConfig.BOOTSTRAP_SERVERS, "localhost:1", DinostreamConfig.INDEX_DEVICE, "cpu"));
        assertEquals(IndexDevice.CPU, IndexWorkerOptions.fromConfig(cpu).device());
        assertEquals(IndexDevice.CPU, IndexTopology.Options.fromConfig(cpu).device());
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new DinostreamConfig(Map.of(
                        DinostreamConfig.BOOTSTRAP_SERVERS, "localhost:1", DinostreamConfig.INDEX_DEVICE, "tpu")));
        assertTrue(e.getMessage().contains("index.device"), e.getMessage());
    }

    @Test
    void theCpuNeverTouchesTheGpu() {
        assertFalse(IndexDevice.CPU.useGpu());
        try (VectorIndex index =
                VectorIndexes.create(8, "Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, 1, IndexDevice.CPU)) {
            assertTrue(index instanceof FaissVectorIndex);
        }
    }

    @Test
    @DisabledIf("gpuPresent")
    void withoutAGpuAutoRunsOnTheCpuAndGpuSaysWhy() {
        GpuSupport.Status status = GpuSupport.status();
        assertFalse(status.available());
        assertEquals(0, status.devices());
        assertFalse(IndexDevice.AUTO.useGpu());
        try (VectorIndex index =
                VectorIndexes.create(8, "Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, 1, IndexDevice.AUTO)) {
            assertTrue(index instanceof FaissVectorIndex, "auto falls back to the CPU's exact index");
            assertSame(index, VectorIndexes.onDevice(index, IndexDevice.AUTO));
        }
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> VectorIndexes.create(8, "Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, 1, IndexDevice.GPU));
        assertTrue(e.getMessage().contains("index device 'gpu'"), e.getMessage());
        assertTrue(e.getMessage().contains(status.reason()), e.getMessage());
    }
}
