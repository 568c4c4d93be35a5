package io.dinostream.trainer.curate.pool;

import io.dinostream.embedder.image.RgbImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;

/** Off-domain images of a given size: random noise, rendered text, and random shapes. */
final class JunkImages {
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private JunkImages() {}

    static RgbImage make(PoolItemKind kind, int width, int height, Random random) {
        return switch (kind) {
            case JUNK_NOISE -> noise(width, height, random);
            case JUNK_TEXT -> text(width, height, random);
            case JUNK_SHAPES -> shapes(width, height, random);
            default -> throw new IllegalArgumentException(kind + " is not junk");
        };
    }

    /** Uniform gray noise, or coloured noise half of the time. */
    static RgbImage noise(int width, int height, Random random) {
        byte[] rgb = new byte[width * height * 3];
        boolean gray = random.nextBoolean();
        for (int p = 0; p < rgb.length; p += 3) {
            int v = random.nextInt(256);
            for (int c = 0; c < 3; c++) {
                rgb[p + c] = (byte) (gray ? v : random.nextInt(256));
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** One to three random characters in a random font size, light on dark like Fashion-MNIST. */
    static RgbImage text(int width, int height, Random random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(150 + random.nextInt(106), 150 + random.nextInt(106), 150 + random.nextInt(106)));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, height / 3 + random.nextInt(Math.max(1, height / 3))));
            StringBuilder word = new StringBuilder();
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                word.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
            }
            g.drawString(
                    word.toString(), random.nextInt(Math.max(1, width / 3)), height / 2 + random.nextInt(height / 3));
        } finally {
            g.dispose();
        }
        return NearCopies.fromBuffered(image);
    }

    /** Two to four random rectangles, ovals and lines. */
    static RgbImage shapes(int width, int height, Random random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(random.nextInt(64), random.nextInt(64), random.nextInt(64)));
            g.fillRect(0, 0, width, height);
            for (int i = 0, n = 2 + random.nextInt(3); i < n; i++) {
                g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
                int x = random.nextInt(width);
                int y = random.nextInt(height);
                int w = 2 + random.nextInt(Math.max(1, width / 2));
                int h = 2 + random.nextInt(Math.max(1, height / 2));
                switch (random.nextInt(3)) {
                    case 0 -> g.fillRect(x - w / 2, y - h / 2, w, h);
                    case 1 -> g.fillOval(x - w / 2, y - h / 2, w, h);
                    default -> {
                        g.setStroke(new BasicStroke(1 + random.nextInt(3)));
                        g.drawLine(x, y, random.nextInt(width), random.nextInt(height));
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return NearCopies.fromBuffered(image);
    }
}
