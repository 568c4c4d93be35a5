package io.dinostream.common.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A lane's Kafka names: the default lane keeps the names deployments already have. */
class ModelLaneTest {
    @Test
    void theDefaultLaneKeepsTheOriginalNamesAndAVersionLaneAddsItsId() {
        assertEquals(Topics.EMBEDDINGS, ModelLane.DEFAULT.embeddingsTopic());
        assertEquals("dinostream-embedder", ModelLane.DEFAULT.embedderApplicationId());
        assertEquals("dinostream-index", ModelLane.DEFAULT.indexApplicationId());
        assertEquals("streams-index", ModelLane.DEFAULT.stateDirectory("index"));
        ModelLane lane = ModelLane.of("56a0ac10c3c8");
        assertEquals("dinostream.embeddings.v1.56a0ac10c3c8", lane.embeddingsTopic());
        assertEquals("dinostream-embedder-56a0ac10c3c8", lane.embedderApplicationId());
        assertEquals("dinostream-index-56a0ac10c3c8", lane.indexApplicationId());
        assertEquals("streams-embedder-56a0ac10c3c8", lane.stateDirectory("embedder"));
        assertTrue(Topics.isEmbeddings(lane.embeddingsTopic()));
        assertTrue(Topics.isEmbeddings(Topics.EMBEDDINGS));
        assertFalse(Topics.isEmbeddings(Topics.IMAGES));
        assertFalse(Topics.isEmbeddings("dinostream.embeddings.v10"));
        assertThrows(IllegalArgumentException.class, () -> ModelLane.of("../etc"));
    }
}
