package io.dinostream.ingest;

import java.io.IOException;

/** An image a source can load on demand, so that listing a large source costs no image reads. */
public interface ImageCandidate {
    /** Where the image comes from, for messages. */
    String source();

    /**
     * Reads the image.
     *
     * @param maxBytes the size limit: larger files are rejected without being read whole
     * @throws RejectedImageException if the image cannot be published (too large, say)
     * @throws IOException if it cannot be read
     */
    ImageSubmission load(int maxBytes) throws RejectedImageException, IOException;
}
