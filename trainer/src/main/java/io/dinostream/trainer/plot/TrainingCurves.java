package io.dinostream.trainer.plot;

import io.dinostream.trainer.train.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * A PNG of a run's curves, two panels side by side: the mean training loss per epoch and the k-NN top-1
 * accuracy per epoch (with optional horizontal reference lines, e.g. the raw-pixel baseline).
 */
public final class TrainingCurves {
    private static final int PANEL_W = 480;
    private static final int PANEL_H = 320;
    private static final int MARGIN = 50;

    /** A labelled horizontal line on the accuracy panel. */
    public record Reference(String label, double value, Color color) {}

    private TrainingCurves() {}

    public static void write(Path png, String title, List<EpochMetrics> metrics, List<Reference> references)
            throws IOException {
        BufferedImage image = new BufferedImage(2 * PANEL_W, PANEL_H + 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, MARGIN, 20);
        g.translate(0, 30);
        panel(g, "training loss (mean per epoch)", metrics, EpochMetrics::loss, List.of(), new Color(0x1f77b4));
        g.translate(PANEL_W, 0);
        panel(g, "k-NN top-1 % (k=20, T=0.07)", metrics, EpochMetrics::knnTop1, references, new Color(0xd62728));
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static void panel(
            Graphics2D g,
            String name,
            List<EpochMetrics> metrics,
            ToDoubleFunction<EpochMetrics> value,
            List<Reference> references,
            Color color) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (EpochMetrics m : metrics) {
            double v = value.applyAsDouble(m);
            if (!Double.isNaN(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        for (Reference r : references) {
            min = Math.min(min, r.value());
            max = Math.max(max, r.value());
        }
        if (min == Double.POSITIVE_INFINITY) {
            min = 0;
            max = 1;
        }
        double pad = Math.max((max - min) * 0.08, 1e-3);
        min -= pad;
        max += pad;
        int x0 = MARGIN;
        int y0 = PANEL_H - MARGIN;
        int w = PANEL_W - MARGIN - 20;
        int h = PANEL_H - MARGIN - 30;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawString(name, x0, 15);
        g.drawRect(x0, y0 - h, w, h);
        int epochs = Math.max(
                1, metrics.isEmpty() ? 1 : metrics.get(metrics.size() - 1).epoch());
        for (int i = 0; i <= 4; i++) {
            double v = min + (max - min) * i / 4;
            int y = y0 - (int) (h * (v - min) / (max - min));
            g.setColor(new Color(0xdddddd));
            g.drawLine(x0 + 1, y, x0 + w - 1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.2f", v), 2, y + 4);
        }
        g.drawString("epoch", x0 + w / 2 - 15, y0 + 35);
        for (int e = 0; e <= epochs; e += Math.max(1, epochs / 10)) {
            int x = x0 + (int) ((long) w * e / epochs);
            g.drawString(Integer.toString(e), x - 4, y0 + 16);
        }
        for (Reference r : references) {
            int y = y0 - (int) (h * (r.value() - min) / (max - min));
            g.setColor(r.color());
            g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.drawLine(x0, y, x0 + w, y);
            g.drawString(r.label(), x0 + 6, y - 4);
        }
        g.setStroke(new BasicStroke(2));
        g.setColor(color);
        int px = -1;
        int py = -1;
        for (EpochMetrics m : metrics) {
            double v = value.applyAsDouble(m);
            if (Double.isNaN(v)) {
                continue;
            }
            int x = x0 + (int) ((long) w * m.epoch() / epochs);
            int y = y0 - (int) (h * (v - min) / (max - min));
            g.fillOval(x - 3, y - 3, 6, 6);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
        g.setStroke(new BasicStroke(1));
    }
}
