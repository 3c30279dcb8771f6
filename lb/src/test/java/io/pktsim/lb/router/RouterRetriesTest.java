package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pktsim.stack.endpoint.HandshakeTimers;

/**
 * When the kernel gives up on a connection, Linux 6.18 with the default sysctls: a connect after its tenth SYN sent
 * again (131 s, {@code tcp_syn_retries} + {@code tcp_syn_linear_timeouts}), an established sender once the time
 * since its first retransmission reached what {@code tcp_model_timeout()} gives for {@code tcp_retries2}
 * (924.6 s). The application, told {@code ETIMEDOUT}, opens a new connection to the same server.
 */
class RouterRetriesTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @TempDir
    Path tmp;

    /**
     * The only dial is down for the first 140 s: the connects of two speed-test connections (no idle timeout of
     * their own) fail 131 s after their first SYN, their applications open new connections at once, whose SYN at
     * about 142 s gets through, and they carry data.
     */
    @Test
    void shouldRetryAConnectTheKernelGaveUpOn() throws IOException {
        final RouterConfig c = RouterFixtures.config(1, 1, 4 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.SPEEDTEST, 1, 2, RouterConfig.Direction.DOWNLOAD)),
                145 * S, 1);
        final Path trace = tmp.resolve("connect.jsonl");
        final RouterSimulation sim = new RouterSimulation(c.withOutputs(new RouterConfig.Outputs(null, trace)));
        sim.scheduleRedial(0, 0L, 140 * S);
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        assertThat(sim.connectFailures()).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "connect_failed")).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "connections")).isEqualTo(4);
        assertThat(RouterResults.count(r.tcp(), "established")).as("the new connections").isEqualTo(2);
        for (int f = 0; f < 2; f++) {
            final long firstResent = first(events, "tcp_syn_retransmit", f).num("time_ns");
            final RouterTraceTest.Event failed = first(events, "tcp_connect_timeout", f);
            assertThat(failed.num("time_ns") - firstResent).as("flow %d: 131 s after its first SYN", f)
                    .isEqualTo(130 * S);
            assertThat(failed.num("retransmissions")).isEqualTo(10);
            final RouterTraceTest.Event closed = first(events, "app_close", f);
            assertThat(closed.num("time_ns")).isEqualTo(failed.num("time_ns"));
            assertThat(closed.num("etimedout")).isEqualTo(1);
            assertThat(closed.num("reset")).isZero();
            final RouterTraceTest.Event again = first(events, "app_reconnect", f);
            assertThat(again.num("time_ns")).isEqualTo(failed.num("time_ns"));
            final int s = (int) again.num("new_flow");
            assertThat(sim.reconnectOf(s)).isEqualTo(f);
            assertThat(sim.flowEstablished(s)).as("flow %d's new connection", f).isTrue();
        }
        assertThat(r.flows()).hasSize(4);
        assertThat(r.flows()).filteredOn(f -> f.id() < 2)
                .allSatisfy(f -> assertThat(f.closedBy()).isEqualTo("etimedout"));
        assertThat(r.flows()).filteredOn(f -> f.id() >= 2).allSatisfy(f -> {
            assertThat(f.closedBy()).isNull();
            assertThat(f.goodputBps()).isPositive();
        });
    }

    /**
     * Four speed-test uploads of one host (no idle timeout) are stranded for good: opened while dial {@code x} was
     * down, NATed through the other dial, and under ECMP policy 0 the route of the host's address pair leads out of
     * dial {@code x} once it is back, whose access server drops them. Each sender's timeouts back off to 120 s, and
     * it gives up at the first expiry 924.6 s or more after its first retransmission, on the ms clock: its
     * application opens a new connection, which takes the route of now and carries data.
     */
    @Test
    void shouldGiveUpAnUploadAfterTcpRetries2AndReconnect() throws IOException {
        final RouterConfig.App app = RouterFixtures.tcp(RouterConfig.AppKind.SPEEDTEST, 1, 4,
                RouterConfig.Direction.UPLOAD);
        final Path trace = tmp.resolve("upload.jsonl");
        final RouterSimulation sim = stranded(app, 1052 * S, trace);
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        assertThat(sim.writeTimeouts()).isEqualTo(4);
        assertThat(RouterResults.count(r.tcp(), "write_timeouts")).isEqualTo(4);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(4);
        for (int f = 0; f < 4; f++) {
            final long gaveUp = expectGiveUp(events, f);
            final RouterTraceTest.Event w = first(events, "tcp_write_timeout", f);
            assertThat(w.num("at_host")).isEqualTo(1);
            final RouterTraceTest.Event closed = first(events, "app_close", f);
            assertThat(closed.num("time_ns")).isEqualTo(gaveUp);
            assertThat(closed.num("etimedout")).isEqualTo(1);
            final RouterTraceTest.Event again = first(events, "app_reconnect", f);
            assertThat(again.num("time_ns")).isEqualTo(gaveUp);
            assertThat(sim.reconnectOf((int) again.num("new_flow"))).isEqualTo(f);
        }
        assertThat(r.flows()).filteredOn(f -> f.id() < 4)
                .allSatisfy(f -> assertThat(f.closedBy()).isEqualTo("etimedout"));
        assertThat(r.flows()).filteredOn(f -> f.id() >= 4).hasSize(4)
                .allSatisfy(f -> assertThat(f.deliveredBytes()).as("the new connections carry data").isPositive());
    }

    /**
     * The same for downloads: the host's ACKs are stranded, the server's timeouts back off, and it gives up at the
     * same modelled time. The server falls silent without a reset ({@code tcp_done()}), so a host whose
     * application has no idle timeout waits on: nothing is reopened, and the server sends nothing more.
     */
    @Test
    void shouldSilenceADownloadsServerAfterTcpRetries2() throws IOException {
        final RouterConfig.App app = RouterFixtures.tcp(RouterConfig.AppKind.SPEEDTEST, 1, 2,
                RouterConfig.Direction.DOWNLOAD);
        final Path trace = tmp.resolve("download.jsonl");
        final RouterSimulation sim = stranded(app, 1300 * S, trace);
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        assertThat(RouterResults.count(r.tcp(), "write_timeouts")).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isZero();
        for (int f = 0; f < 2; f++) {
            final long gaveUp = expectGiveUp(events, f);
            assertThat(first(events, "tcp_write_timeout", f).num("at_host")).isZero();
            for (final RouterTraceTest.Event e : events) {
                if (e.kind().equals("tcp_rto") && e.num("flow") == f) {
                    assertThat(e.num("time_ns")).as("no timeout after giving up").isLessThan(gaveUp);
                }
            }
        }
        assertThat(r.flows()).hasSize(2).allSatisfy(f -> assertThat(f.closedBy()).isNull());
    }

    /**
     * A run of one host's connections through two PPPoE dials under ECMP policy 0 (the address pair), dial
     * {@code x} down for the first 2 s: {@code x} is the dial the pair hashes to, found by a first short run (the
     * one whose return strands the connections).
     */
    private RouterSimulation stranded(final RouterConfig.App app, final long durationNs, final Path trace) {
        for (int x = 0; x < 2; x++) {
            final RouterSimulation probe = new RouterSimulation(twoDials(app, x, 4 * S, null));
            final RouterResults p = probe.run(ProgressListener.NONE);
            if (RouterResults.count(p.drops().byReason(), "wrong_dial") > 0) {
                return new RouterSimulation(twoDials(app, x, durationNs, trace));
            }
        }
        throw new AssertionError("no dial strands the connections");
    }

    private static RouterConfig twoDials(final RouterConfig.App app, final int down, final long durationNs,
            final Path trace) {
        return new RouterConfig(RouterFixtures.mt7621Like(), new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(1, 2, 10 * RouterFixtures.MBIT, 0, true, 1492, 20 * MS, 16,
                        List.of(new RouterConfig.Redial(down, 0L, 2 * S))),
                false, RouterConfig.Balancing.ecmp(0), RouterConfig.OffloadMode.NONE,
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384), RouterConfig.QdiscKind.FQ_CODEL,
                List.of(app), durationNs, 1 * S, 1, 0, new RouterConfig.Outputs(null, trace));
    }

    /**
     * Checks flow {@code f}'s timeouts against the kernel's and returns when it gave up: the first timeout
     * retransmits ({@code retrans_stamp}), each next one comes twice as late up to 120 s (so the second, 2 RTO
     * after the first, gives the RTO), and {@code tcp_write_timeout} fails it at the first expiry whose ms clock
     * is {@code tcp_model_timeout(15, 200 ms)} = 924.6 s or more past the stamp's.
     */
    private static long expectGiveUp(final List<RouterTraceTest.Event> events, final int f) {
        final List<Long> rtos = new ArrayList<>();
        for (final RouterTraceTest.Event e : events) {
            // the timeouts since the dial came back at 2 s and stranded the connection
            if (e.kind().equals("tcp_rto") && e.num("flow") == f && e.num("time_ns") > 2 * S) {
                rtos.add(e.num("time_ns"));
                assertThat(e.num("backoff")).as("no acknowledgement in between").isEqualTo(rtos.size());
            }
        }
        assertThat(rtos).hasSizeGreaterThan(2);
        final long stamp = rtos.get(0);
        final long rto = (rtos.get(1) - stamp) / 2;
        assertThat(rto).isGreaterThanOrEqualTo(200 * MS);
        final List<Long> expected = new ArrayList<>();
        long t = stamp;
        int backoff = 1;
        while (t / MS - stamp / MS < 924_600L) {
            expected.add(t);
            t += HandshakeTimers.backoffNs(rto, backoff++);
        }
        assertThat(rtos).as("flow %d's timeouts", f).isEqualTo(expected);
        final RouterTraceTest.Event w = first(events, "tcp_write_timeout", f);
        assertThat(w.num("time_ns")).as("flow %d gives up", f).isEqualTo(t);
        assertThat(w.num("retransmissions")).isEqualTo(expected.size());
        assertThat(t - stamp).as("924.6 s after the first retransmission, or more")
                .isGreaterThanOrEqualTo(924_600 * MS);
        return t;
    }

    private static RouterTraceTest.Event first(final List<RouterTraceTest.Event> events, final String kind,
            final long flow) {
        final Map<String, RouterTraceTest.Event> found = new HashMap<>();
        for (final RouterTraceTest.Event e : events) {
            if (e.kind().equals(kind) && e.fields().containsKey("flow") && e.num("flow") == flow) {
                found.putIfAbsent(kind, e);
            }
        }
        assertThat(found).as("%s of flow %d", kind, flow).containsKey(kind);
        return found.get(kind);
    }
}
