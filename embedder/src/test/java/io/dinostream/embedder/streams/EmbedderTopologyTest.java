package io.dinostream.embedder.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.ModelLane;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.ImageDecodeException;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.RgbImage;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedder topology under {@link TopologyTestDriver}: micro-batches close by size and by linger, a
 * delete follows the waiting images of its id, bad records are dead-lettered with a reason, and a model
 * failure in a batch dead-letters only the image that fails alone. The model is a test double whose
 * vector is the mean colour (real image decoding), so outputs are predictable.
 */
class EmbedderTopologyTest {
    private static final int BATCH = 3;
    private static final Duration LINGER = Duration.ofSeconds(1);

    private MeanColourModel model;
    private EmbedderMetrics metrics;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> images;
    private TestOutputTopic<byte[], byte[]> embeddings;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        model = new MeanColourModel();
        metrics = new EmbedderMetrics();
        StreamsBuilder builder = new StreamsBuilder();
        EmbedderTopology.build(builder, new EmbedderTopology.Options(BATCH, LINGER), model, metrics);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "embedder-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), props);
        images = driver.createInputTopic(Topics.IMAGES, new ByteArraySerializer(), new ByteArraySerializer());
        embeddings =
                driver.createOutputTopic(Topics.EMBEDDINGS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters =
                driver.createOutputTopic(Topics.DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void batchesCloseBySizeAndByLinger() {
        images.pipeInput(image("a", Color.RED));
        images.pipeInput(image("b", Color.GREEN));
        assertTrue(embeddings.isEmpty(), "two images wait for a third or for the linger");
        driver.advanceWallClockTime(LINGER);
        List<TestRecord<byte[], byte[]>> first = embeddings.readRecordsToList();
        assertEquals(List.of("a", "b"), keys(first));
        images.pipeInput(image("c", Color.BLUE));
        images.pipeInput(image("d", Color.RED));
        images.pipeInput(image("e", Color.GREEN));
        assertEquals(List.of("c", "d", "e"), keys(embeddings.readRecordsToList()), "a full batch runs at once");
        assertEquals(List.of(2, 3), model.batchSizes);

        TestRecord<byte[], byte[]> a = first.get(0);
        assertArrayEquals(MeanColourModel.vector(Color.RED), VectorCodec.decode(a.value()), 1e-6f);
        assertEquals(MeanColourModel.SPEC, EmbeddingSpec.readFrom(a.headers()));
        assertEquals(
                "{\"colour\":\"a\"}",
                Headers.lastString(a.headers(), Headers.METADATA).orElseThrow());
        assertEquals("test:a", Headers.lastString(a.headers(), Headers.SOURCE).orElseThrow());
        assertEquals(5, metrics.embedded());
        assertEquals(2, metrics.batches());
    }

    @Test
    void aVersionLaneWritesToItsOwnEmbeddingsTopicAndBadRecordsStillToTheDeadLetters() {
        ModelLane lane = ModelLane.of("0123456789ab");
        StreamsBuilder builder = new StreamsBuilder();
        EmbedderTopology.build(builder, new EmbedderTopology.Options(1, LINGER), lane, model, metrics);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, lane.embedderApplicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver laneDriver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<byte[], byte[]> in =
                    laneDriver.createInputTopic(Topics.IMAGES, new ByteArraySerializer(), new ByteArraySerializer());
            in.pipeInput(image("a", Color.RED));
            in.pipeInput("../x".getBytes(StandardCharsets.UTF_8), png(Color.RED));
            TestOutputTopic<byte[], byte[]> laneOut = laneDriver.createOutputTopic(
                    "dinostream.embeddings.v1.0123456789ab", new ByteArrayDeserializer(), new ByteArrayDeserializer());
            assertEquals(List.of("a"), keys(laneOut.readRecordsToList()));
            assertEquals(
                    1,
                    laneDriver
                            .createOutputTopic(
                                    Topics.DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                            .readRecordsToList()
                            .size());
            assertTrue(
                    laneDriver.producedTopicNames().stream().noneMatch(Topics.EMBEDDINGS::equals),
                    "nothing goes to the default lane: " + laneDriver.producedTopicNames());
        }
    }

    @Test
    void aDeleteFollowsTheWaitingImagesOfItsId() {
        images.pipeInput(image("a", Color.RED));
        images.pipeInput("a".getBytes(StandardCharsets.UTF_8), (byte[]) null);
        List<TestRecord<byte[], byte[]>> out = embeddings.readRecordsToList();
        assertEquals(List.of("a", "a"), keys(out));
        assertTrue(out.get(0).value() != null, "first the embedding");
        assertNull(out.get(1).value(), "then the delete");
    }

    @Test
    void badRecordsAreDeadLetteredWithTheirReasonAndTheRestIsEmbedded() {
        images.pipeInput(
                new TestRecord<>("../x".getBytes(StandardCharsets.UTF_8), png(Color.RED), new RecordHeaders()));
        RecordHeaders base64 = new RecordHeaders();
        base64.add(Headers.CONTENT_TRANSFER_ENCODING, Headers.utf8("base64"));
        images.pipeInput(new TestRecord<>(
                "b64-bad".getBytes(StandardCharsets.UTF_8), "***".getBytes(StandardCharsets.US_ASCII), base64));
        images.pipeInput(new TestRecord<>(
                "b64-good".getBytes(StandardCharsets.UTF_8), Base64.getEncoder().encode(png(Color.BLUE)), base64));
        byte[] corrupt = png(Color.RED);
        corrupt = java.util.Arrays.copyOf(corrupt, 40);
        images.pipeInput(new TestRecord<>("corrupt".getBytes(StandardCharsets.UTF_8), corrupt, new RecordHeaders()));
        driver.advanceWallClockTime(LINGER);

        assertEquals(List.of("b64-good"), keys(embeddings.readRecordsToList()));
        List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
        assertEquals(List.of("../x", "b64-bad", "corrupt"), keys(letters));
        assertReason(letters.get(0), "invalid image id");
        assertReason(letters.get(1), "base64");
        assertTrue(
                Headers.lastString(letters.get(2).headers(), Headers.DLQ_REASON)
                                .orElseThrow()
                                .length()
                        > 5,
                "a decode failure says why");
        assertEquals(3, metrics.deadLettered());
    }

    @Test
    void aModelFailureDeadLettersOnlyTheImageThatFailsAlone() {
        images.pipeInput(image("good-1", Color.RED));
        images.pipeInput(image("poison", MeanColourModel.POISON));
        images.pipeInput(image("good-2", Color.BLUE));
        assertEquals(List.of("good-1", "good-2"), keys(embeddings.readRecordsToList()));
        List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
        assertEquals(List.of("poison"), keys(letters));
        assertReason(letters.get(0), "engine crashed");
        assertEquals(EmbedProcessor.RETRIES, metrics.retries(), "the batch was retried before splitting");
    }

    @Test
    void anEngineOutageStopsTheTaskInsteadOfDeadLetteringEverything() {
        model.down = true;
        images.pipeInput(image("a", Color.RED));
        images.pipeInput(image("b", Color.GREEN));
        org.apache.kafka.streams.errors.StreamsException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.kafka.streams.errors.StreamsException.class, () -> images.pipeInput(image("c", Color.BLUE)));
        assertTrue(String.valueOf(e.getCause()).contains("engine outage"), String.valueOf(e.getCause()));
        assertTrue(deadLetters.isEmpty(), "nothing dead-lettered during an outage");
        assertTrue(embeddings.isEmpty());
    }

    private static void assertReason(TestRecord<byte[], byte[]> letter, String part) {
        assertEquals(
                "embedder",
                Headers.lastString(letter.headers(), Headers.DLQ_STAGE).orElseThrow());
        String reason = Headers.lastString(letter.headers(), Headers.DLQ_REASON).orElseThrow();
        assertTrue(reason.contains(part), reason);
    }

    private static List<String> keys(List<TestRecord<byte[], byte[]>> records) {
        List<String> keys = new ArrayList<>();
        records.forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        return keys;
    }

    private static TestRecord<byte[], byte[]> image(String id, Color colour) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.METADATA, Headers.utf8("{\"colour\":\"" + id + "\"}"));
        headers.add(Headers.SOURCE, Headers.utf8("test:" + id));
        return new TestRecord<>(id.getBytes(StandardCharsets.UTF_8), png(colour), headers);
    }

    static byte[] png(Color colour) {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, colour.getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * TEST DOUBLE, not a model: the vector is the normalised mean colour of the decoded image (real
     * decoding, so corrupt bytes fail as with the real model); a batch holding the {@link #POISON} colour
     * makes the whole call throw, as an engine failure would.
     */
    static final class MeanColourModel implements ImageEmbedder {
        static final EmbeddingSpec SPEC = new EmbeddingSpec("test-mean-colour", "1", 3, "cls", "l2");
        static final Color POISON = new Color(13, 13, 13);
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        /** When true every call throws: the engine is down. */
        volatile boolean down;

        private final ImageDecoder decoder = new ImageDecoder();

        @Override
        public EmbeddingSpec spec() {
            return SPEC;
        }

        @Override
        public List<EmbedOutcome> embed(List<byte[]> batch) {
            batchSizes.add(batch.size());
            if (down) {
                throw new IllegalStateException("engine down");
            }
            List<EmbedOutcome> outcomes = new ArrayList<>();
            for (byte[] bytes : batch) {
                try {
                    RgbImage image = decoder.decode(bytes);
                    if ((image.rgb()[0] & 0xFF) == POISON.getRed()) {
                        throw new IllegalStateException("engine crashed");
                    }
                    outcomes.add(EmbedOutcome.success(
                            vector(new Color(image.rgb()[0] & 0xFF, image.rgb()[1] & 0xFF, image.rgb()[2] & 0xFF))));
                } catch (ImageDecodeException e) {
                    outcomes.add(EmbedOutcome.failure(e));
                }
            }
            return outcomes;
        }

        static float[] vector(Color colour) {
            double r = colour.getRed() + 1;
            double g = colour.getGreen() + 1;
            double b = colour.getBlue() + 1;
            double norm = Math.sqrt(r * r + g * g + b * b);
            return new float[] {(float) (r / norm), (float) (g / norm), (float) (b / norm)};
        }

        @Override
        public void close() {}
    }
}
