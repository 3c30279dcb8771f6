package io.pktsim.bench.core;

import java.util.concurrent.TimeUnit;

import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The packet store: allocating and freeing a slot (metadata reset included), and reading and writing the
 * headers of a real Ethernet/IPv4/TCP frame through {@link Ipv4View} and {@link TcpView}, as a forwarding
 * path does (read the 5-tuple; decrement the TTL with an incremental checksum update, rewrite a port as
 * NAT does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class PacketStoreBench {

    private final Ipv4View ipv4 = new Ipv4View();
    private final TcpView tcp = new TcpView();
    private PacketStore store;
    private MutableDirectBuffer buffer;
    private int packet;
    private int ipOffset;
    private int tcpOffset;
    private int port;

    @Setup(Level.Trial)
    public void setUp() {
        store = new PacketStore(4_096);
        buffer = store.buffer();
        // a few live packets so that alloc/free does not always touch the same slot's neighbours only
        for (int i = 0; i < 100; i++) {
            store.allocate();
        }
        packet = new PacketBuilder(store).reset().payload(1_400).build();
        ipOffset = store.networkHeaderOffset(packet);
        tcpOffset = store.transportHeaderOffset(packet);
        port = 40_000;
    }

    /** Allocates a slot (resetting its metadata) and frees it. */
    @Benchmark
    public int allocFree() {
        final int h = store.allocate();
        store.free(h);
        return h;
    }

    /** Reads the 5-tuple, TTL and header lengths of an IPv4/TCP packet. */
    @Benchmark
    public long headerRead() {
        final Ipv4View ip = ipv4.wrap(buffer, ipOffset);
        final TcpView t = tcp.wrap(buffer, tcpOffset);
        return ((long) ip.src() << 32 | ip.dst()) ^ ((long) t.srcPort() << 16 | t.dstPort()) ^ ip.protocol()
            ^ ((long) ip.ttl() << 40) ^ ((long) ip.headerLength() << 48) ^ t.headerLength();
    }

    /** Forwards and source-NATs: TTL decrement (incremental checksum), TCP source port rewrite. */
    @Benchmark
    public int headerWrite() {
        final Ipv4View ip = ipv4.wrap(buffer, ipOffset);
        if (ip.ttl() <= 1) {
            ip.ttl(64);
            ip.updateChecksum();
        }
        ip.decrementTtl();
        port = port == 65_000 ? 40_000 : port + 1;
        tcp.wrap(buffer, tcpOffset).srcPort(port);
        return ip.checksum();
    }
}
