package io.pktsim.bench.stack;

import java.util.concurrent.TimeUnit;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.stack.gso.GsoCounter;
import io.pktsim.stack.gso.GsoSink;
import io.pktsim.stack.gso.SoftwareGso;
import org.agrona.concurrent.UnsafeBuffer;
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
 * Software GSO of a 64 KiB TCP/IPv4 super-packet (65160 payload bytes, gso_size 1448: 45 segments, timestamp
 * option, headers stored, payload counted) per invocation; the score is ns per output segment. With
 * {@code txChecksum} the segments keep CHECKSUM_PARTIAL (pseudo-header sum); without it the full checksum is
 * computed over the stored bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class GsoBench {

    /** Segments per super-packet. */
    public static final int SEGMENTS = 45;

    @Param({"true", "false"})
    public boolean txChecksum;

    private PacketStore store;
    private SoftwareGso gso;
    private GsoSink sink;
    private UnsafeBuffer template;
    private int length;

    @Setup
    public void setUp() {
        store = new PacketStore(256, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final int h = pb.tcp(40000, 80, 0, 1, TcpView.ACK).timestamps(1, 2).payload(SEGMENTS * 1448)
            .checksumMode(PacketBuilder.CSUM_PARTIAL).build();
        template = new UnsafeBuffer(new byte[store.storedLength(h)]);
        template.putBytes(0, store.buffer(), store.frameOffset(h), store.storedLength(h));
        length = store.length(h);
        store.free(h);
        gso = new SoftwareGso(store, new OffloadFeatures().txChecksum(txChecksum), new Counters<>(GsoCounter.class));
        final PacketStore s = store;
        sink = s::free;
    }

    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public int segment() {
        final PacketStore s = store;
        final int h = s.allocate();
        s.putFrame(h, template, 0, template.capacity(), length);
        s.networkOffset(h, 14);
        s.transportOffset(h, 34);
        s.checksumState(h, io.pktsim.core.packet.ChecksumState.PARTIAL);
        s.gsoSize(h, 1448);
        s.gsoSegs(h, SEGMENTS);
        s.gsoType(h, PacketStore.GSO_TCPV4);
        return gso.transmit(h, sink);
    }
}
