package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applications' own connect timeouts: a connection still opening ({@code SYN_SENT}) at its application's
 * connect timeout is closed by it (no more SYNs) and a new one opened in its place, before the kernel's 131 s. The
 * only dial of the router is down from the start; the SYNs sent while it is down are lost.
 */
class RouterConnectTimeoutTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @TempDir
    Path tmp;

    /**
     * Two connections of an aria2-like downloader (its defaults: {@code --connect-timeout} 60 s, {@code --timeout}
     * 60 s), the dial down for 140 s. Each connect is given up at exactly 60 s after its {@code connect()} (59 s
     * after its first SYN sent again), after 9 SYNs sent again, with no SYN sent after that; the new connection,
     * with a new source port, is given up 60 s later too; the third one's SYN sent again at 155 s gets through once
     * the dial is back, and it carries data. The idle timeout, due at the same 60 s, ends no connection still
     * opening.
     */
    @Test
    void shouldReopenADownloadersConnectionAtItsConnectTimeoutUntilTheDialIsBack() throws IOException {
        final Path trace = tmp.resolve("aria2.jsonl");
        final RouterConfig.App app = new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 2,
                RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 0);
        assertThat(app.connectTimeoutNs()).as("aria2's --connect-timeout").isEqualTo(60 * S);
        assertThat(app.idleTimeoutNs()).as("aria2's --timeout").isEqualTo(60 * S);
        final RouterSimulation sim = new RouterSimulation(oneDialDown(app, 140 * S, 170 * S, trace));
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        assertThat(sim.appConnectTimeouts()).isEqualTo(4);
        assertThat(RouterResults.count(r.tcp(), "app_connect_timeouts")).isEqualTo(4);
        assertThat(RouterResults.count(r.tcp(), "connect_failed")).isZero();
        assertThat(RouterResults.count(r.tcp(), "idle_timeouts")).isZero();
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(4);
        assertThat(RouterResults.count(r.tcp(), "reconnects_refused")).isZero();
        assertThat(RouterResults.count(r.tcp(), "connections")).isEqualTo(6);
        assertThat(RouterResults.count(r.tcp(), "established")).isEqualTo(2);
        assertThat(r.flows()).hasSize(6);
        for (int f = 0; f < 2; f++) {
            // the workload's connection: its connect() is 1 s before its first SYN sent again
            final long opened = first(events, "tcp_syn_retransmit", f).num("time_ns") - 1 * S;
            final int second = expectConnectTimeout(events, r, f, opened, 60 * S);
            final long reopened = first(events, "app_reconnect", f).num("time_ns");
            assertThat(reopened).isEqualTo(opened + 60 * S);
            final int third = expectConnectTimeout(events, r, second, reopened, 60 * S);
            final long last = first(events, "app_reconnect", second).num("time_ns");
            assertThat(last).isEqualTo(opened + 120 * S);
            assertThat(sim.reconnectOf(third)).isEqualTo(second);
            assertThat(sim.flowEstablished(third)).as("flow %d, opened at %d ns", third, last).isTrue();
            final RouterResults.Flow carried = r.flows().get(third);
            assertThat(carried.closedBy()).isNull();
            assertThat(carried.deliveredBytes()).as("flow %d carries data once the dial is back", third)
                    .isPositive();
        }
    }

    /**
     * The same downloader with {@code connectTimeout} none: only the kernel's connect timeout, 131 s after the first
     * SYN ({@code tcp_connect_timeout}), ends the connects (and the idle timeout, 60 s, none of them).
     */
    @Test
    void shouldLeaveTheConnectToTheKernelWithoutAConnectTimeout() throws IOException {
        final Path trace = tmp.resolve("none.jsonl");
        final RouterConfig.App app = new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 2,
                RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 0, 60 * S, 0);
        final RouterSimulation sim = new RouterSimulation(oneDialDown(app, 140 * S, 160 * S, trace));
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        assertThat(sim.appConnectTimeouts()).isZero();
        assertThat(r.tcp()).extracting(RouterResults.Count::name).doesNotContain("app_connect_timeouts");
        assertThat(RouterResults.count(r.tcp(), "idle_timeouts")).isZero();
        assertThat(RouterResults.count(r.tcp(), "connect_failed")).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(2);
        assertThat(events).noneMatch(e -> e.kind().equals("app_connect_timeout"));
        for (int f = 0; f < 2; f++) {
            final long opened = first(events, "tcp_syn_retransmit", f).num("time_ns") - 1 * S;
            assertThat(first(events, "tcp_connect_timeout", f).num("time_ns")).isEqualTo(opened + 131 * S);
            assertThat(first(events, "app_close", f).num("time_ns")).isEqualTo(opened + 131 * S);
            assertThat(r.flows().get(f).closedBy()).isEqualTo("etimedout");
        }
        assertThat(r.flows()).filteredOn(f -> f.id() >= 2).hasSize(2)
                .allSatisfy(f -> assertThat(f.deliveredBytes()).isPositive());
    }

    /**
     * A downloader with a connect timeout of 15 s ({@code aria2c --connect-timeout=15}), the dial down for 50 s:
     * each connection is given up at 15, 30 and 45 s, more times than the one redial's spare slot and the run's one
     * more; the run has a spare slot for each (one per connect timeout that fits in the redial's down time), and the
     * fourth connection carries data. (Three failed tries stay below aria2's {@code --max-tries} 5; libtorrent's
     * own timing of its connect timeouts and tries is RouterTriesTest's.)
     */
    @Test
    void shouldHaveASpareSlotForEveryConnectTimeoutOfADialsDownTime() throws IOException {
        final Path trace = tmp.resolve("short.jsonl");
        final RouterConfig.App app = new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 2,
                RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 0, 60 * S, 15 * S);
        final RouterSimulation sim = new RouterSimulation(oneDialDown(app, 50 * S, 60 * S, trace));
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        assertThat(RouterResults.count(r.tcp(), "app_connect_timeouts")).isEqualTo(6);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(6);
        assertThat(RouterResults.count(r.tcp(), "reconnects_refused")).isZero();
        for (int f = 0; f < 2; f++) {
            final long opened = first(events, "tcp_syn_retransmit", f).num("time_ns") - 1 * S;
            int flow = f;
            for (int k = 1; k <= 3; k++) {
                flow = expectConnectTimeout(events, r, flow, opened + (k - 1) * 15 * S, 15 * S);
            }
            assertThat(r.flows().get(flow).deliveredBytes()).isPositive();
        }
    }

    /**
     * Checks that flow {@code f}, opened at {@code opened}, was given up by its application at exactly
     * {@code opened + timeout}: {@code app_connect_timeout}, then {@code app_close} and {@code app_reconnect} at that
     * time, no SYN sent again after it, {@code closedBy} {@code connect_timeout}, and a new connection with a new
     * source port. Returns the new connection's flow.
     */
    private static int expectConnectTimeout(final List<RouterTraceTest.Event> events, final RouterResults r,
            final int f, final long opened, final long timeout) {
        final long due = opened + timeout;
        final RouterTraceTest.Event t = first(events, "app_connect_timeout", f);
        assertThat(t.num("time_ns")).as("flow %d's connect timeout", f).isEqualTo(due);
        assertThat(t.num("timeout_ms")).isEqualTo(timeout / MS);
        final List<Long> resent = new ArrayList<>();
        for (final RouterTraceTest.Event e : events) {
            if (e.kind().equals("tcp_syn_retransmit") && e.num("flow") == f) {
                resent.add(e.num("time_ns"));
            }
        }
        assertThat(t.num("syn_retransmits")).isEqualTo(resent.size());
        assertThat(resent).as("flow %d: no SYN after its application closed it", f).allMatch(x -> x < due);
        final RouterTraceTest.Event closed = first(events, "app_close", f);
        assertThat(closed.num("time_ns")).isEqualTo(due);
        assertThat(closed.num("reset")).isZero();
        assertThat(closed.num("etimedout")).isZero();
        final RouterTraceTest.Event again = first(events, "app_reconnect", f);
        assertThat(again.num("time_ns")).isEqualTo(due);
        final int s = (int) again.num("new_flow");
        assertThat(r.flows().get(f).closedBy()).isEqualTo("connect_timeout");
        assertThat(r.flows().get(s).reconnectOf()).isEqualTo(f);
        assertThat(r.flows().get(s).sourcePort()).as("a new source port").isNotEqualTo(r.flows().get(f).sourcePort())
                .isEqualTo(again.num("source_port"));
        assertThat(events).noneMatch(e -> e.kind().equals("tcp_connect_timeout") && e.num("flow") == f);
        return s;
    }

    /** One PPPoE dial, down from the start for {@code downNs} (a scheduled redial: its spare slots count). */
    private static RouterConfig oneDialDown(final RouterConfig.App app, final long downNs, final long durationNs,
            final Path trace) {
        return new RouterConfig(RouterFixtures.mt7621Like(), new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(1, 1, 4 * RouterFixtures.MBIT, 0, true, 1492, 20 * MS, 16,
                        List.of(new RouterConfig.Redial(0, 0L, downNs))),
                false, RouterConfig.Balancing.none(), RouterConfig.OffloadMode.NONE,
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384), RouterConfig.QdiscKind.FQ_CODEL,
                List.of(app), durationNs, 1 * S, 1, 0, new RouterConfig.Outputs(null, trace));
    }

    private static RouterTraceTest.Event first(final List<RouterTraceTest.Event> events, final String kind,
            final long flow) {
        for (final RouterTraceTest.Event e : events) {
            if (e.kind().equals(kind) && e.fields().containsKey("flow") && e.num("flow") == flow) {
                return e;
            }
        }
        throw new AssertionError(kind + " of flow " + flow + ": none");
    }
}
