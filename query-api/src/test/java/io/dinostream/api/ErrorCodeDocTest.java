package io.dinostream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.api.internals.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The error table of docs/api.md lists exactly the codes of {@link ErrorCode}, with their statuses. */
class ErrorCodeDocTest {
    private static final Path API_DOC = Path.of("..", "docs", "api.md");
    private static final Pattern ROW = Pattern.compile("^\\| (\\d{3}) \\| `([a-z_]+)` \\|", Pattern.MULTILINE);

    @Test
    void docTableMatchesTheEnum() throws IOException {
        assertTrue(Files.isRegularFile(API_DOC), "missing " + API_DOC.toAbsolutePath());
        Matcher rows = ROW.matcher(Files.readString(API_DOC));
        Set<String> documented = new HashSet<>();
        while (rows.find()) {
            documented.add(rows.group(1) + " " + rows.group(2));
        }
        List<String> declared = new ArrayList<>();
        for (ErrorCode code : ErrorCode.values()) {
            declared.add(code.status() + " " + code.code());
        }
        assertEquals(Set.copyOf(declared), documented);
        assertEquals(declared.size(), documented.size(), "duplicate codes in " + declared);
    }
}
