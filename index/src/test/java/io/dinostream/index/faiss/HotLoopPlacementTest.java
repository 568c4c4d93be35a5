package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's loop placement (src/main/native/place-hot-loops.py and align-faiss-text.sh) on a small
 * object assembled here, whose loops' offsets are known: it must choose the pad that puts every listed
 * loop inside one 64-byte line, and the realigned archive must hold the object padded that way.
 */
class HotLoopPlacementTest {
    private static final Path NATIVE = Path.of("src/main/native");

    /**
     * Two functions, each one 23-byte inner loop (FAISS's scalar inner product): {@code first}'s at
     * offset 0x30, straddling the line at 0x40; {@code second}'s at 0x5c, inside its line. Pads of 16 and
     * 32 bytes break the second loop; only 48 puts both inside a line (0x60 and 0x8c).
     */
    private static final String OBJECT_SOURCE =
            """
            .text
            .p2align 4
            .globl filler
            filler:
            .skip 48, 0x90
            .globl first
            first:
            1:  movss (%rdi,%rax,4), %xmm0
                mulss (%rsi,%rax,4), %xmm0
                add $1, %rax
                addss %xmm0, %xmm1
                cmp %rax, %rdx
                jne 1b
                ret
            .skip 20, 0x90
            .globl second
            second:
            2:  movss (%rdi,%rax,4), %xmm0
                mulss (%rsi,%rax,4), %xmm0
                add $1, %rax
                addss %xmm0, %xmm1
                cmp %rax, %rdx
                jne 2b
                ret
            .section .note.GNU-stack,"",@progbits
            """;

    @TempDir
    Path dir;

    @Test
    void choosesThePadThatPutsEveryListedLoopInsideOneLine() throws Exception {
        Path object = assemble();
        assertTrue(check(object, 1, 0, "first", "second"), "unpadded: only the second loop fits a line");
        assertFalse(check(object, 2, 0, "first", "second"), "check must refuse a score the object lacks");
        assertEquals("48 2 1", choose(object, "first", "second"), "(pad, loops in a line, loops in a window)");
        assertEquals("16 1 1", choose(object, "first"), "the first loop alone: the smallest pad that fixes it");
    }

    @Test
    void aMissingSymbolIsSkippedNotFatal() throws Exception {
        Path object = assemble();
        assertEquals("0 1 0", choose(object, "second", "absent"));
    }

    @Test
    void realignedArchiveHoldsTheObjectPaddedAsChosen() throws Exception {
        Path object = assemble();
        run(dir, "ar", "rcs", dir.resolve("libtoy.a").toString(), object.toString());
        Path table = dir.resolve("hot-loops.txt");
        Files.writeString(table, "# comment\n\ntoy.o first\ntoy.o second\n");
        Path out = dir.resolve("aligned");
        run(
                dir,
                "bash",
                NATIVE.resolve("align-faiss-text.sh").toAbsolutePath().toString(),
                dir.resolve("libtoy.a").toString(),
                out.toString(),
                table.toString());

        Path extracted = Files.createDirectories(dir.resolve("extracted"));
        run(extracted, "ar", "x", out.resolve("libfaiss.a").toString()); // the script always writes libfaiss.a
        Path padded = extracted.resolve("toy.o");
        assertTrue(check(padded, 2, 1, "first", "second"), "both loops inside one line as archived");
        String symbols = run(dir, "nm", padded.toString());
        assertTrue(symbols.contains("0000000000000060 T first"), symbols);
        String sections = run(dir, "objdump", "-h", padded.toString());
        assertTrue(
                sections.lines()
                        .anyMatch(l -> l.contains(" .text ") && l.strip().endsWith("2**6")),
                sections);
    }

    private Path assemble() throws Exception {
        Path source = dir.resolve("toy.s");
        Files.writeString(source, OBJECT_SOURCE);
        Path object = dir.resolve("toy.o");
        run(dir, "as", "--64", "-o", object.toString(), source.toString());
        return object;
    }

    private String choose(Path object, String... symbols) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", script(), "choose", object.toString()));
        command.addAll(List.of(symbols));
        return run(dir, command.toArray(String[]::new)).strip();
    }

    /** Whether the script's check accepts {@code object}, as it is, scoring these loops in lines and windows. */
    private boolean check(Path object, int lines, int windows, String... symbols) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "python3", script(), "check", object.toString(), Integer.toString(lines), Integer.toString(windows)));
        command.addAll(List.of(symbols));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out");
        assertTrue(process.exitValue() <= 1, "usage error: " + output);
        return process.exitValue() == 0;
    }

    private static String script() {
        return NATIVE.resolve("place-hot-loops.py").toAbsolutePath().toString();
    }

    /** Runs a command in {@code workDir}; returns its stdout, failing with its stderr if it fails. */
    private String run(Path workDir, String... command) throws IOException, InterruptedException {
        Path errors = Files.createTempFile(dir, "stderr", ".txt");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectError(errors.toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        if (process.exitValue() != 0) {
            fail(String.join(" ", command) + " failed: " + Files.readString(errors));
        }
        return out;
    }
}
