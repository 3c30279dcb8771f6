package io.pktsim.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pktsim.cli.PktsimMain;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@code pktsim run} on random valid scenarios (every preset, offload, balancing mode and app type; PPPoE or not;
 * IPv4 or IPv6; packet steering, NAPI threading, RX queues), each a fraction of a simulated second: the run
 * succeeds, and the JSON holds together. Each hardware thread's contexts add up to its busy time; flows and dials
 * add up to the goodput; each dial's flow count matches the flows; GRO's received packets are merged plus
 * flushed; no port is above 100 %; no figure is negative or NaN; every TCP connection is counted. Stop 19's
 * fuzzing found a CPU split that did not add up and a crash in the handshake's timers this way.
 */
class RunInvariantsPropertyTest {

    private static final String[] APPS = {"browser", "downloader", "p2p", "speedtest", "udp"};
    private static final String[] BALANCING = {"none", "ecmp", "mwan3", "per-packet"};
    private static final String[] FIREWALL = {"fw3", "fw3-2019", "fw4"};

    @Property(tries = 25)
    void shouldRunAnyValidScenarioToAConsistentResult(@ForAll @IntRange(min = 0, max = 2) final int preset,
            @ForAll @IntRange(min = 1, max = 4) final int lines, @ForAll @IntRange(min = 1, max = 4) final int dials,
            @ForAll final boolean pppoe, @ForAll final boolean ipv6, @ForAll @IntRange(min = 0, max = 3) final int mode,
            @ForAll @IntRange(min = 0, max = 3) final int policy, @ForAll @IntRange(min = 0, max = 2) final int offload,
            @ForAll @IntRange(min = 0, max = 4) final int app1, @ForAll @IntRange(min = 0, max = 4) final int app2,
            @ForAll final boolean upload, @ForAll @IntRange(min = 0, max = 3) final int steering,
            @ForAll @IntRange(min = 0, max = 1_000_000) final int seed) throws IOException {
        final String name = new String[] {"k2p", "newifi-y1", "x86"}[preset];
        final List<String> y = new ArrayList<>();
        y.add("name: random");
        y.add("device:");
        y.add("  preset: " + name);
        if (preset != 1) {
            y.add("  napi: {rpsCpus: " + new String[] {"0", "0x2", "0xe", "0xf"}[steering] + ", threaded: "
                + (seed % 2 == 0) + "}");
        }
        if (preset == 2) {
            y.add("  driver: {rxQueues: " + (1 + steering) + "}");
        }
        y.add("ipv6: " + ipv6);
        y.add("lan: {hosts: 3}");
        y.add("wan: {lines: " + lines + ", dialsPerLine: " + dials + ", pppoe: " + pppoe + ", lineRate: "
            + (seed % 3 == 0 ? "20mbit" : "100mbit") + ", dialShaping: " + (seed % 5 == 0 ? "10mbit" : "0bit")
            + ", rtt: 10ms, servers: 4" + (seed % 4 == 1 ? ", redials: [{dial: " + seed % (lines * dials)
                + ", at: 90ms, down: " + (20 + seed % 100) + "ms}]" : "") + "}");
        final String balancing = BALANCING[mode];
        y.add("balancing: {mode: " + balancing + (balancing.equals("ecmp") ? ", fibMultipathHashPolicy: " + policy
            : "") + "}");
        y.add("offload: " + (preset == 0 ? new String[] {"none", "flowtable", "ppe"}[offload]
            : new String[] {"none", "flowtable", "none"}[offload]));
        y.add("firewall: {kind: " + FIREWALL[seed % 3] + "}");
        y.add("workload:");
        y.add("  apps:");
        for (final int a : new int[] {app1, app2}) {
            final String type = APPS[a];
            final StringBuilder app = new StringBuilder("    - {type: " + type + ", hosts: " + (1 + seed % 3)
                + ", direction: " + (upload && a != 3 ? "upload" : "download"));
            if (type.equals("udp")) {
                app.append(", flows: 2, rate: ").append(seed % 2 == 0 ? "30mbit" : "200mbit")
                    .append(", packetBytes: ").append(seed % 2 == 0 ? 1200 : 200)
                    .append(", pattern: ").append(new String[] {"cbr", "poisson", "onoff"}[seed % 3]);
            } else if (type.equals("p2p")) {
                app.append(", peers: 6");
            } else {
                app.append(", connections: 4");
            }
            if (!type.equals("udp") && seed % 4 == 1) {
                app.append(", timeout: ").append(seed % 2 == 0 ? "0s" : "60ms");
            }
            y.add(app.append(", start: ").append(a * 20).append("ms}").toString());
        }
        y.add("duration: 250ms");
        y.add("warmUp: 50ms");
        y.add("seed: " + seed);
        final Path dir = Files.createTempDirectory("pktsim-prop");
        try {
            final Path scenario = dir.resolve("s.yaml");
            Files.writeString(scenario, String.join("\n", y) + "\n", StandardCharsets.UTF_8);
            final Path json = dir.resolve("r.json");
            final StringWriter err = new StringWriter();
            final int code = PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "run",
                scenario.toString(), "--quiet", "--json", json.toString());
            assertThat(code).as("%s%n%s", String.join("\n", y), err).isZero();
            check(new ObjectMapper().readTree(json.toFile()), String.join("\n", y));
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.delete(dir);
        }
    }

    private static void check(final JsonNode j, final String scenario) {
        final JsonNode cpu = j.get("cpu");
        double sum = 0;
        for (final JsonNode t : cpu.get("threads")) {
            final double busy = t.get("busy").asDouble();
            assertThat(busy).as(scenario).isBetween(0.0, 1.0);
            assertThat(t.get("hardIrq").asDouble() + t.get("softirq").asDouble() + t.get("thread").asDouble())
                .as("cpu%d's contexts add up to its busy time%n%s", t.get("cpu").asInt(), scenario)
                .isCloseTo(busy, within(4e-6));
            sum += busy;
        }
        assertThat(cpu.get("average").asDouble()).isCloseTo(sum / cpu.get("threads").size(), within(2e-6));
        final JsonNode tp = j.get("throughput");
        long down = 0;
        long up = 0;
        final int[] perDial = new int[j.get("dials").size()];
        long tcp = 0;
        for (final JsonNode f : j.get("flows")) {
            final long bps = f.get("goodputBps").asLong();
            assertThat(bps).isNotNegative();
            if (f.get("direction").asText().equals("download")) {
                down += bps;
            } else {
                up += bps;
            }
            if (f.get("dial").asInt() >= 0) {
                perDial[f.get("dial").asInt()]++;
            }
            if (f.get("protocol").asText().equals("tcp")) {
                tcp++;
            }
        }
        final int flows = j.get("flows").size();
        assertThat(down).as("flows add up to the download%n%s", scenario)
            .isCloseTo(tp.get("goodputDownloadBps").asLong(), within((long) flows + 8));
        assertThat(up).isCloseTo(tp.get("goodputUploadBps").asLong(), within((long) flows + 8));
        long dialDown = 0;
        long dialUp = 0;
        int d = 0;
        for (final JsonNode dial : j.get("dials")) {
            dialDown += dial.get("downloadBps").asLong();
            dialUp += dial.get("uploadBps").asLong();
            assertThat(dial.get("flows").asInt()).as("dial %d's flows%n%s", d, scenario).isEqualTo(perDial[d]);
            d++;
        }
        assertThat(dialDown).isCloseTo(tp.get("goodputDownloadBps").asLong(), within((long) d + 8));
        assertThat(dialUp).isCloseTo(tp.get("goodputUploadBps").asLong(), within((long) d + 8));
        for (final JsonNode p : j.get("ports")) {
            assertThat(p.get("rxUtilization").asDouble()).isBetween(0.0, 1.0);
            assertThat(p.get("txUtilization").asDouble()).isBetween(0.0, 1.0);
        }
        final JsonNode gro = j.get("gro");
        assertThat(gro.get("received").asLong()).isEqualTo(gro.get("merged").asLong() + gro.get("flushed").asLong());
        final JsonNode t = j.get("tcp");
        assertThat(t.get("connections").asLong()).isEqualTo(tcp);
        // a connection or UDP socket that found no source port never opened: counted, and marked in its flow
        final long refused = t.path("connects_refused").asLong(0);
        long notOpened = 0;
        for (final JsonNode f : j.get("flows")) {
            if (f.has("openError")) {
                notOpened++;
                assertThat(f.get("deliveredBytes").asLong()).isZero();
                assertThat(f.get("dial").asInt()).isEqualTo(-1);
            }
        }
        assertThat(notOpened).as(scenario).isEqualTo(refused + j.path("udp").path("binds_refused").asLong(0));
        assertThat(t.get("established").asLong()).isBetween(0L, tcp - refused);
        // every connection ended is opened again unless the spare slots ran out, its application gave up (its limit
        // on its tries) or waits to try again (libtorrent); each new one names an ended one
        final long ended = t.get("resets").asLong() + t.get("idle_timeouts").asLong()
            + t.path("app_connect_timeouts").asLong(0);
        assertThat(t.get("reconnects").asLong() + t.get("reconnects_refused").asLong()
            + t.path("app_gave_up").asLong(0) + t.path("reconnects_waiting").asLong(0)).as(scenario)
            .isEqualTo(ended);
        long closed = 0;
        final List<Integer> replaced = new ArrayList<>();
        for (final JsonNode f : j.get("flows")) {
            if (f.has("closedBy")) {
                closed++;
            }
            if (f.has("reconnectOf")) {
                final int of = f.get("reconnectOf").asInt();
                assertThat(of).as(scenario).isLessThan(f.get("id").asInt());
                assertThat(j.get("flows").get(of).has("closedBy")).as(scenario).isTrue();
                assertThat(replaced).as("one new connection per ended one%n%s", scenario).doesNotContain(of);
                replaced.add(of);
            }
        }
        assertThat(closed).as(scenario).isEqualTo(ended);
        assertThat((long) replaced.size()).isEqualTo(t.get("reconnects").asLong());
        for (final JsonNode drop : j.get("drops").get("byReason")) {
            assertThat(drop.asLong()).isNotNegative();
        }
    }
}
