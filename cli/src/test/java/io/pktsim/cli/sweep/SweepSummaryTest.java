package io.pktsim.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * summary.csv's statistics against values worked by hand (Student's t quantiles from the published tables), and its
 * grouping of results.csv's rows by the swept values other than the seed.
 */
class SweepSummaryTest {

    @Test
    void shouldGiveTheMeanAndTheStudentTHalfWidthOfItsConfidenceInterval() {
        final SweepSummary.Stat s = SweepSummary.Stat.of(List.of(1.0, 2.0, 3.0, 4.0));
        assertThat(s.n()).isEqualTo(4);
        assertThat(s.mean()).isEqualTo(2.5);
        // sample standard deviation sqrt(5/3); t(0.975, 3 degrees of freedom) = 3.182446
        assertThat(s.sd()).isCloseTo(Math.sqrt(5.0 / 3.0), within(1e-12));
        assertThat(s.ci95()).isCloseTo(3.182446 * Math.sqrt(5.0 / 3.0) / 2, within(1e-5));
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(4.0);
        assertThat(SweepSummary.text(s)).isEqualTo("2.5 +- 2.1 [1.0, 4.0]");
        // two seeds: t(0.975, 1) = 12.706205; many: close to the normal's 1.96
        assertThat(SweepSummary.Stat.of(List.of(10.0, 12.0)).ci95()).isCloseTo(12.706205 * Math.sqrt(2) / Math.sqrt(2),
            within(1e-5));
        final double[] many = new double[1000];
        for (int i = 0; i < many.length; i++) {
            many[i] = i % 2 == 0 ? 1 : -1;
        }
        final SweepSummary.Stat m = SweepSummary.Stat.of(java.util.Arrays.stream(many).boxed().toList());
        assertThat(m.ci95() * Math.sqrt(1000) / m.sd()).isCloseTo(1.962341, within(1e-5));
    }

    @Test
    void shouldGiveNoSpreadForOneSeedAndNothingForNone() {
        final SweepSummary.Stat one = SweepSummary.Stat.of(List.of(94.125));
        assertThat(one.mean()).isEqualTo(94.125);
        assertThat(one.ci95()).isNaN();
        assertThat(one.sd()).isNaN();
        assertThat(SweepSummary.text(one)).isEqualTo("94.1");
        final SweepSummary.Stat none = SweepSummary.Stat.of(List.of());
        assertThat(none.n()).isZero();
        assertThat(none.mean()).isNaN();
        assertThat(SweepSummary.text(none)).isEmpty();
        assertThat(SweepSummary.Stat.of(List.of(3.0, 3.0, 3.0)).ci95()).isZero();
    }

    @Test
    void shouldGroupRowsByTheirSweptValuesInPointOrderAndSkipEmptyFigures() {
        final List<String> header = List.of("point", "offload", "seed", "goodput_down_mbps", "goodput_up_mbps",
            "latency_down_p50_ms", "bottleneck");
        final List<List<String>> rows = List.of(
            List.of("0", "none", "1", "300.000", "1.000", "", "CPU"),
            List.of("1", "none", "2", "310.000", "3.000", "20.000", "CPU"),
            List.of("2", "flowtable", "1", "369.000", "2.000", "0.500", "ports"),
            List.of("3", "flowtable", "2", "369.500", "2.000", "0.700", "ports"));
        final List<SweepSummary.Group> groups = SweepSummary.groups(header, rows);
        assertThat(groups).extracting(SweepSummary.Group::values).containsExactly(List.of("none"),
            List.of("flowtable"));
        assertThat(groups).extracting(SweepSummary.Group::seeds).containsExactly(2, 2);
        final int down = SweepSummary.FIGURES.indexOf("goodput_down_mbps");
        final int latency = SweepSummary.FIGURES.indexOf("latency_down_p50_ms");
        final int cpu = SweepSummary.FIGURES.indexOf("cpu_avg_pct");
        assertThat(groups.get(0).stats().get(down).mean()).isEqualTo(305.0);
        assertThat(groups.get(0).stats().get(latency).n()).isEqualTo(1);
        assertThat(groups.get(0).stats().get(latency).mean()).isEqualTo(20.0);
        assertThat(groups.get(1).stats().get(latency).mean()).isCloseTo(0.6, within(1e-12));
        // a figure results.csv does not have is empty
        assertThat(groups.get(1).stats().get(cpu).n()).isZero();

        final String csv = SweepSummary.csv(header, groups);
        final List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("offload,seeds,goodput_down_mbps_mean,goodput_down_mbps_ci95,"
            + "goodput_down_mbps_sd,goodput_down_mbps_min,goodput_down_mbps_max,goodput_up_mbps_mean,");
        assertThat(SweepCsv.split(lines.get(0))).hasSize(2 + SweepSummary.FIGURES.size() * 5);
        // none: 305 +- 12.706205 * 7.0710678 / sqrt(2) = 63.531
        assertThat(lines.get(1)).startsWith("none,2,305.000,63.531,7.071,300.000,310.000,2.000,");
        final List<String> f = SweepCsv.split(lines.get(1));
        final int lat = 2 + latency * 5;
        assertThat(f.subList(lat, lat + 5)).containsExactly("20.000", "", "", "20.000", "20.000");
        final int c = 2 + cpu * 5;
        assertThat(f.subList(c, c + 5)).containsExactly("", "", "", "", "");
        assertThat(csv).endsWith("\n");
    }

    @Test
    void shouldMakeOneGroupWhenOnlyTheSeedIsSwept() {
        final List<String> header = List.of("point", "seed", "goodput_down_mbps");
        final List<SweepSummary.Group> groups = SweepSummary.groups(header,
            List.of(List.of("0", "1", "1.000"), List.of("1", "2", "3.000"), List.of("2", "3", "5.000")));
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).values()).isEmpty();
        assertThat(groups.get(0).seeds()).isEqualTo(3);
        assertThat(SweepSummary.csv(header, groups).lines().toList().get(1)).startsWith("3,3.000,4.968,2.000,1.000,"
            + "5.000,");
    }
}
