package io.dinostream.api.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.api.ApiServerOptions;
import io.dinostream.api.ApiServices;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.StoredImage;
import io.dinostream.ingest.ImageSink;
import io.dinostream.ingest.ImageSubmission;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document served at {@code /openapi.json} names every public route the router serves, with
 * its method, and nothing the router does not serve (the cluster-internal routes are left out).
 */
class OpenApiDocumentTest {
    @Test
    void theDocumentListsExactlyTheRoutesTheServerServes() {
        Vertx vertx = Vertx.vertx();
        try {
            ApiServerImpl.StaticFiles files = ApiServerImpl.prepare();
            JsonObject doc = new JsonObject(files.openApi());
            assertTrue(doc.getString("openapi").startsWith("3."), doc.getString("openapi"));

            WorkerExecutor worker = vertx.createSharedWorkerExecutor("openapi-test", 1);
            // The served document must also load as the validation contract of every request.
            OpenApiGate gate = OpenApiGate.load(vertx, files.openApi()).await();
            ApiServices services = ApiServices.search(new NoModel(), new NoIndex())
                    .withIngest(new NoSink())
                    .withModels(new io.dinostream.api.InMemoryModelAdminDouble());
            Router router = new ApiRoutes(new ApiServerOptions("127.0.0.1", 0, 1, 1024), services, worker, files, gate)
                    .router(vertx);
            Set<String> served = new TreeSet<>();
            for (Route route : router.getRoutes()) {
                if (route.getPath() == null
                        || route.methods() == null
                        || route.methods().isEmpty()) {
                    continue; // catch-alls and the 405 answers
                }
                if (route.getPath().startsWith("/internal/")) {
                    continue;
                }
                for (HttpMethod method : route.methods()) {
                    served.add(method.name() + " " + route.getPath().replaceAll(":([a-z]+)", "{$1}"));
                }
            }
            Set<String> documented = new TreeSet<>();
            JsonObject paths = doc.getJsonObject("paths");
            for (String path : paths.fieldNames()) {
                for (String method : paths.getJsonObject(path).fieldNames()) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
            assertEquals(served, documented);
        } finally {
            vertx.close().await();
        }
    }

    /** TEST DOUBLES: never called; the test only builds the router. */
    private static final class NoModel implements ImageEmbedder {
        @Override
        public EmbeddingSpec spec() {
            return new EmbeddingSpec("none", "1", 3, "cls", "l2");
        }

        @Override
        public List<EmbedOutcome> embed(List<byte[]> images) {
            throw new UnsupportedOperationException("not called");
        }

        @Override
        public void close() {}
    }

    private static final class NoIndex implements ImageIndexReader {
        @Override
        public long size() {
            return 0;
        }

        @Override
        public List<SearchHit> search(float[] query, int k) {
            return List.of();
        }

        @Override
        public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
            return List.of();
        }

        @Override
        public Optional<StoredImage> get(String id) {
            return Optional.empty();
        }
    }

    private static final class NoSink implements ImageSink {
        @Override
        public CompletableFuture<Void> publish(ImageSubmission image) {
            throw new UnsupportedOperationException("not called");
        }

        @Override
        public CompletableFuture<Void> delete(String id) {
            throw new UnsupportedOperationException("not called");
        }
    }
}
