package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.List;

import io.pktsim.core.test.AllocationMeter;
import io.pktsim.core.trace.JsonLinesTraceSink;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap stays flat as the simulated duration grows: once the model has reached its working size, simulated time
 * allocates nothing (statistics are counters and fixed arrays, pcap taps and the trace stream to files), so a run four
 * times longer retains no more heap.
 */
class RouterMemoryTest {

    private static final long SECOND = 1_000_000_000L;
    /** A JIT deoptimisation or late compilation may allocate a little on this thread; a per-packet object cannot. */
    private static final long SLACK_BYTES = 64 << 10;

    @TempDir
    Path tmp;

    /**
     * T3's shape (1 gigabit line, 64 macvlan PPPoE dials shaped to 50 Mbit/s, mwan3) with every kind of traffic:
     * TCP download and upload (NewReno and CUBIC), UDP on/off and Poisson both ways.
     */
    private static RouterConfig sixtyFourDials(final long durationNs, final RouterConfig.Outputs outputs) {
        return sixtyFourDials(durationNs, outputs, false);
    }

    private static RouterConfig sixtyFourDials(final long durationNs, final RouterConfig.Outputs outputs,
            final boolean dsa) {
        final List<RouterConfig.App> apps = List.of(
                RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 8, 16, RouterConfig.Direction.DOWNLOAD),
                new RouterConfig.App(RouterConfig.AppKind.BROWSER, 4, 4, RouterConfig.Direction.UPLOAD,
                        RouterConfig.CongestionControl.CUBIC, 0, 0, 0),
                new RouterConfig.App(RouterConfig.AppKind.UDP_ONOFF, 2, 2, RouterConfig.Direction.DOWNLOAD,
                        RouterConfig.CongestionControl.NEWRENO, 5_000_000L, 1200, 0),
                new RouterConfig.App(RouterConfig.AppKind.UDP_POISSON, 2, 2, RouterConfig.Direction.UPLOAD,
                        RouterConfig.CongestionControl.NEWRENO, 5_000_000L, 1200, 0));
        // under DSA a K2P: line 0 on wan (its own GMAC), the LAN's frames through lan1's tagger and gro_cells
        return new RouterConfig(RouterFixtures.mt7621Like().dsa(dsa).wanOnOwnGmac(dsa),
                new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(1, 64, 1_000_000_000L, 50_000_000L, true, 1492, 20_000_000L, 16), false,
                new RouterConfig.Balancing(RouterConfig.BalanceMode.MWAN3, 0, 0L, false, 0xFF00),
                RouterConfig.OffloadMode.NONE, new RouterConfig.Firewall(RouterConfig.FirewallKind.FW4, 16384),
                RouterConfig.QdiscKind.FQ_CODEL, apps, durationNs, SECOND / 4, 1, 0, outputs);
    }

    @Test
    void shouldAllocateNothingPerSimulatedSecondOnceWarmWithEveryTapAndTheTrace() throws IOException {
        allocateNothingOnceWarm(false);
    }

    /** The same under DSA: the tagger, the gro_cells accounting and the user ports allocate nothing either. */
    @Test
    void shouldAllocateNothingPerSimulatedSecondOnceWarmUnderDsa() throws IOException {
        allocateNothingOnceWarm(true);
    }

    private void allocateNothingOnceWarm(final boolean dsa) throws IOException {
        final RouterSimulation sim = new RouterSimulation(sixtyFourDials(10 * SECOND, RouterConfig.Outputs.NONE,
                dsa));
        final Path dir = java.nio.file.Files.createDirectories(tmp.resolve(dsa ? "dsa" : "swconfig"));
        final PcapTaps taps = PcapTaps.open(dir, 160, sim.devices(), List.of());
        assertThat(taps.files()).as("eth0, eth0.1 (lan1), eth0.2 (wan), 64 macvlans, 64 PPPoE devices").hasSize(131);
        try (TraceBus bus = TraceBus.start(new TraceNames(), TraceBus.DEFAULT_RING_SIZE,
                JsonLinesTraceSink.toFile(dir.resolve("trace.jsonl")))) {
            sim.tap(taps);
            sim.trace(bus);
            sim.start();
            // Warm-up: the JIT compiles the paths, the event loop and the queues reach their working size.
            sim.advance(SECOND);
            final long delivered0 = sim.delivered();
            final long a0 = AllocationMeter.allocatedBytes();
            sim.advance(SECOND + SECOND / 2);
            final long a1 = AllocationMeter.allocatedBytes();
            final long delivered1 = sim.delivered();
            sim.advance(SECOND + SECOND / 2 + 2 * SECOND);
            final long a2 = AllocationMeter.allocatedBytes();
            final long shortWindow = a1 - a0;
            final long longWindow = a2 - a1;
            assertThat(delivered1 - delivered0).as("packets delivered in the 0.5 s window").isGreaterThan(5_000);
            assertThat(sim.delivered() - delivered1).as("packets delivered in the 2 s window")
                    .isGreaterThan(20_000);
            // eth0 shows a GRO aggregate (the uploads') as one record of several segments; under DSA only the LAN's
            // frames (a K2P's wan is its own GMAC)
            assertThat(taps.segments(1)).as("segments of eth0's records").isGreaterThan((dsa ? 1 : 2)
                    * sim.delivered()).isGreaterThan(taps.records(1));
            assertThat(shortWindow).as("bytes allocated simulating 0.5 s (%d packets)", delivered1 - delivered0)
                    .isLessThanOrEqualTo(SLACK_BYTES);
            assertThat(longWindow).as("bytes allocated simulating 2 s: no more than 0.5 s took")
                    .isLessThanOrEqualTo(SLACK_BYTES);
        } finally {
            taps.abort();
        }
    }

    private static long retainedHeapBytes() {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /** Heap retained by a finished run of the given duration (the simulation and its results kept reachable). */
    private static long retainedByRun(final long durationNs) {
        final RouterSimulation sim = new RouterSimulation(sixtyFourDials(durationNs, RouterConfig.Outputs.NONE));
        final long before = retainedHeapBytes();
        final RouterResults r = sim.run(ProgressListener.NONE);
        final long after = retainedHeapBytes();
        assertThat(r.forwardedPackets()).as("10 packets per ms at least").isGreaterThan(durationNs / 100_000L);
        assertThat(sim.framesInUse()).isEqualTo((int) sim.heldFrames());
        return after - before;
    }

    @Test
    void shouldRetainNoMoreHeapAfterAFourTimesLongerRun() {
        retainedByRun(SECOND / 4);
        final long quarter = retainedByRun(SECOND / 2);
        final long fourTimes = retainedByRun(2 * SECOND);
        assertThat(quarter).as("heap retained by a 0.5 s run").isLessThan(8L << 20);
        assertThat(fourTimes).as("heap retained by a 2 s run vs %d bytes by a 0.5 s run", quarter)
                .isLessThan(quarter + SLACK_BYTES);
    }
}
