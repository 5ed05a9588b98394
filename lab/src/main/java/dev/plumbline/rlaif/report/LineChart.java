package dev.plumbline.rlaif.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained SVG line chart: several named series over a shared x axis, with axes, ticks,
 * a legend and optional markers (e.g. "alert at step 40"). No scripts, no external resources, so a
 * report opens offline.
 *
 * <pre>{@code
 * String svg = new LineChart("Reward over PPO steps", "step", "reward")
 *         .series("gold", steps, gold)
 *         .series("proxy", steps, proxy)
 *         .toSvg();
 * }</pre>
 */
public final class LineChart {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#17becf"};

    private final String title, xLabel, yLabel;
    private final List<String> names = new ArrayList<>();
    private final List<double[]> xs = new ArrayList<>(), ys = new ArrayList<>();
    private final List<double[]> markers = new ArrayList<>();
    private final List<String> markerLabels = new ArrayList<>();
    private int width = 560, height = 300;
    private boolean points;

    /** A chart with a title and axis labels. */
    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series; NaN values are skipped (gaps). */
    public LineChart series(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length
                    + " y values");
        }
        names.add(name);
        xs.add(x.clone());
        ys.add(y.clone());
        return this;
    }

    /** Draws a vertical marker line at x with a label. */
    public LineChart marker(double x, String label) {
        markers.add(new double[] {x});
        markerLabels.add(label);
        return this;
    }

    /** Draws a dot at every point (for sparse sweeps). */
    public LineChart points(boolean on) {
        this.points = on;
        return this;
    }

    /** Sets the pixel size. */
    public LineChart size(int w, int h) {
        this.width = w;
        this.height = h;
        return this;
    }

    /** Renders the chart as an inline {@code <svg>} element. */
    public String toSvg() {
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < xs.size(); s++) {
            for (int i = 0; i < xs.get(s).length; i++) {
                double x = xs.get(s)[i], y = ys.get(s)[i];
                if (Double.isFinite(x) && Double.isFinite(y)) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (minX > maxX) { // no data
            minX = 0;
            maxX = 1;
            minY = 0;
            maxY = 1;
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        if (maxY == minY) {
            maxY = minY + 1;
            minY = minY - 1;
        }
        double padY = (maxY - minY) * 0.05;
        minY -= padY;
        maxY += padY;
        int left = 58, right = 16 + 110, top = 28, bottom = 42;
        int pw = width - left - right, ph = height - top - bottom;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
                left, esc(title)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                left, top, pw, ph));
        for (int t = 0; t <= 4; t++) {
            double fy = minY + (maxY - minY) * t / 4.0;
            double py = top + ph - ph * t / 4.0;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left, py, left + pw, py, left - 4, py + 4, num(fy)));
            double fx = minX + (maxX - minX) * t / 4.0;
            double px = left + pw * t / 4.0;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, top + ph + 14, num(fx)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                left + pw / 2, height - 8, esc(xLabel)));
        sb.append(String.format(Locale.ROOT,
                "<text x=\"12\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 12 %d)\">%s</text>%n",
                top + ph / 2, top + ph / 2, esc(yLabel)));
        for (int m = 0; m < markers.size(); m++) {
            double px = left + pw * (markers.get(m)[0] - minX) / (maxX - minX);
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" fill=\"#c00\">%s</text>%n",
                    px, top, px, top + ph, px + 3, top + 12, esc(markerLabels.get(m))));
        }
        for (int s = 0; s < xs.size(); s++) {
            String color = COLORS[s % COLORS.length];
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            double[] x = xs.get(s), y = ys.get(s);
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                    pen = false;
                    continue;
                }
                double px = left + pw * (x[i] - minX) / (maxX - minX);
                double py = top + ph - ph * (y[i] - minY) / (maxY - minY);
                path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
                pen = true;
                if (points) {
                    sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n",
                            px, py, color));
                }
            }
            if (path.length() > 0) {
                sb.append(String.format(Locale.ROOT,
                        "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"/>%n", path.toString().trim(), color));
            }
            int ly = top + 12 + s * 15;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    left + pw + 8, ly - 4, left + pw + 24, ly - 4, color, left + pw + 28, ly, esc(names.get(s))));
        }
        return sb.append("</svg>").toString();
    }

    private static String num(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return String.format(Locale.ROOT, a < 10 ? "%.3f" : "%.1f", v).replaceAll("\\.?0+$", "");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
