package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.pcap.PcapFormatException;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pcap taps and the decision trace of a run: what they hold, and that they change nothing. */
class PcapTapsTest {

    @TempDir
    Path tmp;

    private static RouterConfig config(final RouterConfig.Outputs outputs) {
        final RouterConfig c = RouterFixtures.config(1, 2, 100 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.FLOWTABLE, RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 1, 4, RouterConfig.Direction.DOWNLOAD)),
                200_000_000L, 7);
        return new RouterConfig(c.profile(), c.lan(), c.wan(), c.ipv6(), c.balancing(), c.offload(), c.firewall(),
                c.qdisc(), c.workload(), c.durationNs(), c.warmupNs(), c.seed(), c.run(), outputs);
    }

    private RouterResults run(final Path dir, final Path trace) throws IOException {
        Files.createDirectories(dir);
        return new RouterSimulation(config(new RouterConfig.Outputs(dir, trace))).run(ProgressListener.NONE);
    }

    @Test
    void shouldWriteBothTapsWithVlanPppoeOnTheWanSideWithoutChangingTheResults()
            throws IOException, PcapFormatException {
        final RouterResults plain = new RouterSimulation(config(RouterConfig.Outputs.NONE)).run(ProgressListener.NONE);
        final RouterResults tapped = run(tmp.resolve("a"), tmp.resolve("a.jsonl"));
        assertThat(tapped).isEqualTo(plain);

        try (PcapReader r = PcapReader.open(tmp.resolve("a").resolve(PcapTaps.WAN_FILE))) {
            assertThat(r.linkType()).isEqualTo(1);
            assertThat(r.nanoseconds()).isTrue();
            long n = 0;
            boolean truncatedData = false;
            while (r.next()) {
                final var f = r.frame();
                assertThat(f.getShort(12, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF).as("802.1Q").isEqualTo(0x8100);
                assertThat(f.getShort(16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF).as("PPPoE session")
                        .isEqualTo(0x8864);
                assertThat(f.getByte(18) & 0xFF).as("PPPoE ver/type").isEqualTo(0x11);
                assertThat(f.getShort(24, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF).as("PPP IPv4").isEqualTo(0x0021);
                assertThat(f.getByte(26) & 0xF0).as("IPv4").isEqualTo(0x40);
                assertThat(r.originalLength()).isGreaterThanOrEqualTo(r.capturedLength());
                truncatedData |= r.originalLength() > r.capturedLength();
                n++;
            }
            assertThat(n).as("wan records").isGreaterThan(10);
            assertThat(truncatedData).as("downloaded segments received: payload counted, not stored").isTrue();
        }
        try (PcapReader r = PcapReader.open(tmp.resolve("a").resolve(PcapTaps.LAN_FILE))) {
            assertThat(r.linkType()).isEqualTo(1);
            long n = 0;
            boolean truncated = false;
            while (r.next()) {
                assertThat(r.frame().getShort(16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF).isEqualTo(0x0800);
                truncated |= r.originalLength() > r.capturedLength();
                n++;
            }
            assertThat(n).as("lan records").isGreaterThan(100);
            assertThat(truncated).as("downloaded segments: payload counted, not stored").isTrue();
        }

        final List<String> lines = Files.readAllLines(tmp.resolve("a.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines.stream().filter(l -> l.contains("\"kind\":\"dial_ecmp\"")).count()).as("one per connection")
                .isEqualTo(4);
        assertThat(lines.stream().filter(l -> l.contains("\"kind\":\"conntrack_new\"")).count()).isEqualTo(4);
        assertThat(lines).anyMatch(l -> l.contains("\"kind\":\"flow_offload\""));
        assertThat(lines).allMatch(l -> l.startsWith("{\"time_ns\":") && l.endsWith("}"));
    }

    private static long count(final List<String> lines, final String kind) {
        return lines.stream().filter(l -> l.contains("\"kind\":\"" + kind + "\"")).count();
    }

    private static long value(final List<RouterResults.Count> counts, final String name) {
        return counts.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void shouldTraceOneEventPerCountedDecision() throws IOException {
        // No warm-up: the results count the whole run, as the trace does.
        final RouterConfig c = RouterFixtures.config(2, 1, 20 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.PPE, RouterConfig.Balancing.mwan3(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 2, 3, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.udp(1, 2, 30 * RouterFixtures.MBIT, 1200)),
                300_000_000L, 11);
        final Path trace = tmp.resolve("t.jsonl");
        final RouterResults r = new RouterSimulation(new RouterConfig(c.profile(), c.lan(), c.wan(), c.ipv6(),
                c.balancing(), c.offload(), c.firewall(), c.qdisc(), c.workload(), c.durationNs(), 0L, c.seed(),
                c.run(), new RouterConfig.Outputs(null, trace))).run(ProgressListener.NONE);
        final List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
        assertThat(count(lines, "dial_mwan3")).as("one per connection").isEqualTo(8);
        assertThat(count(lines, "conntrack_new")).isEqualTo(value(r.conntrack(), "inserted")).isEqualTo(8);
        assertThat(count(lines, "flow_offload")).isEqualTo(value(r.flowtable(), "offloaded")).isPositive();
        assertThat(count(lines, "ppe_bind")).isEqualTo(value(r.ppe(), "bound")).isPositive();
        long dropped = 0;
        for (final RouterResults.Count d : r.drops().byReason()) {
            assertThat(count(lines, "drop_" + d.name())).as(d.name()).isEqualTo(d.value());
            dropped += d.value();
        }
        assertThat(dropped).as("the 30 Mbit/s UDP flows overrun the 20 Mbit/s lines").isPositive();
    }

    @Test
    void shouldWriteIdenticalBytesTwice() throws IOException {
        run(tmp.resolve("a"), tmp.resolve("a.jsonl"));
        run(tmp.resolve("b"), tmp.resolve("b.jsonl"));
        for (final String f : List.of(PcapTaps.WAN_FILE, PcapTaps.LAN_FILE)) {
            assertThat(Files.readAllBytes(tmp.resolve("b").resolve(f)))
                    .isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(f)));
        }
        assertThat(Files.readAllBytes(tmp.resolve("b.jsonl"))).isEqualTo(Files.readAllBytes(tmp.resolve("a.jsonl")));
    }

    @Test
    void shouldWriteAFrameWithoutAllocating() throws IOException {
        final PacketStore store = new PacketStore(4, 256, 64);
        final int h = new PacketBuilder(store).reset().ethernet(1L, 2L).vlan(2).pppoe(0x1000).ipv4(1, 2)
                .tcp(1000, 443, 1, 0, 0).payload(1400).build();
        try (PcapTaps taps = PcapTaps.open(tmp, 160)) {
            final long[] t = {0};
            AllocationMeter.assertNoAllocation("PcapTaps.frame", () -> taps.frame(t[0]++, store, h, (t[0] & 1) == 0));
            assertThat(taps.wanRecords() + taps.lanRecords()).isGreaterThan(20_000);
        }
    }

    @Test
    void shouldLeaveNothingBehindOnAFailedRun() throws IOException {
        final Path dir = tmp.resolve("c");
        Files.createDirectories(dir);
        final RouterSimulation sim = new RouterSimulation(config(new RouterConfig.Outputs(dir,
                tmp.resolve("c.jsonl"))));
        final RuntimeException boom = new IllegalStateException("boom");
        try {
            sim.run((t, d) -> {
                throw boom;
            });
        } catch (final IllegalStateException e) {
            assertThat(e).isSameAs(boom);
        }
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(tmp.resolve("c.jsonl")).doesNotExist();
    }
}
