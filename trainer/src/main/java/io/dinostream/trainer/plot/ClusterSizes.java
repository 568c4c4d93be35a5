package io.dinostream.trainer.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG of cluster sizes before and after balanced sampling: one bar per cluster, clusters sorted by their
 * size before, on a logarithmic axis so that a long tail stays visible.
 */
public final class ClusterSizes {
    private static final int W = 900;
    private static final int H = 360;
    private static final int MARGIN = 60;

    private ClusterSizes() {}

    public static void write(Path png, String title, int[] before, int[] after) throws IOException {
        if (before.length != after.length || before.length == 0) {
            throw new IllegalArgumentException("need one size before and after per cluster");
        }
        Integer[] order = new Integer[before.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(before[b], before[a]));
        double maxLog = Math.log10(Math.max(10, Arrays.stream(before).max().orElse(1)));
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, MARGIN, 22);
            int x0 = MARGIN;
            int y0 = H - 40;
            int plotH = H - 90;
            double barW = (W - MARGIN - 20) / (double) order.length;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int decade = 0; decade <= Math.ceil(maxLog); decade++) {
                int y = y0 - (int) Math.round(decade / maxLog * plotH);
                if (y < y0 - plotH - 5) {
                    break;
                }
                g.setColor(new Color(0xdddddd));
                g.drawLine(x0, y, W - 20, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%,d", (long) Math.pow(10, decade)), 5, y + 4);
            }
            for (int r = 0; r < order.length; r++) {
                int c = order[r];
                bar(g, x0 + r * barW, barW, y0, plotH, maxLog, before[c], new Color(0x9ecae1));
                bar(g, x0 + r * barW + barW * 0.25, barW * 0.5, y0, plotH, maxLog, after[c], new Color(0xd62728));
            }
            g.setColor(Color.BLACK);
            g.drawLine(x0, y0, W - 20, y0);
            g.drawString(
                    "clusters, largest first (" + order.length + "); blue: before, red: kept after balanced sampling",
                    x0,
                    H - 15);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static void bar(Graphics2D g, double x, double w, int y0, int plotH, double maxLog, int size, Color color) {
        if (size <= 0) {
            return;
        }
        int h = (int) Math.round(Math.max(1, Math.log10(size) / maxLog * plotH + 1));
        g.setColor(color);
        g.fillRect((int) Math.round(x), y0 - h, Math.max(1, (int) Math.round(w)), h);
    }
}
