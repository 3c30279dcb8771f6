package io.pktsim.cli.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.statistics.distribution.TDistribution;

/**
 * summary.csv: a sweep's figures over its seeds. A sweep with several seeds ({@code --seeds N}, or {@code --set
 * seed=...}) runs every combination of the other swept values once per seed, each seed another boot of the router
 * and its hosts; this gives, per combination, the number of seeds and, for each headline figure, its mean, the
 * half-width of the mean's 95 % confidence interval (Student's t with n - 1 degrees of freedom, the seeds taken as
 * independent samples), the sample standard deviation, the smallest and the largest value. Computed from the rows of
 * results.csv as written (their decimals), in point order, so the same sweep gives the same bytes. See docs/sweeps.md.
 */
public final class SweepSummary {

    /** The figures of results.csv summarized, in column order. */
    public static final List<String> FIGURES = List.of("goodput_down_mbps", "goodput_up_mbps", "forwarded_packets",
        "cpu_avg_pct", "cpu_hottest_pct", "drops_total", "latency_down_p50_ms", "latency_down_p99_ms",
        "latency_up_p50_ms", "latency_up_p99_ms");

    /** The statistics of each figure, the suffixes of its columns. */
    public static final List<String> STATISTICS = List.of("mean", "ci95", "sd", "min", "max");

    /** The two-sided confidence level of {@code ci95}. */
    private static final double TAIL = 0.025;

    private SweepSummary() {
    }

    /**
     * One figure over one combination's seeds.
     *
     * @param n the seeds with a value (latencies are empty where no frame went that way)
     * @param mean the mean, NaN when n is 0
     * @param ci95 the half-width of the mean's 95 % confidence interval, NaN when n is below 2
     * @param sd the sample standard deviation, NaN when n is below 2
     * @param min the smallest value, NaN when n is 0
     * @param max the largest value, NaN when n is 0
     */
    public record Stat(int n, double mean, double ci95, double sd, double min, double max) {

        /**
         * @param values the values, in point order
         * @return their statistics
         */
        public static Stat of(final List<Double> values) {
            final int n = values.size();
            if (n == 0) {
                return new Stat(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (final double v : values) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            final double mean = sum / n;
            if (n == 1) {
                return new Stat(1, mean, Double.NaN, Double.NaN, min, max);
            }
            double squares = 0;
            for (final double v : values) {
                squares += (v - mean) * (v - mean);
            }
            final double sd = Math.sqrt(squares / (n - 1));
            final double t = TDistribution.of(n - 1).inverseSurvivalProbability(TAIL);
            return new Stat(n, mean, t * sd / Math.sqrt(n), sd, min, max);
        }
    }

    /**
     * The rows of one combination of the swept values other than the seed.
     *
     * @param values the combination's values, in the order of results.csv's key columns
     * @param seeds how many of its points there are
     * @param stats one per {@link #FIGURES} entry
     */
    public record Group(List<String> values, int seeds, List<Stat> stats) {
    }

    /**
     * Groups results.csv's rows by their swept values other than the seed, in the order of their first points.
     *
     * @param header results.csv's header fields
     * @param rows its rows' fields
     * @return the groups
     */
    public static List<Group> groups(final List<String> header, final List<List<String>> rows) {
        final int seedCol = header.indexOf("seed");
        final Map<List<String>, List<List<String>>> byValues = new LinkedHashMap<>();
        for (final List<String> r : rows) {
            byValues.computeIfAbsent(List.copyOf(r.subList(1, seedCol)), k -> new ArrayList<>()).add(r);
        }
        final List<Group> groups = new ArrayList<>();
        for (final Map.Entry<List<String>, List<List<String>>> e : byValues.entrySet()) {
            final List<Stat> stats = new ArrayList<>();
            for (final String f : FIGURES) {
                final int col = header.indexOf(f);
                final List<Double> values = new ArrayList<>();
                for (final List<String> r : e.getValue()) {
                    if (col >= 0 && col < r.size() && !r.get(col).isEmpty()) {
                        values.add(Double.parseDouble(r.get(col)));
                    }
                }
                stats.add(Stat.of(values));
            }
            groups.add(new Group(e.getKey(), e.getValue().size(), stats));
        }
        return groups;
    }

    /**
     * @param header results.csv's header fields
     * @param groups the groups ({@link #groups})
     * @return summary.csv: a header line and one line per group, each ending with a newline
     */
    public static String csv(final List<String> header, final List<Group> groups) {
        final List<String> cols = new ArrayList<>(header.subList(1, header.indexOf("seed")));
        cols.add("seeds");
        for (final String f : FIGURES) {
            for (final String s : STATISTICS) {
                cols.add(f + "_" + s);
            }
        }
        final StringBuilder sb = new StringBuilder(SweepCsv.line(cols));
        for (final Group g : groups) {
            final List<String> row = new ArrayList<>(g.values());
            row.add(Integer.toString(g.seeds()));
            for (final Stat s : g.stats()) {
                row.add(num(s.mean()));
                row.add(num(s.ci95()));
                row.add(num(s.sd()));
                row.add(num(s.min()));
                row.add(num(s.max()));
            }
            sb.append(SweepCsv.line(row));
        }
        return sb.toString();
    }

    /**
     * A figure as the summary tables show it: {@code mean +- ci95 [min, max]} with one decimal, the mean alone for a
     * single seed, empty without a value.
     *
     * @param s the figure's statistics
     * @return the text
     */
    public static String text(final Stat s) {
        if (s.n() == 0) {
            return "";
        }
        if (s.n() == 1) {
            return String.format(Locale.ROOT, "%.1f", s.mean());
        }
        return String.format(Locale.ROOT, "%.1f +- %.1f [%.1f, %.1f]", s.mean(), s.ci95(), s.min(), s.max());
    }

    private static String num(final double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }
}
