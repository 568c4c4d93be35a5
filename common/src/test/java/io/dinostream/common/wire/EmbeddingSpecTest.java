package io.dinostream.common.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EmbeddingSpecTest {
    @Test
    void roundTripsThroughHeaders() {
        EmbeddingSpec spec = new EmbeddingSpec("dinov2-vits14", "3fa9c0d1e2b4", 384, "cls", "l2");
        assertEquals(spec, EmbeddingSpec.readFrom(spec.toHeaders()));
    }

    @Test
    void missingOrMalformedHeadersAreWireErrors() {
        assertThrows(WireFormatException.class, () -> EmbeddingSpec.readFrom(new RecordHeaders()));
        RecordHeaders headers = new EmbeddingSpec("m", "v", 8, "cls", "l2").toHeaders();
        headers.remove(Headers.DIMENSION);
        headers.add(Headers.DIMENSION, Headers.utf8("eight"));
        assertThrows(WireFormatException.class, () -> EmbeddingSpec.readFrom(headers));
    }
}
