package io.pktsim.stack.tcp;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketStore;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * OpenWrt's {@code mtu_fix}: the mangle rules {@code -p tcp --tcp-flags SYN,RST SYN -j TCPMSS
 * --clamp-mss-to-pmtu} that fw3 installs for every device of a zone with {@code mtu_fix=1}, in both
 * directions (fw4 installs the nftables equivalent {@code tcp option maxseg size set rt mtu}). This is
 * {@code tcpmss_mangle_packet()} with {@code tcpmss_tg4()} / {@code tcpmss_tg6()} (net/netfilter/xt_TCPMSS.c,
 * Linux 6.18): the clamp is {@code min(dst_mtu, reverse-route mtu) - minlen} (40 for IPv4, 60 for IPv6), so a
 * SYN through a PPPoE dial (MTU 1492) gets 1452; an MSS option is only ever lowered; the TCP checksum is
 * patched incrementally ({@code inet_proto_csum_replace2}); a SYN without an MSS option and without payload
 * gets one with {@code min(clamp, 536)} (IPv6: 1220), growing the header by 4 bytes and the IP length with it.
 * The options are walked as the kernel's {@code optlen()} walks them. Allocation-free.
 */
public final class MssClamp {

    /** {@code TCPOLEN_MSS}. */
    public static final int TCPOLEN_MSS = 4;
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private final Counters<MssClampCounter> counters = new Counters<>(MssClampCounter.class);
    private final Ipv4View ipv4 = new Ipv4View();

    /** @return the outcome counters */
    public Counters<MssClampCounter> counters() {
        return counters;
    }

    /**
     * Applies the rule to one packet.
     *
     * @param store the packets
     * @param handle the packet, network and transport offsets set
     * @param dstMtuBytes the MTU of the route the packet leaves by ({@code dst_mtu(skb_dst(skb))})
     * @param reverseMtuBytes the MTU of the route back to the packet's source ({@code tcpmss_reverse_mtu})
     * @return the outcome; {@link MssClampCounter#DROPPED} means the caller must drop the packet
     */
    public MssClampCounter clampToPmtu(final PacketStore store, final int handle, final int dstMtuBytes,
        final int reverseMtuBytes) {
        final MssClampCounter r = mangle(store, handle, dstMtuBytes, reverseMtuBytes);
        counters.increment(r);
        return r;
    }

    private MssClampCounter mangle(final PacketStore store, final int handle, final int dstMtu,
        final int reverseMtu) {
        final int net = store.networkOffset(handle);
        final int tcpOff = store.transportOffset(handle);
        if (net < 0 || tcpOff < 0) {
            return MssClampCounter.NOT_MATCHED;
        }
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(handle);
        final int version = (b.getByte(f + net) & 0xFF) >>> 4;
        final boolean v4 = version == 4;
        if (v4) {
            ipv4.wrap(b, f + net);
            if (ipv4.protocol() != 6 || ipv4.fragmentOffsetBytes() != 0) {
                return MssClampCounter.NOT_MATCHED;
            }
        } else if (version != 6 || (b.getByte(f + net + 6) & 0xFF) != 6) {
            return MssClampCounter.NOT_MATCHED;
        }
        final int len = store.length(handle) - tcpOff;
        if (len < TcpView.MIN_LENGTH) {
            return MssClampCounter.DROPPED;
        }
        final int t = f + tcpOff;
        final int flags = b.getByte(t + TcpView.FLAGS_OFFSET) & 0xFF;
        if ((flags & (TcpView.SYN | TcpView.RST)) != TcpView.SYN) {
            return MssClampCounter.NOT_MATCHED;
        }
        final int tcpHdrLen = ((b.getByte(t + TcpView.DATA_OFFSET_OFFSET) & 0xFF) >>> 4) * 4;
        if (len < tcpHdrLen || tcpHdrLen < TcpView.MIN_LENGTH) {
            return MssClampCounter.DROPPED;
        }
        final int minLen = v4 ? 40 : 60;
        final int minMtu = Math.min(dstMtu, reverseMtu);
        if (minMtu <= minLen) {
            return MssClampCounter.DROPPED;
        }
        int newMss = minMtu - minLen;
        for (int i = TcpView.MIN_LENGTH; i <= tcpHdrLen - TCPOLEN_MSS; i += optLen(b, t, i)) {
            if ((b.getByte(t + i) & 0xFF) == TcpView.OPT_MSS && (b.getByte(t + i + 1) & 0xFF) == TCPOLEN_MSS) {
                final int oldMss = b.getShort(t + i + 2, NET) & 0xFFFF;
                if (oldMss <= newMss) {
                    return MssClampCounter.NOT_LOWERED;
                }
                b.putShort(t + i + 2, (short) newMss, NET);
                patchCheck(b, t, (i & 1) == 0 ? oldMss : swap(oldMss), (i & 1) == 0 ? newMss : swap(newMss));
                return MssClampCounter.CLAMPED;
            }
        }
        if (len > tcpHdrLen || tcpHdrLen >= 15 * 4 || store.tailroom(handle) < TCPOLEN_MSS
            || store.storedLength(handle) != store.length(handle)) {
            return MssClampCounter.OPTION_NOT_ADDED;
        }
        newMss = Math.min(newMss, v4 ? 536 : 1220);
        store.storedLength(handle, store.storedLength(handle) + TCPOLEN_MSS);
        store.length(handle, store.length(handle) + TCPOLEN_MSS);
        final int opt = t + TcpView.MIN_LENGTH;
        final int optBytes = len - TcpView.MIN_LENGTH;
        for (int k = optBytes - 1; k >= 0; k--) {
            b.putByte(opt + TCPOLEN_MSS + k, b.getByte(opt + k));
        }
        patchCheck(b, t, len, len + TCPOLEN_MSS);
        b.putByte(opt, (byte) TcpView.OPT_MSS);
        b.putByte(opt + 1, (byte) TCPOLEN_MSS);
        b.putShort(opt + 2, (short) newMss, NET);
        final int optWord = b.getInt(opt, NET);
        b.putShort(t + TcpView.CHECKSUM_OFFSET,
            (short) InetChecksum.replace32(b.getShort(t + TcpView.CHECKSUM_OFFSET, NET) & 0xFFFF, 0, optWord), NET);
        final int oldWord = b.getShort(t + TcpView.DATA_OFFSET_OFFSET, NET) & 0xFFFF;
        final int newWord = oldWord + ((TCPOLEN_MSS / 4) << 12);
        b.putShort(t + TcpView.DATA_OFFSET_OFFSET, (short) newWord, NET);
        patchCheck(b, t, oldWord, newWord);
        if (v4) {
            final int oldTot = ipv4.totalLength();
            ipv4.totalLength(oldTot + TCPOLEN_MSS);
            ipv4.checksum(InetChecksum.replace16(ipv4.checksum(), oldTot, oldTot + TCPOLEN_MSS));
        } else {
            final int plAt = f + net + 4;
            b.putShort(plAt, (short) ((b.getShort(plAt, NET) & 0xFFFF) + TCPOLEN_MSS), NET);
        }
        return MssClampCounter.OPTION_ADDED;
    }

    private static int optLen(final MutableDirectBuffer b, final int t, final int at) {
        final int kind = b.getByte(t + at) & 0xFF;
        final int l = b.getByte(t + at + 1) & 0xFF;
        return kind <= TcpView.OPT_NOP || l == 0 ? 1 : l;
    }

    private static int swap(final int word) {
        return ((word & 0xFF) << 8) | (word >>> 8);
    }

    private static void patchCheck(final MutableDirectBuffer b, final int t, final int oldWord, final int newWord) {
        final int at = t + TcpView.CHECKSUM_OFFSET;
        b.putShort(at, (short) InetChecksum.replace16(b.getShort(at, NET) & 0xFFFF, oldWord, newWord), NET);
    }
}
