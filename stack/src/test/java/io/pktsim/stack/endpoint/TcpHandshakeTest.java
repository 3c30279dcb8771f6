package io.pktsim.stack.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SYN's bytes: MSS from the MTU, options, checksums, IPv6 flow labels. */
class TcpHandshakeTest {

    private final EventLoop loop = new EventLoop();
    private final PacketStore store = new PacketStore(64, 192, 32);
    private final TcpTimers timers = new TcpTimers(loop);

    private int capturedSyn(final TcpConfig cfg, final boolean v6, final int label) {
        final List<Integer> out = new ArrayList<>();
        final TcpEndpoint ep = new TcpEndpoint("c", cfg, store, timers);
        if (v6) {
            ep.bindIpv6(1, 2, 0x2001_0db8_0000_0001L, 1, 0x2001_0db8_0000_0002L, 2, 40000, 443, label);
        } else {
            ep.bindIpv4(1, 2, 0x0A00_0001, 0x0A00_0002, 40000, 443);
        }
        ep.output((h, t) -> out.add(h)).connect(0, 0, 12345);
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private TcpView tcpOf(final int h) {
        return new TcpView().wrap(store.buffer(), store.transportHeaderOffset(h));
    }

    @Test
    void shouldAnnounceMss1460On1500ByteEthernet() {
        final int h = capturedSyn(new TcpConfig(), false, 0);
        final TcpView tcp = tcpOf(h);
        assertThat(tcp.flags()).isEqualTo(TcpView.SYN);
        assertThat(tcp.mssOption()).isEqualTo(1460);
        assertThat(tcp.seq()).isEqualTo(12345);
        assertThat(tcp.window()).isEqualTo(65535);
        assertThat(tcp.findOption(TcpView.OPT_WSCALE)).isPositive();
        assertThat(store.buffer().getByte(tcp.offset() + tcp.findOption(TcpView.OPT_WSCALE) + 2)).isEqualTo((byte) 7);
        assertThat(tcp.findOption(TcpView.OPT_TIMESTAMP)).isPositive();
        // Ethernet 14 + IPv4 20 + TCP 20 + MSS 4 + NOP NOP TS 12 + NOP WS 3 (+1) = 74 bytes
        assertThat(store.length(h)).isEqualTo(74);
        assertThat(tcp.headerLength()).isEqualTo(40);
        final long pseudo = InetChecksum.pseudoIpv4(0x0A00_0001, 0x0A00_0002, 6, 40);
        assertThat(InetChecksum.finish(InetChecksum.sum(store.buffer(), tcp.offset(), 40, pseudo))).isZero();
    }

    @Test
    void shouldAnnounceMss1452BehindPppoe() {
        final int h = capturedSyn(new TcpConfig().mtuBytes(1492), false, 0);
        assertThat(tcpOf(h).mssOption()).isEqualTo(1452);
    }

    @Test
    void shouldAnnounceMss1440ForIpv6AndCarryTheFlowLabel() {
        final int label = new FlowLabels(RandomStream.derive(7, 0, FlowLabels.STREAM)).next();
        final int h = capturedSyn(new TcpConfig(), true, label);
        assertThat(tcpOf(h).mssOption()).isEqualTo(1440);
        final Ipv6View ip = new Ipv6View().wrap(store.buffer(), store.networkHeaderOffset(h));
        assertThat(ip.flowLabel()).isEqualTo(label);
        assertThat(label).isBetween(0, 0xFFFFF);
        assertThat(store.length(h)).isEqualTo(94);
    }

    @Test
    void shouldDrawFlowLabelsAsIp6MakeFlowlabelFromARandomTxhash() {
        assertThat(FlowLabels.label(0x1234_5678)).isEqualTo(0x8_1234);
        final FlowLabels a = new FlowLabels(RandomStream.derive(7, 0, FlowLabels.STREAM));
        final FlowLabels b = new FlowLabels(RandomStream.derive(7, 0, FlowLabels.STREAM));
        final FlowLabels c = new FlowLabels(RandomStream.derive(8, 0, FlowLabels.STREAM));
        final int a1 = a.next();
        assertThat(b.next()).isEqualTo(a1);
        assertThat(a.next()).isNotEqualTo(a1);
        assertThat(c.next()).isNotEqualTo(a1);
    }

    @Test
    void shouldNegotiateTheSmallerMssMinusTimestamps() {
        final TcpHarness net = new TcpHarness(new TcpConfig(), 100_000_000L, 20_000_000L, 1_000_000L);
        net.start(100_000);
        net.runUntil(1_000_000_000L);
        assertThat(net.client.state()).isEqualTo(TcpEndpoint.DONE);
        assertThat(net.server.state()).isEqualTo(TcpEndpoint.DONE);
        assertThat(net.server.mss()).isEqualTo(1448);
        assertThat(net.client.bytesDelivered()).isEqualTo(100_000);
        // the handshake's RTT sample: SYN and SYN-ACK of 74 B, each 86 byte times to the end of the FCS
        // (preamble 8 + frame 74 + FCS 4) at 100 Mbit/s, plus 2 x 10 ms
        assertThat(net.client.counters().get(TcpCounter.RTT_SAMPLES)).isPositive();
        assertThat(net.client.srttNs()).isEqualTo(20_000_000L + 2 * (86 * 8 * 10));
    }
}
