package io.pktsim.core.header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The header views check a header's whole range once, on wrap, and then read their fixed fields without a check
 * each ({@link FrameBytes}): a range outside the buffer must still throw Agrona's {@link IndexOutOfBoundsException},
 * and the values must be those Agrona's big-endian accessors give, on heap and off heap.
 */
class FrameBytesTest {

    @Test
    void shouldThrowWhenAViewIsWrappedOverTooFewBytes() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
        assertThatThrownBy(() -> new EthernetView().wrap(b, 51)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new VlanView().wrap(b, 61)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new PppoeView().wrap(b, 57)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new Ipv4View().wrap(b, 45)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new Ipv6View().wrap(b, 25)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new TcpView().wrap(b, 45)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new UdpView().wrap(b, 57)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new UdpView().wrap(b, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        // the last offsets that hold the whole header
        assertThat(new EthernetView().wrap(b, 50).offset()).isEqualTo(50);
        assertThat(new Ipv4View().wrap(b, 44).offset()).isEqualTo(44);
        assertThat(new Ipv6View().wrap(b, 24).offset()).isEqualTo(24);
        assertThat(new TcpView().wrap(b, 44).offset()).isEqualTo(44);
        new VlanView().wrap(b, 60);
        new PppoeView().wrap(b, 56);
        new UdpView().wrap(b, 56);
    }

    @Test
    void shouldThrowForARangeOutsideTheBuffer() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[16]);
        assertThat(FrameBytes.address(b, 12, 4)).isEqualTo(b.addressOffset() + 12);
        assertThatThrownBy(() -> FrameBytes.address(b, 13, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FrameBytes.address(b, -1, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FrameBytes.address(b, 0, 17)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Property(tries = 200)
    void shouldReadAndWriteInNetworkByteOrderAsAgronaDoes(@ForAll final long value, @ForAll final boolean offHeap) {
        final UnsafeBuffer b = offHeap ? new UnsafeBuffer(ByteBuffer.allocateDirect(32))
            : new UnsafeBuffer(new byte[32]);
        final byte[] a = b.byteArray();
        final long at = FrameBytes.address(b, 8, 16);
        FrameBytes.putLong(a, at, value);
        assertThat(b.getLong(8, ByteOrder.BIG_ENDIAN)).isEqualTo(value);
        FrameBytes.putInt(a, at + 8, (int) value);
        assertThat(b.getInt(16, ByteOrder.BIG_ENDIAN)).isEqualTo((int) value);
        FrameBytes.putShort(a, at + 12, (short) value);
        assertThat(b.getShort(20, ByteOrder.BIG_ENDIAN)).isEqualTo((short) value);
        FrameBytes.putByte(a, at + 15, (byte) value);
        assertThat(b.getByte(23)).isEqualTo((byte) value);
        b.putLong(0, ~value, ByteOrder.BIG_ENDIAN);
        b.putInt(24, (int) (value >>> 16), ByteOrder.BIG_ENDIAN);
        final long at0 = FrameBytes.address(b, 0, 32);
        assertThat(FrameBytes.getLong(a, at0)).isEqualTo(~value);
        assertThat(FrameBytes.getInt(a, at0 + 24)).isEqualTo((int) (value >>> 16));
        assertThat(FrameBytes.getShort(a, at0 + 26)).isEqualTo((short) (value >>> 16));
        assertThat(FrameBytes.getByte(a, at0 + 27)).isEqualTo((byte) (value >>> 16));
    }

    @Test
    void shouldReadTheFieldsAViewWroteThroughAgrona() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
        final Ipv4View ip = new Ipv4View().wrap(b, 10);
        ip.set(0xB8, 1500, 0x1234, Ipv4View.FLAG_DF, 64, 6, 0xC0A8_0102, 0x5DB8_D822);
        assertThat(b.getShort(12, ByteOrder.BIG_ENDIAN) & 0xFFFF).isEqualTo(1500);
        assertThat(b.getInt(22, ByteOrder.BIG_ENDIAN)).isEqualTo(0xC0A8_0102);
        assertThat(b.getInt(26, ByteOrder.BIG_ENDIAN)).isEqualTo(0x5DB8_D822);
        assertThat(b.getByte(19)).isEqualTo((byte) 6);
        assertThat(ip.tos()).isEqualTo(0xB8);
        assertThat(ip.id()).isEqualTo(0x1234);
        assertThat(ip.ttl()).isEqualTo(64);
        assertThat(ip.decrementTtl()).isEqualTo(63);
        assertThat(ip.checksumValid()).isTrue();
        final EthernetView eth = new EthernetView().wrap(b, 0);
        eth.dst(0x0200_0000_0B0BL).src(0x00E0_FC00_0001L);
        assertThat(b.getShort(6, ByteOrder.BIG_ENDIAN) & 0xFFFF).isEqualTo(0x00E0);
        assertThat(eth.dst()).isEqualTo(0x0200_0000_0B0BL);
        assertThat(eth.src()).isEqualTo(0x00E0_FC00_0001L);
    }
}
