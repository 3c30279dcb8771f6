package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled redial ({@code wan.redials}) and what the connections do about it: conntrack's masquerade cleanup
 * ends the connections NATed through the dial (an upload's next packet meets the server's reset; a download waits
 * for its application's idle timeout), ECMP's rebalance strands connections of other dials until the dial is back
 * (their packets leave by another dial with their NAT's address), mwan3 keeps them, the retransmission timer backs
 * off, and the applications open new connections in place of the ended ones.
 */
class RouterRedialTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @TempDir
    Path tmp;

    /** 4 lines x 2 PPPoE dials of 100 Mbit/s, 2 hosts x 8 connections of one app, one redial of dial 0. */
    private static RouterConfig config(final RouterConfig.Balancing balancing, final RouterConfig.App app,
            final RouterConfig.Redial redial, final long warmupNs, final long durationNs, final Path trace) {
        return new RouterConfig(RouterFixtures.mt7621Like(), new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(4, 2, 100 * RouterFixtures.MBIT, 0, true, 1492, 20 * MS, 16, List.of(redial)),
                false, balancing, RouterConfig.OffloadMode.NONE,
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384), RouterConfig.QdiscKind.FQ_CODEL,
                List.of(app), durationNs, warmupNs, 3, 0, new RouterConfig.Outputs(null, trace));
    }

    private static RouterConfig.App app(final RouterConfig.AppKind kind, final RouterConfig.Direction dir,
            final long startNs, final long idleTimeoutNs) {
        return new RouterConfig.App(kind, 2, 8, dir, RouterConfig.CongestionControl.CUBIC, 0, 0, startNs,
                idleTimeoutNs);
    }

    /** Per flow, the dial its (last) connection tracking entry masqueraded it to before {@code beforeNs}. */
    private static Map<Long, Long> natDials(final List<RouterTraceTest.Event> events, final long beforeNs) {
        final Map<Long, Long> dials = new HashMap<>();
        for (final RouterTraceTest.Event e : events) {
            if (e.kind().equals("conntrack_new") && e.num("time_ns") < beforeNs) {
                dials.put(e.num("flow"), e.num("dial"));
            }
        }
        return dials;
    }

    private static Set<Long> flowsOn(final Map<Long, Long> dials, final long dial) {
        final Set<Long> on = new HashSet<>();
        dials.forEach((f, d) -> {
            if (d == dial) {
                on.add(f);
            }
        });
        return on;
    }

    private static List<RouterTraceTest.Event> of(final List<RouterTraceTest.Event> events, final String kind) {
        final List<RouterTraceTest.Event> out = new ArrayList<>();
        for (final RouterTraceTest.Event e : events) {
            if (e.kind().equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * mwan3 keeps every connection on the dial its conntrack mark names: the redial ends exactly the uploads NATed
     * through dial 0, each by the server's reset within a retransmission timeout and a round trip, and their
     * applications open new connections, which carry data; the other connections never notice.
     */
    @Test
    void shouldEndOnlyTheRedialedDialsConnectionsUnderMwan3() throws IOException {
        final Path trace = tmp.resolve("mwan3.jsonl");
        final RouterResults r = new RouterSimulation(config(RouterConfig.Balancing.mwan3(),
                app(RouterConfig.AppKind.DOWNLOADER, RouterConfig.Direction.UPLOAD, 0, 60 * S),
                new RouterConfig.Redial(0, 3 * S, 2 * S), 1 * S, 5 * S, trace)).run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);
        final Set<Long> onDial0 = flowsOn(natDials(events, 3 * S), 0);
        assertThat(onDial0).as("connections through dial 0").isNotEmpty();
        final Set<Long> reset = new HashSet<>();
        for (final RouterTraceTest.Event e : of(events, "app_close")) {
            assertThat(e.num("reset")).as("closed by a reset").isEqualTo(1L);
            assertThat(e.num("time_ns")).isBetween(3 * S, 3 * S + 1500 * MS);
            reset.add(e.num("flow"));
        }
        assertThat(reset).isEqualTo(onDial0);
        assertThat(RouterResults.count(r.tcp(), "resets")).isEqualTo(onDial0.size());
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(onDial0.size());
        assertThat(RouterResults.count(r.tcp(), "idle_timeouts")).isZero();
        assertThat(RouterResults.count(r.drops().byReason(), "wrong_dial")).as("mwan3 moves nothing").isZero();
        assertThat(r.flows()).hasSize(16 + onDial0.size());
        for (final RouterResults.Flow f : r.flows()) {
            if (f.id() >= 16) {
                // a new connection in place of an ended one: another source port, established, carrying data
                assertThat(onDial0).contains((long) f.reconnectOf());
                assertThat(f.sourcePort()).isNotEqualTo(r.flows().get(f.reconnectOf()).sourcePort());
                assertThat(f.dial()).isNotEqualTo(0);
                assertThat(f.goodputBps()).isPositive();
                assertThat(f.closedBy()).isNull();
            } else if (onDial0.contains((long) f.id())) {
                assertThat(f.closedBy()).isEqualTo("reset");
            } else {
                assertThat(f.closedBy()).isNull();
                assertThat(f.goodputBps()).as("flow %d", f.id()).isPositive();
            }
        }
        assertThat(RouterResults.count(r.tcp(), "established")).isEqualTo(16 + onDial0.size());
    }

    /**
     * ECMP (policy 1) rebalances the multipath route when dial 0 goes down: connections of other dials now leave
     * by another dial with their NAT's source address and are dropped ({@code wrong_dial}); their retransmission
     * timers back off, doubling; once the dial is back the route leads home and they carry data again (the window
     * starts after it). mwan3, in the same run, strands nothing.
     */
    @Test
    void shouldStrandOtherDialsConnectionsUnderEcmpUntilTheDialIsBack() throws IOException {
        final Path trace = tmp.resolve("ecmp.jsonl");
        final RouterResults r = new RouterSimulation(config(RouterConfig.Balancing.ecmp(1),
                app(RouterConfig.AppKind.DOWNLOADER, RouterConfig.Direction.UPLOAD, 0, 0),
                new RouterConfig.Redial(0, 2 * S, 4 * S), 7 * S, 3 * S, trace)).run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);
        final Set<Long> onDial0 = flowsOn(natDials(events, 2 * S), 0);
        assertThat(RouterResults.count(r.drops().byReason(), "wrong_dial")).as("stranded").isPositive();
        assertThat(RouterResults.count(r.tcp(), "resets")).isEqualTo(onDial0.size());
        assertThat(RouterResults.count(r.tcp(), "idle_timeouts")).as("timeout 0: never").isZero();
        // the stranded connections' timeouts while the dial is down: 0.2 s or more, then doubling
        final Map<Long, List<Long>> rtos = new HashMap<>();
        for (final RouterTraceTest.Event e : of(events, "tcp_rto")) {
            if (e.num("time_ns") > 2 * S && e.num("time_ns") < 6 * S && !onDial0.contains(e.num("flow"))) {
                rtos.computeIfAbsent(e.num("flow"), k -> new ArrayList<>()).add(e.num("time_ns"));
            }
        }
        assertThat(rtos).as("stranded connections").isNotEmpty();
        for (final List<Long> times : rtos.values()) {
            assertThat(times.size()).as("at most 5 doubling timeouts in 4 s").isLessThanOrEqualTo(5);
            for (int i = 2; i < times.size(); i++) {
                final long prev = times.get(i - 1) - times.get(i - 2);
                assertThat(times.get(i) - times.get(i - 1)).isEqualTo(2 * prev);
            }
        }
        // after the dial is back, every connection of the workload that was not ended carries data again; one
        // opened while it was down was masqueraded through one of the seven live dials, and the rebalance when
        // dial 0 comes back may strand it for good
        for (final RouterResults.Flow f : r.flows()) {
            if (f.closedBy() == null && f.id() < 16) {
                assertThat(f.goodputBps()).as("flow %d", f.id()).isPositive();
            }
        }
    }

    /**
     * {@code tcp_rcv_spurious_retrans()}: over IPv6, a download's host that receives again data it already has, with
     * a new flow label (the server's RTO drew one), draws a new label for its own packets, at most once per server
     * timeout. Under policy 0, which hashes the label, the connection's next packet is routed again, and a stranded
     * connection can find its NAT's dial while the redialed dial is still down. IPv4 has no label: no rehash.
     */
    @Test
    void shouldLetAStrandedIpv6DownloadFindItsDialByItsDuplicateDataRehash() throws IOException {
        final long[] rehashes = new long[2];
        for (final boolean ipv6 : new boolean[] {true, false}) {
            final Path trace = tmp.resolve("dup" + ipv6 + ".jsonl");
            final RouterConfig base = config(RouterConfig.Balancing.ecmp(0),
                    app(RouterConfig.AppKind.DOWNLOADER, RouterConfig.Direction.DOWNLOAD, 0, 0),
                    new RouterConfig.Redial(0, 1 * S, 20 * S), 1 * S, 4 * S, trace);
            final RouterResults r = new RouterSimulation(new RouterConfig(base.profile(), base.lan(), base.wan(),
                    ipv6, base.balancing(), base.offload(), base.firewall(), base.qdisc(), base.workload(),
                    base.durationNs(), base.warmupNs(), base.seed(), base.run(), base.outputs()))
                    .run(ProgressListener.NONE);
            rehashes[ipv6 ? 0 : 1] = RouterResults.count(r.tcp(), "duplicate_data_rehashes");
            if (!ipv6) {
                break;
            }
            final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);
            final Map<Long, Long> nat = natDials(events, 1 * S);
            final Map<Long, Integer> serverTimeouts = new HashMap<>();
            final Map<Long, Integer> hostRehashes = new HashMap<>();
            final Set<Long> foundHome = new HashSet<>();
            final Map<Long, Boolean> rehashedSinceRouted = new HashMap<>();
            for (final RouterTraceTest.Event e : events) {
                final String kind = e.kind();
                if (!e.fields().containsKey("flow")) {
                    continue;
                }
                final long f = e.num("flow");
                if (kind.equals("tcp_rto") && e.num("at_host") == 0) {
                    serverTimeouts.merge(f, 1, Integer::sum);
                } else if (kind.equals("tcp_txhash_rethink")) {
                    // a download's host has no timeout of its own: each of its rehashes is a duplicate's
                    hostRehashes.merge(f, 1, Integer::sum);
                    assertThat(hostRehashes.get(f)).as("flow %d: at most one per server timeout", f)
                            .isLessThanOrEqualTo(serverTimeouts.getOrDefault(f, 0));
                    rehashedSinceRouted.put(f, true);
                } else if (kind.equals("dial_ecmp") && rehashedSinceRouted.getOrDefault(f, false)) {
                    rehashedSinceRouted.put(f, false);
                    if (e.num("dial") == nat.getOrDefault(f, -1L) && e.num("time_ns") < 21 * S) {
                        foundHome.add(f);
                    }
                }
            }
            assertThat(hostRehashes).as("hosts that rehashed").isNotEmpty();
            assertThat(rehashedSinceRouted.values()).as("each rehash routed again").doesNotContain(true);
            assertThat(foundHome).as("stranded downloads routed home by a new label, dial 0 still down")
                    .isNotEmpty();
            for (final long f : foundHome) {
                assertThat(r.flows().get((int) f).goodputBps()).as("flow %d goes on", f).isPositive();
            }
        }
        assertThat(rehashes[0]).isPositive();
        assertThat(rehashes[1]).as("IPv4: no label, no rehash").isZero();
    }

    private static RouterConfig withOffload(final RouterConfig c, final RouterConfig.OffloadMode offload) {
        return new RouterConfig(c.profile(), c.lan(), c.wan(), c.ipv6(), c.balancing(), offload, c.firewall(),
                c.qdisc(), c.workload(), c.durationNs(), c.warmupNs(), c.seed(), c.run(), c.outputs());
    }

    /**
     * A software flowtable sends its flows through the neighbour layer, so the route change of a redial tears
     * them down ({@code nf_flow_dst_check}); once the garbage collector has removed them (a second), the next packet
     * offloads the connection again, and the route of the other direction is looked up on the device that packet
     * came in on ({@code nft_flow_route}). A stranded download is offloaded again from its server's data, which
     * came in on its NAT's dial: its ACKs then leave by that dial, and it goes on while the redialed dial is still
     * down. Without the flowtable it waits for the dial. An upload is offloaded again from the host's packet, out
     * of the wrong dial: it stays stranded.
     */
    @Test
    void shouldTearDownASoftwareFlowtablesFlowsAtARedialAndOffloadThemAgain() {
        final long[] stuck = new long[2];
        for (final RouterConfig.OffloadMode offload : new RouterConfig.OffloadMode[] {RouterConfig.OffloadMode.NONE,
            RouterConfig.OffloadMode.FLOWTABLE}) {
            final RouterResults r = new RouterSimulation(withOffload(config(RouterConfig.Balancing.ecmp(1),
                    app(RouterConfig.AppKind.DOWNLOADER, RouterConfig.Direction.DOWNLOAD, 0, 0),
                    new RouterConfig.Redial(0, 2 * S, 20 * S), 5 * S, 3 * S, null), offload))
                    .run(ProgressListener.NONE);
            if (offload == RouterConfig.OffloadMode.FLOWTABLE) {
                assertThat(RouterResults.count(r.flowtable(), "stale_route_teardowns")).as("torn down").isPositive();
            }
            stuck[offload.ordinal()] = r.flows().stream().filter(f -> f.closedBy() == null && f.goodputBps() == 0
                    && f.dial() != 0).count();
        }
        final RouterResults up = new RouterSimulation(withOffload(config(RouterConfig.Balancing.ecmp(1),
                app(RouterConfig.AppKind.DOWNLOADER, RouterConfig.Direction.UPLOAD, 0, 0),
                new RouterConfig.Redial(0, 2 * S, 20 * S), 5 * S, 3 * S, null), RouterConfig.OffloadMode.FLOWTABLE))
                .run(ProgressListener.NONE);
        assertThat(stuck[RouterConfig.OffloadMode.NONE.ordinal()]).as("no flowtable: stranded downloads wait")
                .isPositive();
        assertThat(stuck[RouterConfig.OffloadMode.FLOWTABLE.ordinal()]).as("flowtable: offloaded again, home")
                .isZero();
        assertThat(RouterResults.count(up.drops().byReason(), "wrong_dial")).as("uploads: stranded fast path")
                .isPositive();
        assertThat(up.flows()).filteredOn(f -> f.closedBy() == null && f.goodputBps() == 0 && f.dial() != 0)
                .as("stranded uploads").isNotEmpty();
    }

    /**
     * A download through the redialed dial hears nothing more (its server sends to an address that is gone): its
     * application closes it when its idle timeout expires, a second after the last data, and opens a new
     * connection, unless its host still owed an ACK and met the server's reset first. An application without a
     * timeout (a speed test) has only the resets.
     */
    @Test
    void shouldReopenADownloadWhenTheApplicationsIdleTimeoutExpires() throws IOException {
        final Path trace = tmp.resolve("idle.jsonl");
        final RouterResults r = new RouterSimulation(config(RouterConfig.Balancing.mwan3(),
                app(RouterConfig.AppKind.DOWNLOADER, RouterConfig.Direction.DOWNLOAD, 0, 1 * S),
                new RouterConfig.Redial(0, 2 * S, 5 * S), 1 * S, 5 * S, trace)).run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);
        final Set<Long> onDial0 = flowsOn(natDials(events, 2 * S), 0);
        assertThat(onDial0).isNotEmpty();
        final Set<Long> closed = new HashSet<>();
        for (final RouterTraceTest.Event e : of(events, "app_close")) {
            if (e.num("reset") == 0) {
                assertThat(e.num("idle_ms")).as("idle for the timeout").isBetween(1000L, 1001L);
                assertThat(e.num("time_ns")).isBetween(3 * S - 50 * MS, 3 * S + 50 * MS);
            }
            closed.add(e.num("flow"));
        }
        assertThat(closed).isEqualTo(onDial0);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(onDial0.size());
        for (final RouterResults.Flow f : r.flows()) {
            if (f.id() >= 16) {
                assertThat(f.goodputBps()).isPositive();
            }
        }

        final RouterResults never = new RouterSimulation(config(RouterConfig.Balancing.mwan3(),
                app(RouterConfig.AppKind.SPEEDTEST, RouterConfig.Direction.DOWNLOAD, 0, 0),
                new RouterConfig.Redial(0, 2 * S, 5 * S), 3 * S, 3 * S, null)).run(ProgressListener.NONE);
        assertThat(RouterResults.count(never.tcp(), "idle_timeouts")).isZero();
        // a host with a delayed ACK due after the redial sends it, and meets the server's reset
        assertThat(RouterResults.count(never.tcp(), "reconnects"))
                .isEqualTo(RouterResults.count(never.tcp(), "resets"));
        assertThat(never.flows()).filteredOn(f -> f.closedBy() != null)
                .allSatisfy(f -> assertThat(f.closedBy()).isEqualTo("reset"));
    }

    /**
     * A connection whose SYN went out through the dial just before it dropped loses only its SYN-ACK: the SYN sent
     * again a second later is a new connection to conntrack, masqueraded through a live dial, and the handshake
     * completes; nothing is reset.
     */
    @Test
    void shouldOpenAConnectionWhoseSynWentOutJustBeforeTheRedial() {
        final RouterSimulation sim = new RouterSimulation(config(RouterConfig.Balancing.mwan3(),
                app(RouterConfig.AppKind.DOWNLOADER, RouterConfig.Direction.DOWNLOAD, 1990 * MS, 60 * S),
                new RouterConfig.Redial(0, 2 * S + 5 * MS, 3 * S), 1 * S, 4 * S, null));
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(sim.synRetransmits()).as("SYN-ACKs lost with the session").isPositive();
        assertThat(RouterResults.count(r.tcp(), "established")).isEqualTo(16);
        assertThat(RouterResults.count(r.tcp(), "resets")).isZero();
        assertThat(r.flows()).hasSize(16).allSatisfy(f -> assertThat(f.goodputBps()).isPositive());
    }

    /**
     * A UDP upload through the redialed dial goes on: its next datagram is a new connection to conntrack,
     * masqueraded through a live dial. Under mwan3 every flow keeps its whole rate; under ECMP the rebalance
     * strands UDP flows of other dials too (their packets leave by another dial with their NAT's address), while
     * the flows of dial 0 itself go on. A UDP download's server sends to the address that is gone.
     */
    @Test
    void shouldMoveUdpUploadsToALiveDialAndLoseUdpDownloads() throws IOException {
        final long rate = 4 * RouterFixtures.MBIT;
        final long payload = rate * 1172 / 1200;
        final RouterConfig.App up = new RouterConfig.App(RouterConfig.AppKind.UDP_CBR, 2, 8,
                RouterConfig.Direction.UPLOAD, RouterConfig.CongestionControl.NEWRENO, rate, 1200, 0);
        final RouterResults m = new RouterSimulation(config(RouterConfig.Balancing.mwan3(), up,
                new RouterConfig.Redial(0, 1 * S, 10 * S), 2 * S, 2 * S, null)).run(ProgressListener.NONE);
        // every flow delivers its whole rate in the window (the UDP payload of 1200-byte IPv4 packets)
        for (final RouterResults.Flow f : m.flows()) {
            assertThat(f.dial()).isNotEqualTo(0);
            assertThat(f.goodputBps()).as("flow %d", f.id()).isBetween(payload * 99 / 100, payload * 101 / 100);
        }
        final Path trace = tmp.resolve("udp.jsonl");
        final RouterResults e = new RouterSimulation(config(RouterConfig.Balancing.ecmp(1), up,
                new RouterConfig.Redial(0, 1 * S, 10 * S), 2 * S, 2 * S, trace)).run(ProgressListener.NONE);
        final Set<Long> onDial0 = flowsOn(natDials(RouterTraceTest.read(trace), 1 * S), 0);
        assertThat(onDial0).isNotEmpty();
        assertThat(RouterResults.count(e.drops().byReason(), "wrong_dial")).as("stranded").isPositive();
        for (final RouterResults.Flow f : e.flows()) {
            if (onDial0.contains((long) f.id())) {
                assertThat(f.dial()).isNotEqualTo(0);
                assertThat(f.goodputBps()).as("flow %d", f.id()).isBetween(payload * 99 / 100,
                        payload * 101 / 100);
            }
        }
        assertThat(e.flows()).filteredOn(f -> f.goodputBps() == 0).as("stranded flows of other dials")
                .isNotEmpty();
        final RouterConfig.App down = new RouterConfig.App(RouterConfig.AppKind.UDP_CBR, 2, 8,
                RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.NEWRENO, rate, 1200, 0);
        final RouterResults d = new RouterSimulation(config(RouterConfig.Balancing.mwan3(), down,
                new RouterConfig.Redial(0, 1 * S, 10 * S), 2 * S, 2 * S, null)).run(ProgressListener.NONE);
        assertThat(d.flows()).filteredOn(f -> f.goodputBps() == 0).as("downloads through dial 0").isNotEmpty();
        assertThat(d.flows()).filteredOn(f -> f.goodputBps() > 0).isNotEmpty();
    }
}
