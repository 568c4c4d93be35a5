package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dinostream demo --smoke} as a user runs it: in-process broker, all roles, a verified query. */
class DemoSmokeTest {
    @Test
    void smokeDemoExitsZero(@TempDir Path dir) {
        int exitCode =
                Main.run(List.of("demo", "--smoke", "--limit", "200", "--port", "0", "--data-dir", dir.toString()));
        assertEquals(0, exitCode);
    }

    @Test
    void unknownOptionsAreUsageErrors() {
        assertEquals(2, Main.run(List.of("demo", "--frobnicate")));
        assertEquals(2, Main.run(List.of("nonsense")));
        assertEquals(0, Main.run(List.of("serve", "--help")));
    }
}
