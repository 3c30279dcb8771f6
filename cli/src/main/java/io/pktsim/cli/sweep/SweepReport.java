package io.pktsim.cli.sweep;

import java.util.List;
import java.util.Locale;

/**
 * report.html: one self-contained page (no external script, style sheet or font) with an inline SVG chart of each
 * point's download goodput (bars, left axis, Mbit/s) and average CPU load (line, right axis, 0-100 %), and the
 * table of results.csv; with several seeds, the table of summary.csv's headline figures above it
 * ({@link SweepSummary}). Deterministic: the page depends only on the sweep's title and the CSV rows.
 */
public final class SweepReport {

    private static final int CHART_HEIGHT = 240;
    private static final int PLOT_TOP = 20;
    private static final int PLOT_BOTTOM = 200;
    private static final int LEFT = 60;
    private static final int SLOT = 36;
    private static final int RIGHT = 80;

    private SweepReport() {
    }

    /**
     * @param title the page's title (the scenario and the swept keys)
     * @param header the CSV header's fields
     * @param rows the CSV rows' fields, in point order
     * @param groups the figures over the seeds ({@link SweepSummary#groups}), empty without several seeds
     * @return the HTML page, ending with a newline
     */
    public static String render(final String title, final List<String> header, final List<List<String>> rows,
        final List<SweepSummary.Group> groups) {
        final StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .append(esc(title)).append("</title>\n<style>\n")
            .append("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;font-size:13px}")
            .append("td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}th{background:#eee}")
            .append("td.t{text-align:left}.down{fill:#4a7ebb}.cpu{stroke:#c0392b;fill:none;stroke-width:2}")
            .append("text{font-size:11px}\n</style>\n</head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        final int down = header.indexOf("goodput_down_mbps");
        final int cpu = header.indexOf("cpu_avg_pct");
        chart(h, rows, down, cpu);
        seeds(h, header, groups);
        h.append("<table>\n<tr>");
        for (final String c : header) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr>\n");
        for (final List<String> r : rows) {
            h.append("<tr>");
            for (final String c : r) {
                h.append(isNumber(c) ? "<td>" : "<td class=\"t\">").append(esc(c)).append("</td>");
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n</body>\n</html>\n").toString();
    }

    private static void seeds(final StringBuilder h, final List<String> header,
        final List<SweepSummary.Group> groups) {
        if (groups.isEmpty()) {
            return;
        }
        h.append("<h2>Over the seeds</h2>\n<p>Each figure: mean +- the half-width of its 95 % confidence interval "
            + "(Student's t) [min, max]; summary.csv has every figure.</p>\n<table>\n<tr>");
        for (final String k : header.subList(1, header.indexOf("seed"))) {
            h.append("<th>").append(esc(k)).append("</th>");
        }
        h.append("<th>seeds</th>");
        for (final String f : SweepSummary.FIGURES) {
            h.append("<th>").append(esc(f)).append("</th>");
        }
        h.append("</tr>\n");
        for (final SweepSummary.Group g : groups) {
            h.append("<tr>");
            for (final String v : g.values()) {
                h.append(isNumber(v) ? "<td>" : "<td class=\"t\">").append(esc(v)).append("</td>");
            }
            h.append("<td>").append(g.seeds()).append("</td>");
            for (final SweepSummary.Stat s : g.stats()) {
                h.append("<td>").append(esc(SweepSummary.text(s))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<h2>Every point</h2>\n");
    }

    private static void chart(final StringBuilder h, final List<List<String>> rows, final int down, final int cpu) {
        double max = 1;
        for (final List<String> r : rows) {
            max = Math.max(max, number(r, down));
        }
        final int axisEnd = LEFT + SLOT * Math.max(1, rows.size());
        final int width = axisEnd + RIGHT;
        final int plot = PLOT_BOTTOM - PLOT_TOP;
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
            .append(CHART_HEIGHT).append("\" role=\"img\" aria-label=\"goodput and CPU per point\">\n");
        h.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(PLOT_BOTTOM).append("\" x2=\"")
            .append(axisEnd).append("\" y2=\"").append(PLOT_BOTTOM).append("\" stroke=\"#333\"/>\n");
        h.append("<text x=\"4\" y=\"").append(PLOT_TOP).append("\">").append(fmt(max)).append(" Mbit/s</text>\n");
        h.append("<text x=\"4\" y=\"").append(PLOT_BOTTOM).append("\">0</text>\n");
        h.append("<text x=\"").append(axisEnd + 4).append("\" y=\"").append(PLOT_TOP)
            .append("\">CPU 100 %</text>\n");
        final StringBuilder line = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            final double d = number(rows.get(i), down);
            final int barHeight = (int) Math.round(plot * d / max);
            final int x = LEFT + SLOT * i;
            h.append("<rect class=\"down\" x=\"").append(x + 4).append("\" y=\"").append(PLOT_BOTTOM - barHeight)
                .append("\" width=\"").append(SLOT - 8).append("\" height=\"").append(barHeight).append("\"><title>")
                .append("point ").append(i).append(": ").append(fmt(d)).append(" Mbit/s down, CPU ")
                .append(fmt(number(rows.get(i), cpu))).append(" %</title></rect>\n");
            h.append("<text x=\"").append(x + SLOT / 2 - 4).append("\" y=\"").append(PLOT_BOTTOM + 14).append("\">")
                .append(i).append("</text>\n");
            final double c = Math.min(100, Math.max(0, number(rows.get(i), cpu)));
            line.append(i == 0 ? "" : " ").append(x + SLOT / 2).append(',')
                .append(PLOT_BOTTOM - (int) Math.round(plot * c / 100));
        }
        h.append("<polyline class=\"cpu\" points=\"").append(line).append("\"/>\n");
        h.append("<text x=\"").append(LEFT).append("\" y=\"").append(CHART_HEIGHT - 6)
            .append("\">bars: download goodput (Mbit/s); line: average CPU (%); x: point</text>\n</svg>\n");
    }

    private static double number(final List<String> row, final int col) {
        if (col < 0 || col >= row.size()) {
            return 0;
        }
        try {
            return Double.parseDouble(row.get(col));
        } catch (final NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isNumber(final String s) {
        if (s.isEmpty()) {
            return false;
        }
        try {
            Double.parseDouble(s);
            return true;
        } catch (final NumberFormatException e) {
            return false;
        }
    }

    private static String fmt(final double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(final String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
