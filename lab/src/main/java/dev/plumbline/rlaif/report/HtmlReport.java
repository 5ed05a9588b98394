package dev.plumbline.rlaif.report;

import dev.plumbline.tensor.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A self-contained HTML report (inline CSS and SVG, no scripts or external files): headed
 * sections holding paragraphs, tables, charts, flags and pre-formatted samples.
 *
 * <pre>{@code
 * HtmlReport r = new HtmlReport("RLAIF run");
 * r.section("Rewards").paragraph("Gold rose while proxy rose.").chart(chart);
 * r.table(List.of("stage", "seconds"), rows);
 * r.write(runDir.resolve("report.html"));
 * }</pre>
 */
public final class HtmlReport {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    /** A report with a page title. */
    public HtmlReport(String title) {
        this.title = title;
    }

    /** Starts a new section. */
    public HtmlReport section(String heading) {
        body.append("<h2>").append(LineChart.esc(heading)).append("</h2>\n");
        return this;
    }

    /** A paragraph of plain text. */
    public HtmlReport paragraph(String text) {
        body.append("<p>").append(LineChart.esc(text)).append("</p>\n");
        return this;
    }

    /** A highlighted warning box (e.g. an over-optimisation alert). */
    public HtmlReport flag(String text) {
        body.append("<p class=\"flag\">&#9888; ").append(LineChart.esc(text)).append("</p>\n");
        return this;
    }

    /** An inline chart. */
    public HtmlReport chart(LineChart chart) {
        body.append("<div class=\"chart\">").append(chart.toSvg()).append("</div>\n");
        return this;
    }

    /** A table with a header row; cells are escaped. */
    public HtmlReport table(List<String> header, List<List<String>> rows) {
        body.append("<table><tr>");
        for (String h : header) {
            body.append("<th>").append(LineChart.esc(h)).append("</th>");
        }
        body.append("</tr>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            for (String c : row) {
                body.append("<td>").append(LineChart.esc(c)).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** A paragraph holding one link (relative links keep a run directory movable). */
    public HtmlReport link(String text, String href) {
        body.append("<p><a href=\"").append(LineChart.esc(href)).append("\">").append(LineChart.esc(text))
                .append("</a></p>\n");
        return this;
    }

    /** Pre-formatted text (samples, configs). */
    public HtmlReport pre(String text) {
        body.append("<pre>").append(LineChart.esc(text)).append("</pre>\n");
        return this;
    }

    /** The whole document. */
    public String toHtml() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + LineChart.esc(title)
                + "</title>\n<style>body{font-family:sans-serif;max-width:1180px;margin:24px auto;padding:0 16px;color:#222}"
                + "h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}"
                + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;"
                + "text-align:left}th{background:#f4f4f4}.chart{display:inline-block;margin:6px 8px 6px 0}"
                + "pre{background:#f7f7f7;padding:8px;font-size:12px;overflow-x:auto}"
                + ".flag{background:#fff3f3;border-left:4px solid #c00;padding:6px 10px}</style></head>\n<body>\n<h1>"
                + LineChart.esc(title) + "</h1>\n" + body + "</body></html>\n";
    }

    /** Writes the report atomically (temp file + rename). */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toHtml());
    }
}
