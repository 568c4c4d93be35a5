package io.dinostream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.model.DinoV2Config;
import org.junit.jupiter.api.Test;

class VitFlopsTest {
    @Test
    void vitS14At224IsAbout12Point2Gflop() {
        // The figure the DINOv2 issue quotes; fvcore counts 6.1 G multiply-adds for ViT-S/14 at 224.
        double gflop = VitFlops.perImage(DinoV2Config.preset("vits14"), 224, 224) / 1e9;
        assertEquals(12.2, gflop, 0.15);
    }

    @Test
    void scalesWithTokensAndCountsTheSwiGluFfn() {
        DinoV2Config small = DinoV2Config.preset("vits14");
        // Four times the patches: the linear parts (~92% at 224) grow 4x, attention (~8%) 16x: about 5x.
        double ratio = VitFlops.perImage(small, 448, 448) / VitFlops.perImage(small, 224, 224);
        assertTrue(ratio > 5.0 && ratio < 5.4, "ratio " + ratio);
        double giant = VitFlops.perImage(DinoV2Config.preset("vitg14"), 224, 224) / 1e9;
        assertTrue(giant > 560 && giant < 620, "ViT-g/14 GFLOP " + giant);
    }

    @Test
    void processMemoryIsReadOnLinux() {
        long rss = ProcessMemory.residentBytes();
        assertTrue(rss > 10L << 20, "RSS " + rss);
        // Not compared with rss: resident memory can shrink between two reads while the kernel's high-water
        // mark is only updated lazily (and some kernels never raise it to the current size).
        assertTrue(ProcessMemory.peakResidentBytes() > 10L << 20);
        assertTrue(ProcessMemory.heapUsedAfterGc() > 0);
    }
}
