package io.pktsim.bench.stack;

import java.util.concurrent.TimeUnit;

import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.stack.flowtable.ForwardPathRig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ns per forwarded packet on the router's download path (issue 6): established TCP connections, the server's
 * 1452-byte segments arriving tagged on eth0 from the PPPoE dial on a macvlan of {@code eth0.2}, out to the
 * LAN host on {@code eth0.1}, composed as in {@link ForwardPathRig}.
 *
 * <ul>
 * <li>{@link #slowPath}: a router without flow offload: VLAN, macvlan and PPPoE receive, conntrack lookup
 *     (ESTABLISHED, reply direction), TTL decrement with incremental checksum, the TCPMSS rule, reverse NAT
 *     (destination address and port, checksums), Ethernet header, the LAN VLAN tag, fq_codel enqueue and
 *     dequeue.</li>
 * <li>{@link #fastPath}: the same flows once in the nftables flowtable: the same demux, then
 *     {@code FlowTable.forward} (lookup, refresh, NAT, TTL) instead of conntrack and the chains, then the same
 *     output and qdisc.</li>
 * <li>{@link #harnessOnly}: the part both share, as a baseline: the packet copy, the demux, the Ethernet
 *     header, the VLAN tag, fq_codel and the free, without the forwarding step (no lookup, no NAT, no TTL).</li>
 * </ul>
 *
 * <p>Per invocation {@link #BURST} packets of flows drawn in a fixed pseudo-random order from {@code flows}
 * connections (1, 64, 4096: the conntrack hash, the flowtable and fq_codel's flow buckets grow cold); the score is
 * ns per packet. The driver's work of building the packet (copying the 66 stored header bytes of the flow's
 * template into a store slot) and the final free after dequeue are included. Not included: the netfilter
 * rule walk (a cost model, {@code FirewallRuleCost}, not code), the FIB lookup and neighbour resolution
 * (not modelled as code on this path) and the NIC.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ForwardPathBench {

    /** Packets per invocation (one NAPI poll, below the weight of 64). */
    public static final int BURST = 32;
    private static final int ORDER = 8192;

    @Param({"1", "64", "4096"})
    public int flows;

    private ForwardPathRig slow;
    private ForwardPathRig fast;
    private ForwardPathRig harness;
    private int[] order;
    private int next;
    private long nowNs;

    @Setup
    public void setUp() {
        slow = new ForwardPathRig(flows, false);
        fast = new ForwardPathRig(flows, true);
        harness = new ForwardPathRig(flows, false);
        harness.forwardingStep = false;
        order = new int[ORDER];
        final RandomStream r = RandomStream.derive(6, 0, "forward-bench-order");
        for (int i = 0; i < ORDER; i++) {
            order[i] = flows == 1 ? 0 : r.nextInt(flows);
        }
        nowNs = 1_000_000;
    }

    private int run(final ForwardPathRig rig) {
        final PacketStore s = rig.store;
        final int[] o = order;
        int forwarded = 0;
        long now = nowNs;
        int n = next;
        for (int i = 0; i < BURST; i++) {
            final int flow = o[n];
            n = (n + 1) & (ORDER - 1);
            now += 100;
            final int out = rig.download(rig.receive(flow), now);
            if (out >= 0) {
                forwarded += s.length(out);
                s.free(out);
            }
        }
        next = n;
        nowNs = now;
        return forwarded;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int slowPath() {
        return run(slow);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int fastPath() {
        return run(fast);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int harnessOnly() {
        return run(harness);
    }
}
