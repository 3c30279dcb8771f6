package io.pktsim.bench.lb;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.pktsim.lb.ecmp.EcmpSelector;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.lb.ecmp.Ipv6MultipathRoute;
import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.stack.fib.MultipathLookup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ECMP hot path: the Linux multipath hash plus the nexthop choice for one forwarded packet, IPv4 and
 * IPv6, policy 1 (five-tuple), eight nexthops with uneven weights. Targets: IPv4 at most 25 ns/op, IPv6 at
 * most 40 ns/op, zero allocation. The flows cycle through 1024 prepared lookups so that nothing folds.
 *
 * <p>The {@code ...Batch} benchmarks choose for {@value #BATCH} flows per call through
 * {@link EcmpSelector#selectNexthops} (one loop; IPv6 flows two at a time, their SipHash chains interleaved);
 * their score is per flow ({@code @OperationsPerInvocation}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class EcmpBenchmark {

    private static final int FLOWS = 1024;
    /** Flows per batch call. */
    private static final int BATCH = 64;

    private final MultipathLookup[] ipv4 = new MultipathLookup[FLOWS];
    private final MultipathLookup[] ipv6 = new MultipathLookup[FLOWS];
    private EcmpSelector ipv4Selector;
    private EcmpSelector ipv6Selector;
    private EcmpSelector ipv4Policy0Selector;
    private final int[] nexthops = new int[FLOWS];
    private int next;
    private int nextBatch;

    @Setup
    public void setUp() {
        final SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < FLOWS; i++) {
            ipv4[i] = new MultipathLookup().reset();
            ipv4[i].key().setIpv4(0x0A000000 | rnd.nextInt(1 << 24), 0xAC100000 | rnd.nextInt(1 << 20), 6,
                rnd.nextInt(65536), 443);
            ipv6[i] = new MultipathLookup().reset();
            ipv6[i].key().setIpv6(0xFD00_0000_0000_0000L | (rnd.nextLong() >>> 8), rnd.nextLong(),
                0x2001_0DB8_8000_0000L, rnd.nextLong(), 6, rnd.nextInt(65536), 443, 0);
        }
        final int[] weights = {3, 1, 4, 1, 5, 9, 2, 6};
        ipv4Selector = new EcmpSelector(new MultipathHash(4, 1, 7, 0x12345678L), new Ipv4MultipathRoute(weights));
        ipv6Selector = new EcmpSelector(new MultipathHash(6, 1, 7, 0x12345678L), new Ipv6MultipathRoute(weights));
        ipv4Policy0Selector = new EcmpSelector(new MultipathHash(4, 0, 7, 0x12345678L),
            new Ipv4MultipathRoute(weights));
    }

    @Benchmark
    public int ipv4Policy1Over8Nexthops() {
        final int i = next = (next + 1) & (FLOWS - 1);
        return ipv4Selector.selectNexthop(ipv4[i]);
    }

    @Benchmark
    public int ipv6Policy1Over8Nexthops() {
        final int i = next = (next + 1) & (FLOWS - 1);
        return ipv6Selector.selectNexthop(ipv6[i]);
    }

    @Benchmark
    public int ipv4Policy0Over8Nexthops() {
        final int i = next = (next + 1) & (FLOWS - 1);
        return ipv4Policy0Selector.selectNexthop(ipv4[i]);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int ipv4Policy1Over8NexthopsBatch() {
        final int from = nextBatch = (nextBatch + BATCH) & (FLOWS - 1);
        ipv4Selector.selectNexthops(ipv4, from, BATCH, nexthops);
        return nexthops[from + BATCH - 1];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int ipv6Policy1Over8NexthopsBatch() {
        final int from = nextBatch = (nextBatch + BATCH) & (FLOWS - 1);
        ipv6Selector.selectNexthops(ipv6, from, BATCH, nexthops);
        return nexthops[from + BATCH - 1];
    }
}
