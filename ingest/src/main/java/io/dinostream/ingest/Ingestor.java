package io.dinostream.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;

/**
 * Publishes a list of candidates, collecting what was rejected and why, and waits until every published
 * image is acknowledged by Kafka.
 */
public final class Ingestor {
    private final ImagePublisher publisher;
    private final int maxBytes;

    public Ingestor(ImagePublisher publisher, int maxBytes) {
        this.publisher = publisher;
        this.maxBytes = maxBytes;
    }

    /**
     * What an ingest run did.
     *
     * @param publishedIds ids acknowledged by Kafka, in input order
     * @param rejections one message per image that was not published
     */
    public record Report(List<String> publishedIds, List<String> rejections) {
        public int published() {
            return publishedIds.size();
        }
    }

    /**
     * Publishes every candidate.
     *
     * @param progress called with the number of candidates handled so far
     * @throws IOException if Kafka did not acknowledge an image (nothing is silently lost)
     */
    public Report ingest(List<? extends ImageCandidate> candidates, IntConsumer progress) throws IOException {
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<Void>> acknowledgements = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        int handled = 0;
        for (ImageCandidate candidate : candidates) {
            try {
                ImageSubmission image = candidate.load(maxBytes);
                acknowledgements.add(publisher.publish(image));
                ids.add(image.id());
            } catch (RejectedImageException e) {
                rejections.add(e.getMessage());
            } catch (IOException e) {
                rejections.add(candidate.source() + ": cannot read: " + e.getMessage());
            }
            progress.accept(++handled);
        }
        publisher.flush();
        for (int i = 0; i < acknowledgements.size(); i++) {
            try {
                acknowledgements.get(i).get();
            } catch (ExecutionException e) {
                throw new IOException(
                        "Kafka did not acknowledge image " + ids.get(i) + ": "
                                + e.getCause().getMessage(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Kafka acknowledgements", e);
            }
        }
        return new Report(List.copyOf(ids), List.copyOf(rejections));
    }
}
