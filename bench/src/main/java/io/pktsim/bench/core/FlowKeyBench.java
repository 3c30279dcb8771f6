package io.pktsim.bench.core;

import java.util.concurrent.TimeUnit;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.flow.FlowKeyExtractor;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Flow-key extraction ({@link FlowKeyExtractor#extract}): the addresses, protocol, ports and IPv6 flow label
 * of a real frame, as the flow dissector reads them. Two cases: the packet's offsets were already set by the
 * driver's parse ({@code parsed = true}, the forwarding path's case), or they are unset and the extractor
 * parses the frame first (Ethernet, VLAN, PPPoE, IPv4 options, IPv6 extension headers). Frames cycle over
 * IPv4/TCP, IPv6/UDP with a flow label, and VLAN + PPPoE + IPv4/TCP.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class FlowKeyBench {

    private static final int FRAMES = 3;

    @Param({"true", "false"})
    boolean parsed;

    private final FlowKeyExtractor extractor = new FlowKeyExtractor();
    private final FlowKey key = new FlowKey();
    private final int[] packets = new int[FRAMES];
    private PacketStore store;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        store = new PacketStore(64);
        final PacketBuilder b = new PacketBuilder(store);
        packets[0] = b.reset().tcp(40_001, 443, 1, 1, 0x10).payload(1_400).build();
        packets[1] = b.reset().ipv6(0x2001_0db8_0000_0001L, 5, 0x2001_0db8_0000_0002L, 9).flowLabel(0x12345)
            .udp(5_353, 53).payload(512).build();
        packets[2] = b.reset().vlan(2).pppoe(0x1234).tcp(40_002, 80, 7, 7, 0x18).payload(1_000).build();
        for (final int p : packets) {
            if (!extractor.extract(store, p, key)) {
                throw new IllegalStateException("benchmark frame " + p + " is not a valid IP frame");
            }
        }
    }

    /** Extracts the flow key of the next frame (parsing it first when {@code parsed} is false). */
    @Benchmark
    public long extract() {
        final int p = packets[next];
        next = next == FRAMES - 1 ? 0 : next + 1;
        if (!parsed) {
            store.networkOffset(p, -1);
        }
        extractor.extract(store, p, key);
        return key.srcPort() ^ ((long) key.dstPort() << 16) ^ ((long) key.protocol() << 32) ^ key.flowLabel();
    }
}
