package io.pktsim.nic.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LinkTest {

    @Test
    void shouldCost1538ByteTimesFor1500ByteFramesAt100Mbps() {
        // a 1500-byte IP packet is a 1514-byte frame without FCS (skb->len)
        final Link link = new Link("l", Link.FAST_ETHERNET_BPS, 0);
        assertThat(LinkDirection.wireBytes(1514)).isEqualTo(1538);
        assertThat(link.wireTimeNs(1514)).isEqualTo(123_040);
        // last bit of the FCS: (8 + 1514 + 4) * 80 ns
        assertThat(link.transmit(0, 1514)).isEqualTo(122_080);
        assertThat(link.busyUntilNs()).isEqualTo(123_040);
        // the next frame waits for the inter-frame gap
        assertThat(link.transmit(0, 1514)).isEqualTo(123_040 + 122_080);
        assertThat(link.busyUntilNs()).isEqualTo(2 * 123_040);
    }

    @Test
    void shouldPadToTheMinimumFrame() {
        final LinkDirection d = new LinkDirection("d", Link.FAST_ETHERNET_BPS, 0);
        assertThat(LinkDirection.wireBytes(0)).isEqualTo(84);
        assertThat(LinkDirection.wireBytes(42)).isEqualTo(84);
        assertThat(LinkDirection.wireBytes(60)).isEqualTo(84);
        assertThat(LinkDirection.wireBytes(61)).isEqualTo(85);
        assertThat(d.wireTimeNs(42)).isEqualTo(6_720);
        assertThat(new LinkDirection("g", Link.GIGABIT_BPS, 0).wireTimeNs(60)).isEqualTo(672);
    }

    @Test
    void shouldAddPropagationDelayAndStartWhenIdle() {
        final LinkDirection d = new LinkDirection("d", Link.GIGABIT_BPS, 5_000);
        assertThat(d.transmit(1_000_000, 1514)).isEqualTo(1_000_000 + 12_208 + 5_000);
        assertThat(d.busyUntilNs()).isEqualTo(1_000_000 + 12_304);
        assertThat(d.transmit(2_000_000, 60)).isEqualTo(2_000_000 + 576 + 5_000);
        assertThat(d.frames()).isEqualTo(2);
        assertThat(d.bytes()).isEqualTo(1574);
        assertThat(d.wireBytesSent()).isEqualTo(1538 + 84);
    }

    @Test
    void shouldKeepBothDirectionsIndependent() {
        final Link link = new Link("l", Link.FAST_ETHERNET_BPS, 0);
        link.aToB().transmit(0, 1514);
        assertThat(link.bToA().transmit(0, 1514)).isEqualTo(122_080);
        assertThat(link.direction(Link.B_TO_A).busyUntilNs()).isEqualTo(123_040);
        assertThat(link.direction(Link.A_TO_B).busyUntilNs()).isEqualTo(123_040);
    }

    @Test
    void shouldSumExactlyOverAMillionFramesAtAnAwkwardRate() {
        final long rate = 999_999_937L;
        final LinkDirection d = new LinkDirection("d", rate, 0);
        long last = 0;
        for (int i = 0; i < 1_000_000; i++) {
            last = d.transmit(0, 1514);
        }
        final BigInteger num = BigInteger.valueOf(1_000_000L * 1538 * 8).multiply(BigInteger.valueOf(1_000_000_000L));
        final BigInteger[] qr = num.divideAndRemainder(BigInteger.valueOf(rate));
        assertThat(d.busyUntilFloorNs()).isEqualTo(qr[0].longValueExact());
        assertThat(d.busyRemainder()).isEqualTo(qr[1].longValueExact());
        assertThat(d.busyUntilNs()).isEqualTo(qr[0].longValueExact() + 1);
        // the last frame's FCS ends 12 byte times before the busy end
        final BigInteger fcs = BigInteger.valueOf(1_000_000L * 1538 * 8 - 12 * 8)
            .multiply(BigInteger.valueOf(1_000_000_000L));
        final BigInteger[] f = fcs.divideAndRemainder(BigInteger.valueOf(rate));
        assertThat(last).isEqualTo(f[0].longValueExact() + (f[1].signum() == 0 ? 0 : 1));
    }

    @Test
    void shouldSumExactlyAt100Mbps() {
        final LinkDirection d = new LinkDirection("d", Link.FAST_ETHERNET_BPS, 0);
        for (int i = 0; i < 1_000_000; i++) {
            d.transmit(0, 1514);
        }
        assertThat(d.busyUntilNs()).isEqualTo(123_040L * 1_000_000);
        assertThat(d.busyRemainder()).isZero();
    }

    @Test
    void shouldNotAllocateOnTransmit() {
        final LinkDirection d = new LinkDirection("d", 999_999_937L, 100);
        final long[] t = {0};
        io.pktsim.core.test.AllocationMeter.assertNoAllocation("link transmit", () -> {
            t[0] += 10_000;
            d.transmit(t[0], 1514);
        });
    }

    @Test
    void shouldRejectABadRate() {
        assertThatThrownBy(() -> new LinkDirection("x", 0, 0)).hasMessageContaining("rate 0");
    }

    @Property(tries = 200)
    void busyTimeIsTheExactSumOfWireTimes(@ForAll @IntRange(min = 1, max = 9000) final int bytes,
        @ForAll @IntRange(min = 1, max = 500) final int frames,
        @ForAll @LongRange(min = 1_000_000, max = 100_000_000_000L) final long rate) {
        final LinkDirection d = new LinkDirection("p", rate, 0);
        for (int i = 0; i < frames; i++) {
            d.transmit(0, bytes);
        }
        final BigInteger num = BigInteger.valueOf((long) frames * LinkDirection.wireBytes(bytes) * 8)
            .multiply(BigInteger.valueOf(1_000_000_000L));
        assertThat(BigInteger.valueOf(d.busyUntilFloorNs()).multiply(BigInteger.valueOf(rate))
            .add(BigInteger.valueOf(d.busyRemainder()))).isEqualTo(num);
    }
}
