package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The LAN hosts' source ports in the engine ({@link EphemeralPorts}): a connection or UDP socket that finds no free
 * port is never opened ({@code connect()}'s {@code EADDRNOTAVAIL}, the first send's {@code EAGAIN}) while the others
 * run; an ended connection's port is free again at once after a reset or a close before its handshake completed,
 * and 60 s ({@code TIME_WAIT}) after the application closed an established connection.
 */
class RouterPortsTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** One line, one plain dial, one server: every connection of host 0 goes to server 0. */
    private static RouterConfig config(final List<RouterConfig.App> apps, final List<RouterConfig.Redial> redials,
            final long lineBps, final long warmupNs, final long durationNs) {
        return new RouterConfig(RouterFixtures.mt7621Like(), new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(1, 1, lineBps, 0, false, 1500, 10 * MS, 1, redials),
                false, RouterConfig.Balancing.none(), RouterConfig.OffloadMode.NONE,
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 65_536), RouterConfig.QdiscKind.FQ_CODEL,
                apps, durationNs, warmupNs, 3, 0, RouterConfig.Outputs.NONE);
    }

    /**
     * Downloaders of host 0 with {@code connections} connections in all, each app up to 4,096, their idle and
     * connect timeouts both {@code timeoutNs}.
     */
    private static List<RouterConfig.App> downloads(final int connections, final long timeoutNs) {
        final List<RouterConfig.App> apps = new ArrayList<>();
        for (int left = connections; left > 0; left -= 4096) {
            apps.add(new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, Math.min(4096, left),
                    RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 0, timeoutNs,
                    timeoutNs));
        }
        return apps;
    }

    /** The flows add up to the goodput: their bytes exactly, their rates to within a bit/s each. */
    private static void assertFlowsAddUp(final RouterResults r) {
        long bytes = 0;
        long bps = 0;
        for (final RouterResults.Flow f : r.flows()) {
            bytes += f.deliveredBytes();
            bps += f.goodputBps();
        }
        assertThat(r.goodputDownloadBps()).isEqualTo((long) (bytes * 8.0 * 1e9 / r.measuredNs()));
        assertThat(bps).isBetween(r.goodputDownloadBps() - r.flows().size(), r.goodputDownloadBps());
    }

    /**
     * 28,240 connections from one host to one server, 8 more than its {@code ip_local_port_range} holds: the last 8
     * find no port and are never opened (no packet, no dial, no bytes, {@code EADDRNOTAVAIL}); the others run and
     * carry the goodput, which the flows still add up to. Their application's timeouts (1 s) close many: the ones
     * still opening (its connect timeout) free their ports at once, and the connections opened in their place take
     * exactly those ports (the range is full), while a port in {@code TIME_WAIT} (an established connection its
     * application closed at its idle timeout) is never given again within the run's 60 s. Without the release none
     * could have been opened again.
     */
    @Test
    void shouldRefuseTheConnectionsBeyondTheRangeAndReuseOnlyThePortsFreedAtOnce() {
        final int connections = EphemeralPorts.REMAINING + 8;
        final RouterSimulation sim = new RouterSimulation(config(downloads(connections, 1 * S), List.of(),
                20 * RouterFixtures.MBIT, 500 * MS, 2500 * MS));
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(RouterResults.count(r.tcp(), "connects_refused")).isEqualTo(8);
        assertThat(RouterResults.count(r.tcp(), "connections")).isEqualTo(r.flows().size());
        assertThat(RouterResults.count(r.tcp(), "established"))
            .isLessThanOrEqualTo(r.flows().size() - 8L).isPositive();
        assertThat(r.udp()).isEmpty();
        long refused = 0;
        for (final RouterResults.Flow f : r.flows()) {
            if (f.openError() != null) {
                refused++;
                assertThat(f.id()).isBetween(EphemeralPorts.REMAINING, connections - 1);
                assertThat(f.openError()).isEqualTo("EADDRNOTAVAIL");
                assertThat(f.sourcePort()).isEqualTo(EphemeralPorts.NO_PORT);
                assertThat(f.dial()).as("no packet left the router").isEqualTo(-1);
                assertThat(f.deliveredBytes()).isZero();
                assertThat(f.closedBy()).isNull();
                assertThat(sim.flowEstablished(f.id())).isFalse();
            } else {
                assertThat(f.sourcePort()).isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
            }
        }
        assertThat(refused).isEqualTo(8);
        assertThat(r.goodputDownloadBps()).isPositive();
        assertFlowsAddUp(r);
        final long reconnects = RouterResults.count(r.tcp(), "reconnects");
        assertThat(reconnects).as("opened again in freed ports").isPositive();
        // per port, its holders in the order they took it (ids grow in the order connections were opened)
        final Map<Integer, List<RouterResults.Flow>> holders = new HashMap<>();
        for (final RouterResults.Flow f : r.flows()) {
            if (f.openError() == null) {
                holders.computeIfAbsent(f.sourcePort(), p -> new ArrayList<>()).add(f);
            }
        }
        long timeWaits = 0;
        long drawnAgain = 0;
        for (final List<RouterResults.Flow> h : holders.values()) {
            for (int k = 0; k < h.size(); k++) {
                final RouterResults.Flow f = h.get(k);
                final boolean timeWait = "idle_timeout".equals(f.closedBy());
                assertThat(timeWait && !sim.flowEstablished(f.id())).as("flow %d: idle while opening", f.id())
                    .isFalse();
                if (timeWait) {
                    timeWaits++;
                }
                if (k + 1 < h.size()) {
                    drawnAgain++;
                    assertThat(f.closedBy()).as("flow %d's port was drawn again", f.id()).isNotNull();
                    assertThat(timeWait).as("flow %d's port was drawn again in TIME_WAIT", f.id()).isFalse();
                    assertThat(h.get(k + 1).reconnectOf()).isNotNegative();
                }
            }
        }
        assertThat(drawnAgain).isEqualTo(reconnects);
        assertThat(timeWaits).as("some closes were active, established ones").isPositive();
    }

    /**
     * 28,235 UDP sockets on one host, 3 more than its range holds: the last 3 get no port (their first send's
     * automatic bind fails, {@code EAGAIN}) and never send; the others do.
     */
    @Test
    void shouldNotOpenTheUdpSocketsBeyondTheRange() {
        final List<RouterConfig.App> apps = new ArrayList<>();
        for (int left = EphemeralPorts.HIGH + 1 - EphemeralPorts.LOW + 3; left > 0; left -= 4096) {
            apps.add(new RouterConfig.App(RouterConfig.AppKind.UDP_CBR, 1, Math.min(4096, left),
                    RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 20_000L, 1200, 0, 0));
        }
        final RouterResults r = new RouterSimulation(config(apps, List.of(), 1000 * RouterFixtures.MBIT, 1000 * MS,
                500 * MS)).run(ProgressListener.NONE);
        assertThat(RouterResults.count(r.udp(), "binds_refused")).isEqualTo(3);
        assertThat(RouterResults.count(r.udp(), "sockets")).isEqualTo(r.flows().size());
        assertThat(RouterResults.count(r.tcp(), "connects_refused")).isZero();
        int refused = 0;
        int carrying = 0;
        for (final RouterResults.Flow f : r.flows()) {
            if (f.openError() != null) {
                refused++;
                assertThat(f.openError()).isEqualTo("EAGAIN");
                assertThat(f.id()).isGreaterThanOrEqualTo(r.flows().size() - 3);
                assertThat(f.dial()).isEqualTo(-1);
                assertThat(f.deliveredBytes()).isZero();
            } else if (f.deliveredBytes() > 0) {
                carrying++;
            }
        }
        assertThat(refused).isEqualTo(3);
        assertThat(carrying).isPositive();
        assertFlowsAddUp(r);
    }

    /**
     * The three ends of a connection and its port, with host 0 holding every port to server 0 but its two
     * connections' (the test takes the others before the run). The only dial goes down at 1 s for good. Flow 0
     * (idle timeout 5 s) hears nothing more and its application closes it at about 6 s: an active close of an
     * established connection, its port in TIME_WAIT, so the application finds no port to open another
     * ({@code EADDRNOTAVAIL}: {@code reconnects_refused}). Flow 1 (70 s) owes an ACK and meets the server's reset:
     * its port is free at once, and flow 2, opened in its place, takes it. Flow 2 never completes its handshake
     * (the dial is down); its application closes it at its 70 s connect timeout, which frees its port at once (a
     * {@code SYN_SENT} socket), and flow 3, opened then, more than 60 s after flow 0's close, takes flow 0's port,
     * out of TIME_WAIT by then.
     */
    @Test
    void shouldDrawAPortAgainAtOnceAfterAResetOrAnUnfinishedOpenAndSixtySecondsAfterAnActiveClose() {
        final List<RouterConfig.App> apps = List.of(
                new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 1, RouterConfig.Direction.DOWNLOAD,
                        RouterConfig.CongestionControl.CUBIC, 0, 0, 0, 5 * S),
                new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 1, RouterConfig.Direction.DOWNLOAD,
                        RouterConfig.CongestionControl.CUBIC, 0, 0, 0, 70 * S, 70 * S));
        final RouterSimulation sim = new RouterSimulation(config(apps,
                List.of(new RouterConfig.Redial(0, 1 * S, 200 * S)), 20 * RouterFixtures.MBIT, 100 * MS, 74 * S));
        final EphemeralPorts ports = sim.ports();
        int taken = 0;
        while (ports.next(0, 0, false, 0L) != EphemeralPorts.NO_PORT) {
            taken++;
        }
        assertThat(taken).isEqualTo(EphemeralPorts.REMAINING - 2);
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(RouterResults.count(r.tcp(), "idle_timeouts")).isEqualTo(1);
        assertThat(RouterResults.count(r.tcp(), "app_connect_timeouts")).isEqualTo(1);
        assertThat(RouterResults.count(r.tcp(), "resets")).isEqualTo(1);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "reconnects_refused")).as("flow 0's port in TIME_WAIT").isEqualTo(1);
        assertThat(r.flows()).hasSize(4);
        final List<RouterResults.Flow> f = r.flows();
        assertThat(f.get(0).closedBy()).isEqualTo("idle_timeout");
        assertThat(sim.flowEstablished(0)).isTrue();
        assertThat(f.get(1).closedBy()).isEqualTo("reset");
        assertThat(f.get(2).reconnectOf()).isEqualTo(1);
        assertThat(f.get(2).sourcePort()).as("freed at once by the reset").isEqualTo(f.get(1).sourcePort());
        assertThat(f.get(2).closedBy()).isEqualTo("connect_timeout");
        assertThat(sim.flowEstablished(2)).isFalse();
        assertThat(f.get(3).reconnectOf()).isEqualTo(2);
        assertThat(f.get(3).sourcePort()).as("out of TIME_WAIT").isEqualTo(f.get(0).sourcePort());
        assertThat(f.get(3).closedBy()).isNull();
    }

    /**
     * A {@code connect()} the kernel gives up on (131 s, {@code tcp_done()}) frees its port then. Host 0 holds every
     * port to server 0 but its two connections'; the only dial is down from before they start to past the run's
     * end, so neither ever hears a SYN-ACK and both connects fail at 131 s (their applications have no connect
     * timeout of their own, and an idle timeout, flow 1's 140 s, ends no connection still opening). Each
     * application, told {@code ETIMEDOUT}, opens a new connection at once, which finds a
     * port: one of the two the failed connects let go (without that release the range would still be full, and
     * none would be opened).
     */
    @Test
    void shouldFreeThePortOfAConnectThatTimedOut() {
        final List<RouterConfig.App> apps = List.of(
                new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 1, RouterConfig.Direction.DOWNLOAD,
                        RouterConfig.CongestionControl.CUBIC, 0, 0, 10 * MS, 0, 0),
                new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 1, RouterConfig.Direction.DOWNLOAD,
                        RouterConfig.CongestionControl.CUBIC, 0, 0, 10 * MS, 140 * S, 0));
        final RouterSimulation sim = new RouterSimulation(config(apps,
                List.of(new RouterConfig.Redial(0, 1 * MS, 300 * S)), 20 * RouterFixtures.MBIT, 100 * MS, 142 * S));
        final EphemeralPorts ports = sim.ports();
        int taken = 0;
        while (ports.next(0, 0, false, 0L) != EphemeralPorts.NO_PORT) {
            taken++;
        }
        assertThat(taken).as("every other port to server 0").isEqualTo(EphemeralPorts.REMAINING - 2);
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(RouterResults.count(r.tcp(), "connect_failed")).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "idle_timeouts")).isZero();
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "reconnects_refused")).isZero();
        assertThat(r.flows()).hasSize(4);
        // in the order the connects failed (their starts' stagger)
        assertThat(List.of(r.flows().get(2).reconnectOf(), r.flows().get(3).reconnectOf()))
            .containsExactlyInAnyOrder(0, 1);
        for (int f = 0; f < 2; f++) {
            assertThat(r.flows().get(f).closedBy()).isEqualTo("etimedout");
            assertThat(r.flows().get(2 + f).sourcePort())
                .isIn(r.flows().get(0).sourcePort(), r.flows().get(1).sourcePort());
        }
    }
}
