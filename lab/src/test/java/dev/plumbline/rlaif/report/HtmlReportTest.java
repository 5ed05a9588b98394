package dev.plumbline.rlaif.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class HtmlReportTest {
    @Test
    void chartPlacesPointsInsideThePlotAndSkipsNaN() {
        String svg = new LineChart("t", "x", "y")
                .series("a", new double[] {0, 1, 2}, new double[] {0, 10, Double.NaN})
                .marker(1, "alert").toSvg();
        assertTrue(svg.startsWith("<svg"));
        // two finite points: one move and one line command
        String path = svg.substring(svg.indexOf("<path d=\"") + 9);
        path = path.substring(0, path.indexOf('"'));
        assertEquals(1, path.chars().filter(c -> c == 'M').count(), path);
        assertEquals(1, path.chars().filter(c -> c == 'L').count(), path);
        assertTrue(svg.contains("alert"));
        assertThrows(IllegalArgumentException.class, () -> new LineChart("t", "x", "y").series("b", new double[2], new double[3]));
    }

    @Test
    void reportIsSelfContainedAndEscaped(@TempDir Path dir) throws Exception {
        HtmlReport r = new HtmlReport("run <1>");
        r.section("S").paragraph("a & b").flag("proxy up, gold down")
                .table(List.of("k", "v"), List.of(List.of("<x>", "1")))
                .chart(new LineChart("c", "x", "y").series("s", new double[] {1, 2}, new double[] {3, 4}))
                .pre("sample");
        Path f = dir.resolve("report.html");
        r.write(f);
        String html = Files.readString(f);
        assertTrue(html.contains("run &lt;1&gt;"));
        assertTrue(html.contains("a &amp; b"));
        assertTrue(html.contains("&lt;x&gt;"));
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temp file left behind");
        }
    }
}
