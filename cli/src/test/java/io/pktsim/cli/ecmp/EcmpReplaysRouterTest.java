package io.pktsim.cli.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pktsim.cli.PktsimMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the K2P default scenario's connections, as {@code pktsim run} reports them (host, server, source
 * port, dial), replayed through {@code pktsim ecmp --skb-hash ppe} with the run's policy and
 * {@code fibMultipathHashSeed}, take the same dials. The addresses are those docs/results.md gives for the hosts and
 * servers of a run.
 */
class EcmpReplaysRouterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static String[] run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = PktsimMain.execute(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as(err.toString()).isZero();
        return new String[] {out.toString(), err.toString()};
    }

    /** A host's or server's IPv6 address: its prefix with the IPv4 address (192.168.1.2 + h, 93.184.0.1 + s). */
    private static String ipv6(final String prefix, final int v4) {
        return prefix + Integer.toHexString(v4 >>> 16) + ":" + Integer.toHexString(v4 & 0xFFFF);
    }

    @Test
    void shouldReplayEveryConnectionsDialOfTheK2pDefaultScenario() throws IOException {
        final Path scenario = Path.of(System.getProperty("pktsim.root", ".."), "docs", "scenarios", "k2p-8dial.yaml");
        final Path json = tmp.resolve("r.json");
        run("run", scenario.toString(), "--duration", "200ms", "--quiet", "--json", json.toString());
        final JsonNode r = JSON.readTree(json.toFile());
        assertThat(r.at("/scenario/ipv6").asBoolean()).isTrue();
        final long seed = r.at("/scenario/fibMultipathHashSeed").asLong();
        final int dials = r.at("/scenario/dials").asInt();

        final StringBuilder csv = new StringBuilder("src,dst,proto,sport,dport\n");
        final List<Integer> expected = new ArrayList<>();
        for (final JsonNode f : r.get("flows")) {
            final int host = f.get("host").asInt();
            final int server = f.get("server").asInt();
            final int hostV4 = 0xC0A8_0000 | (1 + host / 250) << 8 | (2 + host % 250);
            final int serverV4 = 0x5DB8_0000 | (server + 1);
            csv.append(ipv6("2001:db8:1::", hostV4)).append(',').append(ipv6("2606:2800::", serverV4)).append(',')
                .append(f.get("protocol").asText()).append(',').append(f.get("sourcePort").asInt()).append(",443\n");
            expected.add(f.get("dial").asInt());
        }
        assertThat(expected).hasSize(32).doesNotContain(-1);
        final Path flows = tmp.resolve("flows.csv");
        Files.writeString(flows, csv.toString(), StandardCharsets.UTF_8);

        final String weights = String.join(",", java.util.Collections.nCopies(dials, "1"));
        final String[] out = run("ecmp", "--family", "ipv6", "--policy", "1", "--seed", Long.toString(seed),
            "--nexthops", weights, "--skb-hash", "ppe", "--flows", flows.toString());
        final List<Integer> replayed = out[0].lines().skip(1)
            .map(l -> Integer.parseInt(l.substring(l.lastIndexOf(',') + 1))).toList();
        assertThat(replayed).isEqualTo(expected);

        // without the PPE's hash, the seed-keyed five-tuple hash would put some of them elsewhere
        final String[] bySeed = run("ecmp", "--family", "ipv6", "--policy", "1", "--seed", Long.toString(seed),
            "--nexthops", weights, "--flows", flows.toString());
        final List<Integer> seedDials = bySeed[0].lines().skip(1)
            .map(l -> Integer.parseInt(l.substring(l.lastIndexOf(',') + 1))).toList();
        assertThat(seedDials).isNotEqualTo(expected);
    }
}
