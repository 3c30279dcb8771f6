package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pktsim.core.hash.Toeplitz;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.stack.profile.DeviceProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An x86 router with mlx5's default channels: four RX queues on four CPUs. The NIC puts every frame in the queue
 * its RSS indirection table names at the low bits of the frame's Toeplitz hash (256 entries filled {@code i % 4}),
 * each queue's interrupt and NAPI poll run on the queue's CPU, and the receive work spreads over the four CPUs.
 */
class RouterMultiQueueTest {

    private static final int QUEUES = 4;
    private static final long SEED = 7;

    @TempDir
    Path tmp;

    /** mlx5 on four CPUs without SMT, RPS off, as the x86 profile: {@code queues} channels. */
    static DeviceProfile x86Like(final int queues) {
        return RouterFixtures.mt7621Like().name("x86-test").driverName("mlx5_core").cores(4).threadsPerCore(1)
                .smtThroughputPermille(1000).clockHz(3_600_000_000L).rxRingSlots(1024).txRingSlots(1024).rxUsecs(8)
                .rxFrames(128).separateTxNapi(false).rxQueues(queues);
    }

    /** Plain (not PPPoE) dials, so that the NIC hashes both directions: 48 TCP and 16 UDP flows both ways. */
    static RouterConfig config(final DeviceProfile p, final Path trace) {
        return new RouterConfig(p, new RouterConfig.Lan(16, 1_000_000_000L),
                new RouterConfig.Wan(4, 1, 1000 * RouterFixtures.MBIT, 0, false, 1500, 10_000_000L, 64),
                false, RouterConfig.Balancing.ecmp(0), RouterConfig.OffloadMode.NONE,
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW4, 16384), RouterConfig.QdiscKind.FQ_CODEL,
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 8, 4, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.tcp(RouterConfig.AppKind.P2P, 4, 4, RouterConfig.Direction.UPLOAD),
                        RouterFixtures.udp(8, 2, 20 * RouterFixtures.MBIT, 1200)),
                60_000_000L, 15_000_000L, SEED, 0, new RouterConfig.Outputs(null, trace));
    }

    @Test
    void shouldSteerEveryFrameToTheQueueOfItsHashAndPollEachQueueOnItsCpu() throws IOException {
        final Path trace = tmp.resolve("mq.jsonl");
        final RouterSimulation sim = new RouterSimulation(config(x86Like(QUEUES), trace));
        final RouterResults r = sim.run(ProgressListener.NONE);

        // the RQT, independently: mlx5e_rqt_size(4) = max(256, 8) entries, table[i] = i % 4, index = hash & 255
        final int[] rqt = new int[256];
        for (int i = 0; i < rqt.length; i++) {
            rqt[i] = i % QUEUES;
        }
        // per flow, the Toeplitz hash of its frames from the LAN (host to server) and from the WAN (server to the
        // dial's masqueraded address and port)
        final Toeplitz nic = new Toeplitz(RouterSimulation.rssKey(SEED, 0));
        final Map<Long, Set<Long>> flowHashes = new HashMap<>();
        for (int f = 0; f < sim.flowCount(); f++) {
            final long lan = nic.hashIpv4(sim.hostIpOf(f), sim.serverIpOf(f), sim.sportOf(f), 443, true)
                    & 0xFFFF_FFFFL;
            final long wan = nic.hashIpv4(sim.serverIpOf(f), sim.natAddressOf(f), 443, sim.natPortOf(f), true)
                    & 0xFFFF_FFFFL;
            flowHashes.put((long) f, Set.of(lan, wan));
        }
        final long[] framesOnQueue = new long[QUEUES];
        final long[] pollsOnQueue = new long[QUEUES];
        final Set<Long> flowsSeen = new HashSet<>();
        long frames = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            switch (e.kind()) {
                case "rx_hash" -> {
                    final long hash = e.num("skb_hash");
                    final int queue = (int) e.num("queue");
                    assertThat(flowHashes.get(e.num("flow"))).as("flow %d's frame %s", e.num("flow"), e.fields())
                            .contains(hash);
                    assertThat(queue).as("queue of hash %x", hash).isEqualTo(rqt[(int) (hash & 255)]);
                    assertThat(e.num("rps_cpu")).as("RPS off: the protocol path runs on the queue's CPU")
                            .isEqualTo(queue);
                    framesOnQueue[queue]++;
                    flowsSeen.add(e.num("flow"));
                    frames++;
                }
                case "napi_poll" -> {
                    assertThat(e.num("cpu")).as("%s", e.fields()).isEqualTo(e.num("queue"));
                    assertThat(e.num("done")).isBetween(1L, 64L);
                    pollsOnQueue[(int) e.num("queue")]++;
                }
                case "napi_irq", "napi_complete" ->
                    assertThat(e.num("cpu")).as("%s", e.fields()).isEqualTo(e.num("queue"));
                default -> {
                }
            }
        }
        assertThat(flowsSeen).hasSize(sim.flowCount());
        assertThat(frames).isPositive();
        for (int q = 0; q < QUEUES; q++) {
            assertThat(framesOnQueue[q]).as("frames on queue %d", q).isGreaterThan(frames / 10);
            assertThat(pollsOnQueue[q]).as("polls of queue %d", q).isPositive();
        }

        // the results: one entry per queue on its CPU, the frames polled adding up to GRO's received
        assertThat(r.rxQueues()).hasSize(QUEUES);
        long polled = 0;
        for (int q = 0; q < QUEUES; q++) {
            final RouterResults.Queue rq = r.rxQueues().get(q);
            assertThat(rq.queue()).isEqualTo(q);
            assertThat(rq.cpu()).isEqualTo(q);
            assertThat(rq.packets()).isPositive();
            assertThat(rq.irqs()).isPositive().isLessThanOrEqualTo(rq.polls());
            polled += rq.packets();
        }
        assertThat(polled).isEqualTo(count(r.gro(), "received"));
        // the receive work spreads over the four CPUs
        for (final RouterResults.Softnet n : r.softnet()) {
            assertThat(n.processed()).as("softnet processed on cpu%d", n.cpu()).isPositive();
        }
        for (final RouterResults.CpuThread t : r.cpuThreads()) {
            assertThat(t.hardIrq()).as("hard IRQ on cpu%d", t.cpu()).isPositive();
        }
        // conservation
        assertThat(sim.delivered() + sim.droppedTotal() + sim.held()).isEqualTo(sim.injected());
        assertThat(sim.framesInUse()).isEqualTo(sim.heldFrames());
    }

    @Test
    void shouldBeDeterministicAndDifferFromOneQueue() {
        final RouterResults a = new RouterSimulation(config(x86Like(QUEUES), null)).run(ProgressListener.NONE);
        final RouterResults b = new RouterSimulation(config(x86Like(QUEUES), null)).run(ProgressListener.NONE);
        assertThat(b).isEqualTo(a);

        final RouterSimulation one = new RouterSimulation(config(x86Like(1), null));
        final RouterResults c = one.run(ProgressListener.NONE);
        assertThat(c).isNotEqualTo(a);
        assertThat(c.rxQueues()).hasSize(1);
        assertThat(c.rxQueues().get(0).packets()).isEqualTo(count(c.gro(), "received"));
        // one queue: every poll and the whole protocol path on cpu0
        assertThat(c.softnet().get(0).processed()).isPositive();
        for (int cpu = 1; cpu < 4; cpu++) {
            assertThat(c.softnet().get(cpu).processed()).isZero();
            assertThat(c.cpuThreads().get(cpu).busy()).isZero();
        }
        assertThat(one.delivered() + one.droppedTotal() + one.held()).isEqualTo(one.injected());
    }

    @Test
    void shouldSendFramesTheNicDoesNotHashToQueueZero() throws IOException {
        // PPPoE session frames are not IP to the NIC: hash 0, RQT entry 0, queue 0 (the WAN side's download)
        final Path trace = tmp.resolve("pppoe.jsonl");
        final RouterConfig base = config(x86Like(QUEUES), trace);
        final RouterConfig c = new RouterConfig(base.profile(), base.lan(),
                new RouterConfig.Wan(4, 1, 1000 * RouterFixtures.MBIT, 0, true, 1492, 10_000_000L, 64), false,
                base.balancing(), base.offload(), base.firewall(), base.qdisc(), base.workload(), base.durationNs(),
                base.warmupNs(), base.seed(), base.run(), base.outputs());
        new RouterSimulation(c).run(ProgressListener.NONE);
        long unhashed = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if (e.kind().equals("rx_hash") && e.num("skb_hash") < 0) {
                assertThat(e.num("queue")).isZero();
                unhashed++;
            }
        }
        assertThat(unhashed).isPositive();
    }

    @Test
    void shouldRefuseSeveralQueuesWithoutRssOrBeyondTheCpus() {
        assertThatThrownBy(() -> new RouterSimulation(config(x86Like(2).driverName("mtk_eth_soc"), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rxQueues = 2");
        assertThatThrownBy(() -> new RouterSimulation(config(x86Like(8), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..4");
        assertThatThrownBy(() -> x86Like(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RouterSimulation.rqtSize(1)).isEqualTo(256);
        assertThat(RouterSimulation.rqtSize(4)).isEqualTo(256);
        assertThat(RouterSimulation.rqtSize(128)).isEqualTo(256);
        assertThat(RouterSimulation.rqtSize(129)).isEqualTo(512);
    }

    /** Conservation with 1 to 4 queues over PPPoE or plain dials, IPv4 or IPv6, each offload, with a redial. */
    @Property(tries = 12)
    void everyPacketIsDeliveredHeldOrDroppedOnEveryQueue(@ForAll @IntRange(min = 1, max = 4) final int queues,
            @ForAll final boolean pppoe, @ForAll final boolean ipv6, @ForAll final RouterConfig.OffloadMode offload,
            @ForAll final boolean udpOnly, @ForAll @IntRange(min = 1, max = 1000) final int seed) {
        final List<RouterConfig.App> apps = udpOnly
                ? List.of(RouterFixtures.udp(6, 3, 30 * RouterFixtures.MBIT, 1200))
                : List.of(RouterFixtures.tcp(RouterConfig.AppKind.P2P, 3, 4, RouterConfig.Direction.UPLOAD),
                        RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 4, 4, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.udp(2, 2, 40 * RouterFixtures.MBIT, 1200));
        final RouterConfig c = new RouterConfig(x86Like(queues), new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(2, 2, 500 * RouterFixtures.MBIT, 0, pppoe, pppoe ? 1492 : 1500, 10_000_000L, 16),
                ipv6, RouterConfig.Balancing.ecmp(1), offload,
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW4, 16384), RouterConfig.QdiscKind.FQ_CODEL,
                apps, 80_000_000L, 20_000_000L, seed, 0, RouterConfig.Outputs.NONE);
        final RouterSimulation sim = new RouterSimulation(c);
        if (seed % 2 == 0) {
            sim.scheduleRedial(0, 40_000_000L, 10_000_000L);
        }
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(sim.injected()).isPositive();
        assertThat(sim.delivered() + sim.droppedTotal() + sim.held())
                .as("delivered %d + dropped %d + held %d", sim.delivered(), sim.droppedTotal(), sim.held())
                .isEqualTo(sim.injected());
        assertThat(sim.framesInUse()).isEqualTo(sim.heldFrames());
        assertThat(r.rxQueues()).hasSize(queues);
        assertThat(r.rxQueues().stream().mapToLong(RouterResults.Queue::packets).sum())
                .isEqualTo(count(r.gro(), "received"));
        assertThat(r.rxQueues().stream().mapToLong(RouterResults.Queue::ringDrops).sum())
                .isEqualTo(r.drops().ring());
    }

    /** Steering, switching queues and polling four NAPIs allocate nothing once warm. */
    @Test
    void shouldAllocateNothingPerPacketWithFourQueues() {
        final RouterConfig base = config(x86Like(QUEUES), null);
        final RouterSimulation sim = new RouterSimulation(base.withTiming(3_000_000_000L, 100_000_000L)
                .withOutputs(RouterConfig.Outputs.NONE));
        sim.start();
        sim.advance(1_000_000_000L);
        final long d0 = sim.delivered();
        final long a0 = AllocationMeter.allocatedBytes();
        sim.advance(1_500_000_000L);
        final long a1 = AllocationMeter.allocatedBytes();
        assertThat(sim.delivered() - d0).as("packets delivered in the window").isGreaterThan(20_000);
        assertThat(a1 - a0).as("bytes allocated simulating 0.5 s").isLessThanOrEqualTo(64 << 10);
    }

    private static long count(final List<RouterResults.Count> counts, final String name) {
        return counts.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().value();
    }
}
