package io.dinostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void aResumedBarCountsOnlyTheWorkDoneSinceItStarted() throws InterruptedException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, "train", 1_001_000);

        bar.update(1_000_000); // a job resumed near its end
        Thread.sleep(50);
        bar.update(1_001_000);

        String[] lines = buffer.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(2, lines.length, buffer.toString(StandardCharsets.UTF_8));
        Matcher last = Pattern.compile(" ([\\d.]+)/s").matcher(lines[1]);
        assertTrue(last.find(), lines[1]);
        // 1,000 items in at least 50 ms: at most 20,000/s. Counting the resumed million gives ~20 million/s.
        double rate = Double.parseDouble(last.group(1));
        assertTrue(rate > 0 && rate <= 20_000, "rate " + rate);
    }

    @Test
    void slowRatesKeepTwoDecimals() {
        assertEquals("0.63", ProgressBar.formatRate(0.632));
        assertEquals("230", ProgressBar.formatRate(230.4));
    }

    @Test
    void timeLeftIsShortAndReadable() {
        assertEquals("42s", ProgressBar.formatDuration(42));
        assertEquals("7m05s", ProgressBar.formatDuration(425));
        assertEquals("1h02m", ProgressBar.formatDuration(3720));
    }
}
