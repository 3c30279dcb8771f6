package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applications' limits on their tries: aria2 gives a URI up after {@code --max-tries} failed tries (5), and
 * libtorrent stops connecting to a peer after {@code max_failcount} failures (3), trying it again only
 * {@code (failcount + 1) * min_reconnect_time} after its last close, with a connect timeout of
 * {@code peer_connect_timeout + 3 * failcount} checked at its session's {@code second_tick()}. The router has one
 * PPPoE dial; the SYNs sent while it is down are lost.
 */
class RouterTriesTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @TempDir
    Path tmp;

    /**
     * aria2 with its defaults ({@code --connect-timeout} 60 s, {@code --max-tries} 5), the dial down for 400 s: the
     * connection is given up at its connect timeout 60, 120, 180, 240 and 300 s after the first {@code connect()},
     * opened again at once after each of the first four, and after the fifth failed try the application gives the
     * download of that connection up: no new connection, no SYN after it.
     */
    @Test
    void shouldGiveADownloadUpAfterFiveFailedTries() throws IOException {
        final Path trace = tmp.resolve("aria2.jsonl");
        final RouterConfig.App app = RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 1,
                RouterConfig.Direction.DOWNLOAD);
        assertThat(app.maxTries()).as("aria2's --max-tries").isEqualTo(5);
        final RouterSimulation sim = new RouterSimulation(config(app,
                List.of(new RouterConfig.Redial(0, 0L, 400 * S)), 330 * S, trace));
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        final long opened = first(events, "tcp_syn_retransmit", 0).num("time_ns") - 1 * S;
        assertThat(times(events, "app_connect_timeout")).containsExactly(opened + 60 * S, opened + 120 * S,
                opened + 180 * S, opened + 240 * S, opened + 300 * S);
        assertThat(times(events, "app_reconnect")).containsExactly(opened + 60 * S, opened + 120 * S,
                opened + 180 * S, opened + 240 * S);
        final RouterTraceTest.Event gaveUp = only(events, "app_give_up");
        assertThat(gaveUp.num("time_ns")).isEqualTo(opened + 300 * S);
        assertThat(gaveUp.num("flow")).isEqualTo(4);
        assertThat(gaveUp.num("tries")).isEqualTo(5);
        assertThat(gaveUp.num("max_tries")).isEqualTo(5);
        assertThat(times(events, "tcp_syn_retransmit")).as("no SYN after the last try").allMatch(
                t -> t < opened + 300 * S);
        assertThat(RouterResults.count(r.tcp(), "app_connect_timeouts")).isEqualTo(5);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(4);
        assertThat(RouterResults.count(r.tcp(), "reconnects_refused")).isZero();
        assertThat(RouterResults.count(r.tcp(), "app_gave_up")).isEqualTo(1);
        assertThat(sim.appGaveUp()).isEqualTo(1);
        assertThat(r.flows()).hasSize(5);
        for (int f = 0; f < 5; f++) {
            assertThat(r.flows().get(f).closedBy()).isEqualTo("connect_timeout");
            assertThat(r.flows().get(f).gaveUp()).as("flow %d", f).isEqualTo(f == 4);
            assertThat(r.flows().get(f).reconnectOf()).isEqualTo(f - 1);
            assertThat(sim.flowFailedTries(f)).isEqualTo(f + 1);
        }
    }

    /**
     * The same downloader with {@code maxTries} 0 (none): it opens its connection again after every connect
     * timeout, the fifth one included, and never gives up.
     */
    @Test
    void shouldNotGiveUpWithoutALimit() throws IOException {
        final Path trace = tmp.resolve("none.jsonl");
        final RouterConfig.App app = new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 1,
                RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 0, 60 * S, 60 * S, 0);
        final RouterSimulation sim = new RouterSimulation(config(app,
                List.of(new RouterConfig.Redial(0, 0L, 400 * S)), 330 * S, trace));
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        final long opened = first(events, "tcp_syn_retransmit", 0).num("time_ns") - 1 * S;
        assertThat(times(events, "app_reconnect")).containsExactly(opened + 60 * S, opened + 120 * S,
                opened + 180 * S, opened + 240 * S, opened + 300 * S);
        assertThat(events).noneMatch(e -> e.kind().equals("app_give_up"));
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(5);
        assertThat(r.tcp()).extracting(RouterResults.Count::name).doesNotContain("app_gave_up");
        assertThat(r.flows()).noneMatch(RouterResults.Flow::gaveUp);
        assertThat(sim.flowFailedTries(5)).isEqualTo(5);
    }

    /**
     * aria2 counts a reset as a failed try, and a transfer that went well in between does not set the count back:
     * an uploading downloader with {@code maxTries} 2 whose dial redials at 2 s and at 6 s (1 s each) meets its
     * server's reset after each; it opens its connection again after the first, which carries data, and gives up
     * after the second.
     */
    @Test
    void shouldCountAResetAsAFailedTryOfADownloader() throws IOException {
        final Path trace = tmp.resolve("reset.jsonl");
        final RouterConfig.App app = new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 1,
                RouterConfig.Direction.UPLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 0, 60 * S, 60 * S, 2);
        final RouterSimulation sim = new RouterSimulation(config(app, List.of(new RouterConfig.Redial(0, 2 * S, 1 * S),
                new RouterConfig.Redial(0, 6 * S, 1 * S)), 10 * S, trace));
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        assertThat(RouterResults.count(r.tcp(), "resets")).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(1);
        assertThat(RouterResults.count(r.tcp(), "app_gave_up")).isEqualTo(1);
        assertThat(r.flows()).hasSize(2);
        assertThat(r.flows().get(0).closedBy()).isEqualTo("reset");
        assertThat(r.flows().get(0).gaveUp()).isFalse();
        final RouterResults.Flow second = r.flows().get(1);
        assertThat(second.reconnectOf()).isZero();
        assertThat(sim.flowEstablished(1)).isTrue();
        assertThat(second.deliveredBytes()).as("the second connection carried data").isPositive();
        assertThat(second.closedBy()).isEqualTo("reset");
        assertThat(second.gaveUp()).isTrue();
        final RouterTraceTest.Event gaveUp = only(events, "app_give_up");
        assertThat(gaveUp.num("flow")).isEqualTo(1);
        assertThat(gaveUp.num("tries")).isEqualTo(2);
        assertThat(gaveUp.num("time_ns")).isEqualTo(first(events, "app_close", 1).num("time_ns"))
                .isGreaterThan(6 * S);
    }

    /**
     * libtorrent with its defaults ({@code peer_connect_timeout} 15 s, {@code max_failcount} 3,
     * {@code min_reconnect_time} 60 s), one peer, the dial down for 500 s, the application started at 0. The first
     * connect, made within the first millisecond, times out at the session's tick at 16 s (the first more than 15 s
     * after it); the peer is tried again (1 + 1) x 60 s after that close, at 136 s, with a connect timeout of
     * 15 + 3 = 18 s, checked at the tick at 155 s (18 s after a connect made at a tick is not more than 18 s); then
     * (2 + 1) x 60 s later, at 335 s, with 21 s, given up at 357 s; that was the third failure: no more tries.
     */
    @Test
    void shouldTryAPeerThreeTimesAtLibtorrentsTicksAndWaits() throws IOException {
        final Path trace = tmp.resolve("p2p.jsonl");
        final RouterConfig.App app = RouterFixtures.tcp(RouterConfig.AppKind.P2P, 1, 1,
                RouterConfig.Direction.DOWNLOAD);
        assertThat(app.maxTries()).as("libtorrent's max_failcount").isEqualTo(3);
        final RouterSimulation sim = new RouterSimulation(config(app,
                List.of(new RouterConfig.Redial(0, 0L, 500 * S)), 400 * S, trace));
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        final long opened = first(events, "tcp_syn_retransmit", 0).num("time_ns") - 1 * S;
        assertThat(opened).isBetween(0L, 1 * MS);
        assertThat(times(events, "app_connect_timeout")).containsExactly(16 * S, 155 * S, 357 * S);
        assertThat(events).filteredOn(e -> e.kind().equals("app_connect_timeout"))
                .extracting(e -> e.num("timeout_ms")).containsExactly(15_000L, 18_000L, 21_000L);
        assertThat(times(events, "app_close")).containsExactly(16 * S, 155 * S, 357 * S);
        assertThat(times(events, "app_reconnect")).containsExactly(136 * S, 335 * S);
        assertThat(first(events, "tcp_syn_retransmit", 1).num("time_ns")).as("the second try's connect")
                .isEqualTo(137 * S);
        final RouterTraceTest.Event gaveUp = only(events, "app_give_up");
        assertThat(gaveUp.num("time_ns")).isEqualTo(357 * S);
        assertThat(gaveUp.num("flow")).isEqualTo(2);
        assertThat(gaveUp.num("tries")).isEqualTo(3);
        assertThat(gaveUp.num("max_tries")).isEqualTo(3);
        assertThat(RouterResults.count(r.tcp(), "app_connect_timeouts")).isEqualTo(3);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isEqualTo(2);
        assertThat(RouterResults.count(r.tcp(), "app_gave_up")).isEqualTo(1);
        assertThat(r.tcp()).extracting(RouterResults.Count::name).doesNotContain("reconnects_waiting");
        assertThat(r.flows()).extracting(RouterResults.Flow::gaveUp).containsExactly(false, false, true);
    }

    /**
     * The same peer with the run ending at 100 s: its first try timed out at 16 s, and its next, due at 136 s, has
     * not come: counted in {@code reconnects_waiting}, no connection in its place.
     */
    @Test
    void shouldCountAPeerStillWaitingForItsNextTryAtTheEnd() {
        final RouterConfig.App app = RouterFixtures.tcp(RouterConfig.AppKind.P2P, 1, 1,
                RouterConfig.Direction.DOWNLOAD);
        final RouterSimulation sim = new RouterSimulation(config(app,
                List.of(new RouterConfig.Redial(0, 0L, 500 * S)), 100 * S, null));
        final RouterResults r = sim.run(ProgressListener.NONE);

        assertThat(RouterResults.count(r.tcp(), "app_connect_timeouts")).isEqualTo(1);
        assertThat(RouterResults.count(r.tcp(), "reconnects")).isZero();
        assertThat(RouterResults.count(r.tcp(), "reconnects_waiting")).isEqualTo(1);
        assertThat(r.tcp()).extracting(RouterResults.Count::name).doesNotContain("app_gave_up");
        assertThat(r.flows()).hasSize(1);
        assertThat(r.flows().get(0).closedBy()).isEqualTo("connect_timeout");
        assertThat(sim.flowFailedTries(0)).isEqualTo(1);
    }

    /**
     * libtorrent sets a peer's failures back to 0 once it connects (at the BitTorrent handshake), and a reset is no
     * failure: an uploading peer connection fails once (the dial down for 20 s), connects at its second try at
     * 136 s, and meets its server's reset after a redial at 140 s; the peer is tried again 60 s after the second of
     * that close, (0 + 1) x 60 s, and connects.
     */
    @Test
    void shouldSetAPeersFailuresBackOnceItConnectsAndWaitAMinuteAfterAReset() throws IOException {
        final Path trace = tmp.resolve("p2p-reset.jsonl");
        final RouterConfig.App app = RouterFixtures.tcp(RouterConfig.AppKind.P2P, 1, 1,
                RouterConfig.Direction.UPLOAD);
        final RouterSimulation sim = new RouterSimulation(config(app, List.of(new RouterConfig.Redial(0, 0L, 20 * S),
                new RouterConfig.Redial(0, 140 * S, 1 * S)), 205 * S, trace));
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);

        assertThat(times(events, "app_connect_timeout")).containsExactly(16 * S);
        assertThat(RouterResults.count(r.tcp(), "resets")).isEqualTo(1);
        assertThat(r.flows().get(1).reconnectOf()).isZero();
        assertThat(sim.flowEstablished(1)).isTrue();
        assertThat(r.flows().get(1).closedBy()).isEqualTo("reset");
        final long reset = first(events, "app_close", 1).num("time_ns");
        assertThat(reset).isBetween(140 * S, 141 * S);
        assertThat(times(events, "app_reconnect")).containsExactly(136 * S, 200 * S);
        assertThat(sim.flowFailedTries(1)).as("cleared at the connect, and a reset counts nothing").isZero();
        assertThat(sim.flowEstablished(2)).isTrue();
        assertThat(r.flows().get(2).closedBy()).isNull();
        assertThat(r.flows().get(2).deliveredBytes()).isPositive();
        assertThat(events).noneMatch(e -> e.kind().equals("app_give_up"));
    }

    /** One PPPoE dial with the given redials (down from 0 for a redial at 0). */
    private static RouterConfig config(final RouterConfig.App app, final List<RouterConfig.Redial> redials,
            final long durationNs, final Path trace) {
        return new RouterConfig(RouterFixtures.mt7621Like(), new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(1, 1, 4 * RouterFixtures.MBIT, 0, true, 1492, 20 * MS, 16, redials),
                false, RouterConfig.Balancing.none(), RouterConfig.OffloadMode.NONE,
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384), RouterConfig.QdiscKind.FQ_CODEL,
                List.of(app), durationNs, 1 * S, 1, 0, new RouterConfig.Outputs(null, trace));
    }

    private static List<Long> times(final List<RouterTraceTest.Event> events, final String kind) {
        final List<Long> times = new ArrayList<>();
        for (final RouterTraceTest.Event e : events) {
            if (e.kind().equals(kind)) {
                times.add(e.num("time_ns"));
            }
        }
        return times;
    }

    private static RouterTraceTest.Event only(final List<RouterTraceTest.Event> events, final String kind) {
        final List<RouterTraceTest.Event> found = new ArrayList<>();
        for (final RouterTraceTest.Event e : events) {
            if (e.kind().equals(kind)) {
                found.add(e);
            }
        }
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
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
