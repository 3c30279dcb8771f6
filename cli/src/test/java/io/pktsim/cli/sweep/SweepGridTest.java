package io.pktsim.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;

import io.pktsim.cli.config.ConfigNode;
import io.pktsim.cli.config.YamlConfigLoader;
import io.pktsim.cli.scenario.Scenario;
import org.junit.jupiter.api.Test;

/** The grid: point order, values put in as typed (through YAML quoting), missing mappings created. */
class SweepGridTest {

    private static ConfigNode tiny() throws Exception {
        return new YamlConfigLoader().load("tiny.yaml", new StringReader(SweepCommandTest.TINY));
    }

    @Test
    void shouldVaryTheLastDimensionFastest() throws Exception {
        final List<SweepGrid.Dimension> dims = List.of(SweepGrid.parseSet("a=1,2,3"), SweepGrid.parseSet("b=x,y"),
            SweepGrid.seeds(2));
        assertThat(SweepGrid.size(dims, 100)).isEqualTo(12);
        assertThat(SweepGrid.valuesOf(dims, 0)).containsExactly("1", "x", "1");
        assertThat(SweepGrid.valuesOf(dims, 1)).containsExactly("1", "x", "2");
        assertThat(SweepGrid.valuesOf(dims, 2)).containsExactly("1", "y", "1");
        assertThat(SweepGrid.valuesOf(dims, 11)).containsExactly("3", "y", "2");
        assertThatThrownBy(() -> SweepGrid.size(dims, 11)).hasMessage("the sweep has more than 11 points; "
            + "expected at most 11");
    }

    @Test
    void shouldPutValuesInAsTypedAndCreateMissingMappings() throws Exception {
        final List<SweepGrid.Dimension> dims = List.of(SweepGrid.parseSet("device.napi.rpsCpus=0x3,0"),
            SweepGrid.parseSet("name=a: \"b\" #c\\d"), SweepGrid.parseSet("workload.apps[0].connections=7"),
            SweepGrid.parseSet("balancing.mode=none"), SweepGrid.parseSet("ipv6=on"));
        final List<SweepGrid.Point> points = SweepGrid.points("dir/tiny.yaml", tiny(), dims, 100);
        assertThat(points).hasSize(2);
        final Scenario s = points.get(0).scenario();
        assertThat(s.device().profile().rpsCpus()).isEqualTo(3L);
        assertThat(points.get(1).scenario().device().profile().rpsCpus()).isZero();
        assertThat(s.name()).isEqualTo("a: \"b\" #c\\d");
        assertThat(s.workload().apps().get(0).connections()).isEqualTo(7);
        assertThat(s.balancing().mode()).isEqualTo(Scenario.BalancingMode.NONE);
        assertThat(s.ipv6()).isTrue();
        assertThat(s.wan().dialsPerLine()).isEqualTo(2);
        assertThat(s.durationNs()).isEqualTo(150_000_000L);
        assertThat(s.source()).isEqualTo("dir/tiny.yaml");
    }

    @Test
    void shouldRefuseToDescendThroughAValue() throws Exception {
        final List<SweepGrid.Dimension> dims = List.of(SweepGrid.parseSet("duration.x=1"));
        assertThatThrownBy(() -> SweepGrid.points("tiny.yaml", tiny(), dims, 100)).hasMessage("--set duration.x=1: "
            + "'duration' is the value '150ms' in the scenario; 'duration.x' needs a mapping there");
        final List<SweepGrid.Dimension> list = List.of(SweepGrid.parseSet("wan[0]=1"));
        assertThatThrownBy(() -> SweepGrid.points("tiny.yaml", tiny(), list, 100)).hasMessage("--set wan[0]=1: "
            + "'wan' is a mapping in the scenario; 'wan[0]' needs a list there");
    }

    @Test
    void shouldQuoteAndSplitCsvFields() {
        final String line = SweepCsv.line(List.of("0", "a,b", "say \"hi\"", ""));
        assertThat(line).isEqualTo("0,\"a,b\",\"say \"\"hi\"\"\",\n");
        assertThat(SweepCsv.split(line.substring(0, line.length() - 1))).containsExactly("0", "a,b", "say \"hi\"",
            "");
    }
}
