package io.dinostream.app.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal ({@code [#####.....] 512/1000 51% 230/s eta 2s}). When the output
 * is not a terminal it prints a plain line at most every few seconds instead of redrawing. The rate and
 * the time left count only the work done since the bar started, so a resumed job shows its real speed.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final String unit;
    private final double divisor;
    private long startNanos;
    private long lastPrintNanos;
    private long lastValue = -1;
    private long firstValue = -1;

    public ProgressBar(PrintStream out, String label, long total) {
        this(out, label, total, "", 1);
    }

    private ProgressBar(PrintStream out, String label, long total, String unit, double divisor) {
        this.out = out;
        this.label = label;
        this.total = Math.max(total, 1);
        this.terminal = System.console() != null;
        this.unit = unit;
        this.divisor = divisor;
    }

    /** A bar counting bytes, shown in megabytes ({@code 12.3/88.1 MB 14% 9.8 MB/s}). */
    public static ProgressBar bytes(PrintStream out, String label, long totalBytes) {
        return new ProgressBar(out, label, totalBytes, " MB", 1e6);
    }

    /** Shows {@code done} items finished. Cheap to call often: it redraws at most ten times a second. */
    public synchronized void update(long done) {
        update(done, "");
    }

    /** As {@link #update(long)}, with a short text after the bar (e.g. {@code loss 9.81 lr 1.2e-03}). */
    public synchronized void update(long done, String detail) {
        long now = System.nanoTime();
        long minInterval = terminal ? 100_000_000L : 5_000_000_000L;
        if (done == lastValue || (done < total && now - lastPrintNanos < minInterval)) {
            return;
        }
        lastPrintNanos = now;
        lastValue = done;
        if (firstValue < 0) {
            // The first update marks where this bar's work began (more than zero when a job resumes).
            firstValue = done;
            startNanos = now;
        }
        double seconds = Math.max((now - startNanos) / 1e9, 1e-3);
        double rate = (done - firstValue) / seconds;
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        String line = divisor == 1
                ? String.format(
                        "%s [%s%s] %d/%d %3d%% %s/s%s",
                        label,
                        "#".repeat(filled),
                        ".".repeat(WIDTH - filled),
                        done,
                        total,
                        100 * done / total,
                        formatRate(rate),
                        timeLeft(done, rate))
                : String.format(
                        "%s [%s%s] %.1f/%.1f%s %3d%% %.1f%s/s%s",
                        label,
                        "#".repeat(filled),
                        ".".repeat(WIDTH - filled),
                        done / divisor,
                        total / divisor,
                        unit,
                        100 * done / total,
                        rate / divisor,
                        unit,
                        timeLeft(done, rate));
        if (!detail.isEmpty()) {
            line = line + " " + detail;
        }
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            if (done >= total) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Whole numbers, except below 10/s where they would round to 0 or 1 (a training step takes seconds). */
    static String formatRate(double rate) {
        return String.format(Locale.ROOT, rate < 10 ? "%.2f" : "%.0f", rate);
    }

    /** {@code " eta 1h02m"}, or nothing before there is a rate to go by or after the end. */
    private String timeLeft(long done, double rate) {
        if (rate <= 0 || done >= total) {
            return "";
        }
        return " eta " + formatDuration((long) Math.ceil((total - done) / rate));
    }

    /** 42s, 7m05s or 1h02m: short enough for the bar, precise enough to plan by. */
    static String formatDuration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    /** Ends the bar's line, if it is still open, after a stop short of the total. */
    public synchronized void finish() {
        if (terminal && lastValue >= 0 && lastValue < total) {
            out.println();
        }
    }
}
