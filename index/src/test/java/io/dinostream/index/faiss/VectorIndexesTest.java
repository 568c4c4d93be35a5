package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.vector.VectorIndex;
import org.junit.jupiter.api.Test;

class VectorIndexesTest {
    @Test
    void flatIsTheExactIndexAndOtherStringsGoToTheFactory() {
        try (VectorIndex flat = VectorIndexes.create(8, " Flat ", 10)) {
            assertInstanceOf(FaissVectorIndex.class, flat);
        }
        try (VectorIndex hnsw = VectorIndexes.create(8, "HNSW16", 10)) {
            assertEquals("HNSW16", ((FactoryVectorIndex) hnsw).description());
            assertTrue(((FactoryVectorIndex) hnsw).trained(), "HNSW needs no training");
        }
        try (VectorIndex ivf = VectorIndexes.create(8, "IVF4,PQ2", 10)) {
            assertTrue(!((FactoryVectorIndex) ivf).trained(), "IVF-PQ waits for its training vectors");
        }
    }

    @Test
    void aDescriptionFaissRejectsIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> VectorIndexes.create(8, "NoSuchIndex7", 10));
        assertTrue(e.getMessage().contains("NoSuchIndex7"), e.getMessage());
    }
}
