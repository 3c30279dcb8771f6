package io.pktsim.stack.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.UdpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

/** UDP sources and sink, the token-bucket shaper and policer. */
class UdpAndShaperTest {

    private static final long S = 1_000_000_000L;

    private final EventLoop loop = new EventLoop(4096);
    private final PacketStore store = new PacketStore(65536, 128, 32);

    private UdpSink wire(final UdpSource src, final long rateBps) {
        final UdpSink sink = new UdpSink(store, src);
        final LinkPipe pipe = new LinkPipe("wire", loop, store, rateBps, 1_000_000L, Long.MAX_VALUE, sink);
        src.bindIpv4(1, 2, 0x0A00_0001, 0x0A00_0002, 5000, 5001).output(pipe);
        return sink;
    }

    @Test
    void shouldSendAnExactCbrPacketCount() {
        // 1472-byte payload at 10 Mbit/s: a gap of 1.1776 ms, so ceil(1 s / 1.1776 ms) = 850 datagrams in 1 s
        final UdpSource src = new UdpSource("cbr", loop, store, UdpSource.CBR, 10_000_000L, 1472, null, 0, 0);
        final UdpSink sink = wire(src, 1_000_000_000L);
        src.start(0, S);
        loop.runUntil(2 * S);
        assertThat(src.sentPackets()).isEqualTo(850);
        assertThat(sink.packets()).isEqualTo(850);
        assertThat(sink.bytes()).isEqualTo(850L * 1472);
        assertThat(sink.lostPackets()).isZero();
        // 10 s: exactly 8492 (10^10 / 1177600 = 8491.8...)
        final UdpSource ten = new UdpSource("cbr10", loop, store, UdpSource.CBR, 10_000_000L, 1472, null, 0, 0);
        wire(ten, 1_000_000_000L);
        ten.start(3 * S, 13 * S);
        loop.runUntil(14 * S);
        assertThat(ten.sentPackets()).isEqualTo(8492);
    }

    @Test
    void shouldBuildRealUdpFramesWithValidChecksums() {
        final UdpSource src = new UdpSource("cbr", loop, store, UdpSource.CBR, 10_000_000L, 100, null, 0, 0);
        final int[] got = {-1};
        src.bindIpv4(1, 2, 0x0A00_0001, 0x0A00_0002, 5000, 5001).output((h, t) -> got[0] = h);
        src.start(0, 1);
        loop.runUntil(1);
        final int h = got[0];
        assertThat(store.length(h)).isEqualTo(14 + 20 + 8 + 100);
        final UdpView udp = new UdpView().wrap(store.buffer(), store.transportHeaderOffset(h));
        assertThat(udp.length()).isEqualTo(108);
        // the payload reads as zeros, so the checksum covers the pseudo-header and the 8 header bytes
        final long pseudo = InetChecksum.pseudoIpv4(0x0A00_0001, 0x0A00_0002, 17, 108);
        final int at = store.transportHeaderOffset(h);
        assertThat(InetChecksum.finish(InetChecksum.sum(store.buffer(), at, 8, pseudo))).isZero();
    }

    @Test
    void shouldKeepThePoissonMeanRateWithinTwoPercent() {
        // 1250-byte payload at 100 Mbit/s: 10,000 datagrams/s, so about 10^5 in 10 s
        final UdpSource src = new UdpSource("poisson", loop, store, UdpSource.POISSON, 100_000_000L, 1250,
            RandomStream.derive(42, 0, "udp/poisson"), 0, 0);
        final UdpSink sink = wire(src, 10_000_000_000L);
        src.start(0, 10 * S);
        loop.runUntil(11 * S);
        assertThat(sink.packets()).isEqualTo(src.sentPackets());
        assertThat((double) src.sentPackets()).isCloseTo(100_000, org.assertj.core.data.Percentage.withPercentage(2));
    }

    @Test
    void shouldSendOnOffAtTheDutyCycleRate() {
        final UdpSource src = new UdpSource("onoff", loop, store, UdpSource.ON_OFF, 10_000_000L, 1250,
            RandomStream.derive(42, 0, "udp/onoff"), 100_000_000L, 300_000_000L);
        final UdpSink sink = wire(src, 1_000_000_000L);
        src.start(0, 200 * S);
        loop.runUntil(201 * S);
        // on 25 % of the time at 1000 datagrams/s: about 50,000 in 200 s
        assertThat((double) sink.packets()).isCloseTo(50_000, org.assertj.core.data.Percentage.withPercentage(10));
    }

    @Test
    void shouldShapeABacklogToTheConfiguredRateExactly() {
        final long rate = 30_000_000L;
        final long burst = 16_000L;
        final long[] last = {0};
        final long[] count = {0};
        final TokenBucketShaper shaper = new TokenBucketShaper("bras-down", loop, store, rate, burst,
            Long.MAX_VALUE / 4, false, 0, (h, t) -> {
                last[0] = t;
                count[0]++;
                store.free(h);
            });
        final PacketBuilder pb = new PacketBuilder(store);
        final int n = 50_000;
        for (int i = 0; i < n; i++) {
            shaper.accept(pb.reset().udp(1, 2).payload(1500 - 42).build(), 0);
            if (store.inUse() > 60_000) {
                break;
            }
        }
        loop.runUntil(100 * S);
        assertThat(count[0]).isEqualTo(n);
        // the bucket starts full: n frames of 1500 bytes cost n * 12000 bits, of which 8 * burst are free
        final long unitsNeeded = (long) n * 1500 * 8 * 1_000_000_000L - burst * 8 * 1_000_000_000L;
        assertThat(last[0]).isEqualTo((unitsNeeded + rate - 1) / rate);
        assertThat((double) (n * 1500L - burst) * 8 / last[0] * 1e9).isCloseTo(rate,
            org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void shouldPoliceToTheRateAndDropTheExcess() {
        final long[] passed = {0};
        final TokenBucketShaper policer = new TokenBucketShaper("police", loop, store, 20_000_000L, 3000, 0, true,
            0, (h, t) -> {
                passed[0] += store.length(h);
                store.free(h);
            });
        final UdpSource src = new UdpSource("cbr", loop, store, UdpSource.CBR, 50_000_000L, 1458, null, 0, 0);
        src.bindIpv4(1, 2, 1, 2, 3, 4).output(policer);
        src.start(0, 10 * S);
        loop.runUntil(11 * S);
        // 20 Mbit/s for 10 s plus the 3000-byte bucket, in whole 1500-byte frames
        assertThat(passed[0] * 8 / 10.0).isCloseTo(20_000_000.0, org.assertj.core.data.Percentage.withPercentage(0.5));
        assertThat(policer.counters().get(PipeCounter.PACKETS_DROPPED)).isPositive();
    }

    @Test
    void shouldNotAllocatePerDatagram() {
        final UdpSource src = new UdpSource("alloc", loop, store, UdpSource.POISSON, 100_000_000L, 1250,
            RandomStream.derive(1, 0, "udp"), 0, 0);
        final UdpSink sink = new UdpSink(store, src);
        final TokenBucketShaper shaper = new TokenBucketShaper("s", loop, store, 90_000_000L, 10_000, 1_000_000,
            false, 8, sink);
        final LinkPipe pipe = new LinkPipe("p", loop, store, 100_000_000L, 1_000_000L, 100_000L, shaper);
        src.bindIpv4(1, 2, 1, 2, 3, 4).output(pipe);
        src.start(0, Long.MAX_VALUE / 2);
        loop.runUntil(S);
        final Runnable work = () -> loop.run(loop.nowNs() + 100_000L, Long.MAX_VALUE);
        long bytes = AllocationMeter.measure(work);
        for (int attempt = 0; attempt < 3 && bytes != 0; attempt++) {
            bytes = AllocationMeter.measure(work);
        }
        assertThat(sink.packets()).isGreaterThan(30_000);
        assertThat(bytes).isZero();
    }
}
