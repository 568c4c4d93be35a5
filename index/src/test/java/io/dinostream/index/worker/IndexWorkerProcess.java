package io.dinostream.index.worker;

import io.dinostream.common.config.DinostreamConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * The index role alone in its own JVM, for {@link IndexCrashTest}: {@code IndexWorkerProcess <bootstrap>
 * <storeDir> <faissFactory> [snapshotEvery]}. Prints {@code started} and runs until killed.
 */
public final class IndexWorkerProcess {
    private IndexWorkerProcess() {}

    public static void main(String[] args) throws Exception {
        DinostreamConfig config = new DinostreamConfig(Map.of(DinostreamConfig.BOOTSTRAP_SERVERS, args[0]));
        IndexWorkerOptions options = IndexWorkerOptions.fromConfig(config)
                .withStoreDirectory(Path.of(args[1]))
                .withFaiss(args[2], 1_000)
                .withSnapshotEvery(args.length > 3 ? Long.parseLong(args[3]) : 0);
        IndexWorker worker = IndexWorker.start(options);
        System.out.println("started");
        System.out.flush();
        while (true) {
            if (worker.failure().isPresent()) {
                System.out.println("failed: " + worker.failure().get());
                System.exit(3);
            }
            Thread.sleep(100); // polling the worker's health until the test kills this process
        }
    }
}
