package io.dinostream.index.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.index.StoredImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;

class IndexStoreTest {
    private static final EmbeddingSpec SPEC = new EmbeddingSpec("vit-tiny-demo", "abc123", 3, "cls", "l2");

    @TempDir
    Path dir;

    @Test
    void roundTripSurvivesRestart() {
        try (IndexStore store = IndexStore.open(dir)) {
            assertTrue(store.embeddingSpec().isEmpty());
            try (IndexStore.Batch batch = store.newBatch()) {
                batch.fixEmbeddingSpec(SPEC);
                assertEquals(IndexFormat.FIRST_ID, batch.assignId("a"));
                assertEquals(IndexFormat.FIRST_ID + 1, batch.assignId("b"));
                assertEquals(IndexFormat.FIRST_ID, batch.assignId("a"), "read-your-writes inside a batch");
                batch.putVector("a", new float[] {0.5f, -1f, 2f});
                batch.putVector("b", new float[] {1f, 0f, 0f});
                batch.putImage("a", "image/png", new byte[] {1, 2, 3});
                batch.putMeta("a", new ImageMeta("{\"label\":3}", "file:a.png", 1234L, SPEC.spaceKey()));
                batch.putNextOffset("dinostream.embeddings.v1", 1, 42L);
                batch.write();
            }
            assertEquals(SPEC, store.embeddingSpec().orElseThrow());
        }
        try (IndexStore store = IndexStore.open(dir)) {
            assertEquals(SPEC, store.embeddingSpec().orElseThrow());
            assertEquals(OptionalLong.of(IndexFormat.FIRST_ID), store.numericId("a"));
            assertEquals("b", store.imageId(IndexFormat.FIRST_ID + 1).orElseThrow());
            assertEquals(OptionalLong.of(42L), store.nextOffset("dinostream.embeddings.v1", 1));
            assertTrue(store.nextOffset("dinostream.embeddings.v1", 0).isEmpty());
            StoredImage a = store.get("a").orElseThrow();
            assertEquals("image/png", a.contentType());
            assertArrayEquals(new byte[] {1, 2, 3}, a.bytes());
            assertEquals("{\"label\":3}", a.metadataJson());
            assertEquals("file:a.png", a.source());
            assertEquals(1234L, a.ingestTimeMillis());
            assertArrayEquals(new float[] {0.5f, -1f, 2f}, a.vector());
            StoredImage b = store.get("b").orElseThrow();
            assertNull(b.bytes(), "no image record for b");
            assertEquals("{}", b.metadataJson());
            assertTrue(store.get("c").isEmpty());

            List<String> visited = new ArrayList<>();
            store.forEachVector((id, numericId, vector) -> visited.add(id + "=" + numericId + ":" + vector.length));
            assertEquals(List.of("a=1:3", "b=2:3"), visited);

            // Ids keep counting after a restart and are never reused.
            try (IndexStore.Batch batch = store.newBatch()) {
                batch.releaseId("b");
                batch.deleteVector("b");
                assertEquals(IndexFormat.FIRST_ID + 2, batch.assignId("c"));
                batch.write();
            }
            assertTrue(store.imageId(IndexFormat.FIRST_ID + 1).isEmpty());
            assertTrue(store.numericId("b").isEmpty());
        }
        try (IndexStore store = IndexStore.open(dir)) {
            try (IndexStore.Batch batch = store.newBatch()) {
                assertEquals(IndexFormat.FIRST_ID + 3, batch.assignId("b"));
            }
        }
    }

    @Test
    void unwrittenBatchChangesNothing() {
        try (IndexStore store = IndexStore.open(dir)) {
            try (IndexStore.Batch batch = store.newBatch()) {
                batch.assignId("a");
                batch.putVector("a", new float[] {1, 2, 3});
                batch.fixEmbeddingSpec(SPEC);
            }
            assertTrue(store.get("a").isEmpty());
            assertTrue(store.numericId("a").isEmpty());
            assertTrue(store.embeddingSpec().isEmpty());
            try (IndexStore.Batch batch = store.newBatch()) {
                assertEquals(IndexFormat.FIRST_ID, batch.assignId("a"), "the discarded id is free again");
            }
        }
    }

    @Test
    void oneBatchAtATimeAndTheSpaceIsFixedOnce() {
        try (IndexStore store = IndexStore.open(dir)) {
            try (IndexStore.Batch batch = store.newBatch()) {
                assertThrows(IllegalStateException.class, store::newBatch);
                batch.fixEmbeddingSpec(SPEC);
                assertThrows(IllegalStateException.class, () -> batch.fixEmbeddingSpec(SPEC));
                batch.write();
                assertThrows(IllegalStateException.class, batch::write);
            }
            try (IndexStore.Batch batch = store.newBatch()) {
                assertEquals(SPEC, batch.embeddingSpec().orElseThrow());
            }
        }
    }

    @Test
    void rejectsAFutureFormatVersion() throws Exception {
        try (IndexStore store = IndexStore.open(dir)) {
            assertTrue(store.embeddingSpec().isEmpty());
        }
        setFormatVersion("3");
        IndexStoreException e = assertThrows(IndexStoreException.class, () -> IndexStore.open(dir));
        assertTrue(e.getMessage().contains("format version 3"), e.getMessage());
    }

    @Test
    void upgradesAVersionOneStoreInPlace() throws Exception {
        try (IndexStore store = IndexStore.open(dir)) {
            try (IndexStore.Batch batch = store.newBatch()) {
                batch.fixEmbeddingSpec(SPEC);
                batch.putVector("a", new float[] {1, 2, 3});
                batch.assignId("a");
                batch.write();
            }
        }
        setFormatVersion("1");
        try (IndexStore store = IndexStore.open(dir)) {
            assertArrayEquals(new float[] {1, 2, 3}, store.vector("a").orElseThrow());
            assertTrue(store.latestSnapshot().isEmpty());
            assertEquals(0, store.nextChange());
        }
        try (IndexStore store = IndexStore.open(dir)) {
            assertEquals(2, IndexFormat.VERSION);
            assertArrayEquals(new float[] {1, 2, 3}, store.vector("a").orElseThrow(), "version 2 now");
        }
    }

    /** Rewrites the stored format version with plain RocksDB, as another build would have written it. */
    private void setFormatVersion(String version) throws Exception {
        List<org.rocksdb.ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new org.rocksdb.ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (String name : IndexFormat.COLUMN_FAMILIES) {
            descriptors.add(new org.rocksdb.ColumnFamilyDescriptor(IndexFormat.utf8(name)));
        }
        List<org.rocksdb.ColumnFamilyHandle> handles = new ArrayList<>();
        try (org.rocksdb.DBOptions options = new org.rocksdb.DBOptions();
                RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
            db.put(handles.get(1), IndexFormat.utf8(IndexFormat.INFO_FORMAT_VERSION), IndexFormat.utf8(version));
            handles.forEach(org.rocksdb.ColumnFamilyHandle::close);
        }
    }

    @Test
    void snapshotsSpanChunksAndOnlyTheNewestIsKept() throws Exception {
        byte[] first = randomBytes(1, IndexFormat.SNAPSHOT_CHUNK_BYTES * 2 + 12_345);
        byte[] second = randomBytes(2, 1000);
        try (IndexStore store = IndexStore.open(dir)) {
            assertTrue(store.latestSnapshot().isEmpty());
            logChanges(store, 10, 11, 12);
            SnapshotManifest one;
            try (IndexStore.SnapshotOutput out = store.newSnapshot()) {
                out.write(first, 0, 10);
                out.write(first[10]);
                out.write(first, 11, first.length - 11);
                one = out.commit("HNSW32", 3, 7, store.nextChange(), Map.of("t:0", 5L));
            }
            assertEquals(3, one.chunks());
            assertEquals(first.length, one.bytes());
            assertEquals(one, store.latestSnapshot().orElseThrow());
            assertArrayEquals(first, readAll(store, one));
            List<Long> remaining = new ArrayList<>();
            store.forEachChangeSince(0, remaining::add);
            assertEquals(List.of(), remaining, "changes covered by the snapshot are deleted");

            logChanges(store, 13);
            try (IndexStore.SnapshotOutput out = store.newSnapshot()) {
                out.write(second);
                out.commit("HNSW32", 3, 8, store.nextChange() - 1, Map.of("t:0", 6L));
            }
            SnapshotManifest two = store.latestSnapshot().orElseThrow();
            assertEquals(one.number() + 1, two.number());
            assertEquals(Map.of("t:0", 6L), two.offsets());
            assertArrayEquals(second, readAll(store, two));
            assertEquals(1, store.snapshotChunkCount(), "the older snapshot's chunks are gone");
            remaining.clear();
            store.forEachChangeSince(0, remaining::add);
            assertEquals(List.of(13L), remaining, "the change after the snapshot stays");
        }
    }

    @Test
    void anInterruptedSnapshotLeavesTheCommittedOneAndNoDebris() throws Exception {
        byte[] committed = randomBytes(3, 5000);
        IndexStore store = IndexStore.open(dir);
        try {
            try (IndexStore.SnapshotOutput out = store.newSnapshot()) {
                out.write(committed);
                out.commit("Flat", 3, 1, 0, Map.of());
            }
            // A writer that dies after two chunks: its output is never closed.
            IndexStore.SnapshotOutput dying = store.newSnapshot();
            dying.write(randomBytes(4, IndexFormat.SNAPSHOT_CHUNK_BYTES * 2 + 1));
            assertEquals(3, store.snapshotChunkCount());
        } finally {
            store.close();
        }
        try (IndexStore reopened = IndexStore.open(dir)) {
            SnapshotManifest latest = reopened.latestSnapshot().orElseThrow();
            assertArrayEquals(committed, readAll(reopened, latest));
            assertEquals(1, reopened.snapshotChunkCount(), "the dead writer's chunks are deleted at open");
        }
    }

    @Test
    void aSnapshotWithAMissingChunkFailsToRead() throws Exception {
        try (IndexStore store = IndexStore.open(dir)) {
            SnapshotManifest manifest;
            try (IndexStore.SnapshotOutput out = store.newSnapshot()) {
                out.write(randomBytes(5, 100));
                manifest = out.commit("Flat", 3, 1, 0, Map.of());
            }
            SnapshotManifest lying = new SnapshotManifest(
                    manifest.number(), "Flat", 3, 1, 100, 2, 0, Map.of(), manifest.createdMillis());
            IOException e = assertThrows(IOException.class, () -> readAll(store, lying));
            assertTrue(e.getMessage().contains("lacks chunk 1"), e.getMessage());
        }
    }

    private static void logChanges(IndexStore store, long... ids) {
        try (IndexStore.Batch batch = store.newBatch()) {
            for (long id : ids) {
                batch.logChange(id);
            }
            batch.write();
        }
    }

    private static byte[] readAll(IndexStore store, SnapshotManifest manifest) throws IOException {
        try (InputStream in = store.openSnapshot(manifest)) {
            return in.readAllBytes();
        }
    }

    private static byte[] randomBytes(long seed, int n) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void closeIsIdempotentAndReadsAfterCloseFail() {
        IndexStore store = IndexStore.open(dir);
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.get("a"));
        // The directory lock is released: it can be opened again.
        try (IndexStore again = IndexStore.open(dir)) {
            assertTrue(again.embeddingSpec().isEmpty());
        }
    }

    @Test
    void metadataMustBeAJsonObject() {
        assertEquals("{\"a\":1}", IndexStore.requireJsonObject(" {\"a\": 1} "));
        assertThrows(IllegalArgumentException.class, () -> IndexStore.requireJsonObject("[1]"));
        assertThrows(IllegalArgumentException.class, () -> IndexStore.requireJsonObject("{oops"));
    }
}
