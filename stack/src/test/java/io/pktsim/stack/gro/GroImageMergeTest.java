package io.pktsim.stack.gro;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * The image of a held head ({@code GroTable.mergeImaged}) only takes merges the exact path takes: a train whose
 * later segments differ from the head in one header byte (or carry another IP ID, sequence number, length or
 * checksum state) gives the same results, counters and delivered packets, byte for byte, with images and without.
 */
class GroImageMergeTest {

    private static final int SEGMENTS = 6;

    @Test
    void shouldDecideLikeTheExactPathWhateverByteDiffers() {
        // every frame byte of the Ethernet, IPv4 and TCP headers (with timestamps: 66 bytes), flipped in one of the
        // later segments, with and without a repaired IP checksum, fixed or incrementing IDs, every checksum state
        int runs = 0;
        for (int at = 0; at < 66; at++) {
            for (final int xor : new int[] {0x01, 0x80, 0xFF}) {
                for (int which = 1; which < SEGMENTS; which++) {
                    for (int mode = 0; mode < 16; mode++) {
                        final boolean fixIp = (mode & 1) != 0;
                        final boolean fixedIds = (mode & 2) != 0;
                        final int cs = mode >>> 2;
                        assertThat(run(true, at, xor, which, fixIp, fixedIds, cs, true))
                            .as("byte %d ^ %x in segment %d, mode %d", at, xor, which, mode)
                            .isEqualTo(run(false, at, xor, which, fixIp, fixedIds, cs, true));
                        runs++;
                    }
                }
            }
        }
        assertThat(runs).isEqualTo(66 * 3 * 5 * 16);
    }

    @Property(tries = 200)
    void shouldDecideLikeTheExactPathWithoutOptions(@ForAll @IntRange(min = 0, max = 53) final int at,
        @ForAll @IntRange(min = 1, max = 255) final int xor, @ForAll @IntRange(min = 1, max = 5) final int which,
        @ForAll final boolean fixIpChecksum, @ForAll final boolean fixedIds,
        @ForAll @IntRange(min = 0, max = 3) final int checksumState) {
        assertThat(run(true, at, xor, which, fixIpChecksum, fixedIds, checksumState, false))
            .isEqualTo(run(false, at, xor, which, fixIpChecksum, fixedIds, checksumState, false));
    }

    @Test
    void shouldMergeAnInOrderTrainThroughItsImage() {
        // unmutated: six segments make one aggregate either way (checks the property's train itself)
        final List<String> out = run(true, -1, 0, 0, false, false, ChecksumState.UNNECESSARY.ordinal(), true);
        assertThat(out).contains("merged=5", "held=1")
            .anyMatch(l -> l.startsWith("deliver POLL_COMPLETE len=8754 segs=6"));
    }

    private static List<String> run(final boolean images, final int at, final int xor, final int which,
        final boolean fixIpChecksum, final boolean fixedIds, final int checksumState, final boolean timestamps) {
        final PacketStore store = new PacketStore(64, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final List<String> out = new ArrayList<>();
        final MutableDirectBuffer b = store.buffer();
        final GroDeliverySink sink = (h, r, t) -> {
            final StringBuilder sb = new StringBuilder("deliver ").append(r).append(" len=").append(store.length(h))
                .append(" segs=").append(store.gsoSegs(h)).append(" size=").append(store.gsoSize(h))
                .append(" type=").append(store.gsoType(h)).append(" csum=").append(store.checksumState(h))
                .append(" flags=").append(store.flags(h)).append(" bytes=");
            final int f = store.frameOffset(h);
            for (int i = 0; i < store.storedLength(h); i++) {
                sb.append(Integer.toHexString(b.getByte(f + i) & 0xFF)).append(',');
            }
            out.add(sb.toString());
            store.free(h);
        };
        final GroTable gro = new GroTable(store, new GroConfig(), sink, images);
        for (int i = 0; i < SEGMENTS; i++) {
            final int h = GroTrains.segment(pb, GroTrains.V4, 1, 1000 + 1448 * i, 1448, TcpView.ACK,
                fixedIds ? 77 : 77 + i, true, timestamps);
            store.hash(h, 0x1234_5678, PacketStore.HASH_L4);
            store.checksumState(h, i == which ? ChecksumState.of(checksumState) : ChecksumState.UNNECESSARY);
            if (i == which && at >= 0) {
                final int f = store.frameOffset(h);
                b.putByte(f + at, (byte) (b.getByte(f + at) ^ xor));
                if (fixIpChecksum) {
                    b.putShort(f + 24, (short) 0);
                    b.putShort(f + 24, (short) ~InetChecksum.fold(sumIpv4(b, f + 14)), java.nio.ByteOrder.BIG_ENDIAN);
                }
            }
            out.add("receive " + i + " " + gro.receive(h, 0));
        }
        gro.onPollEnd(SEGMENTS, 64, 0);
        out.add("merged=" + gro.counters().get(GroCounter.MERGED));
        out.add("held=" + gro.counters().get(GroCounter.HELD));
        out.add(gro.counters().toString());
        out.add(gro.reasonCounters().toString());
        assertThat(store.inUse()).isZero();
        return out;
    }

    private static long sumIpv4(final MutableDirectBuffer b, final int at) {
        long sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += b.getShort(at + i, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        return sum;
    }
}
