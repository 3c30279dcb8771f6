package io.pktsim.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    private final YamlConfigLoader loader = new YamlConfigLoader();

    private ConfigReader read(final String yaml) throws ConfigException {
        return new ConfigReader(loader.load("s.yaml", new StringReader(yaml)));
    }

    @Test
    void shouldReadTypedValuesWithUnits() throws ConfigException {
        final ConfigReader r = read("""
            name: k2p
            seed: 0x2a
            duration: 1.5s
            rate: 100mbit
            uplink: 940Mbps
            offload: flowtable
            weight: 2.5
            ipv6: on
            dials:
              - {name: wan1, weight: 1}
              - {name: wan2, weight: 3}
            """);
        assertThat(r.string("name", null)).isEqualTo("k2p");
        assertThat(r.integer("seed", null, 0, Long.MAX_VALUE)).isEqualTo(42);
        assertThat(r.durationNs("duration", null, 0, Long.MAX_VALUE)).isEqualTo(1_500_000_000L);
        assertThat(r.rateBps("rate", null, 1, Long.MAX_VALUE)).isEqualTo(100_000_000L);
        assertThat(r.rateBps("uplink", null, 1, Long.MAX_VALUE)).isEqualTo(940_000_000L);
        assertThat(r.choice("offload", "none", "none", "flowtable", "ppe")).isEqualTo("flowtable");
        assertThat(r.decimal("weight", null, 0, 10)).isEqualTo(2.5);
        assertThat(r.bool("ipv6", null)).isTrue();
        assertThat(r.bool("absent", false)).isFalse();
        final List<ConfigReader> dials = r.objects("dials", true, 1);
        assertThat(dials).hasSize(2);
        assertThat(dials.get(1).integer("weight", 1L, 1, 256)).isEqualTo(3);
        assertThat(dials.get(1).node().path()).isEqualTo("dials[1]");
        r.finish();
    }

    @Test
    void shouldSuggestTheNearestKnownKey() throws ConfigException {
        final ConfigReader r = read("""
            duration: 10s
            sed: 1
            """);
        r.durationNs("duration", null, 0, Long.MAX_VALUE);
        r.integer("seed", 0L, 0, 100);
        assertThatThrownBy(r::finish).isInstanceOf(ConfigException.class)
            .hasMessage("s.yaml:2:1: unknown key 'sed' at the top level; did you mean 'seed'? "
                + "(known keys: duration, seed)");
    }

    @Test
    void shouldNameFileLineColumnKeyValueAndRange() throws ConfigException {
        final ConfigReader r = read("""
            topology:
              dials: 8
              rate: -5mbit
            """);
        final ConfigReader t = r.object("topology", true);
        assertThat(t.integer("dials", null, 1, 64)).isEqualTo(8);
        assertThatThrownBy(() -> t.rateBps("rate", null, 1, Long.MAX_VALUE))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("s.yaml:3:9: 'topology.rate' is '-5mbit'; expected a rate");
        final ConfigReader again = read("dials: 65\n");
        assertThatThrownBy(() -> again.integer("dials", null, 1, 64))
            .hasMessage("s.yaml:1:8: 'dials' is 65; expected an integer from 1 to 64");
    }

    @Test
    void shouldRejectAWordNotAllowedWithASuggestion() throws ConfigException {
        final ConfigReader r = read("balance: ecpm\n");
        assertThatThrownBy(() -> r.choice("balance", null, "ecmp", "mwan3", "none"))
            .hasMessage("s.yaml:1:10: 'balance' is 'ecpm'; expected one of ecmp, mwan3, none (did you mean 'ecmp'?)");
    }

    @Test
    void shouldRejectMissingKeysAndWrongShapes() throws ConfigException {
        final ConfigReader r = read("workload: [1, 2]\n");
        assertThatThrownBy(() -> r.durationNs("duration", null, 0, 10))
            .hasMessageContaining("missing key 'duration'");
        assertThatThrownBy(() -> r.object("workload", true))
            .hasMessage("s.yaml:1:11: 'workload' is a list; expected a mapping of keys");
    }

    @Test
    void shouldRejectBadYamlDuplicatesAndNonMappings() {
        assertThatThrownBy(() -> read("a: 1\na: 2\n")).isInstanceOf(ConfigException.class)
            .hasMessage("s.yaml:2:1: duplicate key 'a' (first at line 1)");
        assertThatThrownBy(() -> read("a: [1, 2\n")).isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("s.yaml:").hasMessageContaining("not valid YAML");
        // one line, at SnakeYAML's problem mark, with what it was reading and where that started
        assertThatThrownBy(() -> read("a:\n  b: 1\n  c 2\n  d: 3\n")).isInstanceOf(ConfigException.class)
            .hasMessage("s.yaml:4:3: not valid YAML: could not find expected ':' (while scanning a simple key that"
                + " starts at line 3, column 3)");
        assertThatThrownBy(() -> read("a:\n  - 1\n - 2\n")).isInstanceOf(ConfigException.class)
            .hasMessage("s.yaml:3:2: not valid YAML: expected <block end>, but found '<block sequence start>'"
                + " (while parsing a block mapping that starts at line 1, column 1)");
        assertThatThrownBy(() -> read("- 1\n- 2\n")).hasMessageContaining("expected a mapping");
        assertThatThrownBy(() -> read("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> read("a: 1\n---\nb: 2\n")).hasMessageContaining("more than one YAML document");
    }

    @Test
    void shouldParseUnitsExactly() {
        assertThat(Units.parseDurationNs("250ms")).isEqualTo(250_000_000L);
        assertThat(Units.parseDurationNs("1.5us")).isEqualTo(1_500L);
        assertThat(Units.parseDurationNs("2min")).isEqualTo(120_000_000_000L);
        assertThat(Units.parseRateBps("1gbit")).isEqualTo(1_000_000_000L);
        assertThat(Units.parseRateBps("500kbit/s")).isEqualTo(500_000L);
        assertThatThrownBy(() -> Units.parseDurationNs("0.5ns")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Units.parseDurationNs("10")).isInstanceOf(IllegalArgumentException.class);
        // zero is the one number that needs no unit (scenarios.md: "dialShaping may be 0", "warmUp ... 0 to 10s")
        assertThat(Units.parseDurationNs("0")).isZero();
        assertThat(Units.parseDurationNs("0.0")).isZero();
        assertThat(Units.parseRateBps("0")).isZero();
        assertThatThrownBy(() -> Units.parseRateBps("10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Units.parseDurationNs("0.01")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Units.parseRateBps("10furlongs")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Units.formatNs(8_000_000)).isEqualTo("8ms");
        assertThat(Units.formatBps(100_000_000)).isEqualTo("100mbit");
        assertThat(Suggest.distance("dail", "dial")).isEqualTo(1);
        assertThat(Suggest.nearest("xyzzy", List.of("seed", "duration"))).isNull();
    }
}
