package io.pktsim.nic.sw;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.VlanView;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/**
 * An MT7530 switch with port-based VLANs and a learning address table (see the package documentation).
 * Ports 0-3 are LAN1-LAN4, port 4 is WAN, port 6 the CPU port. Use: {@link #ingress(int, int)} classifies
 * a frame, learns and returns the egress port mask; {@link #egress(int, int)} then makes the frame's tagging
 * right for one egress port. Nothing allocates per frame.
 */
public final class Mt7530Switch {

    /** Ports of the switch (0..6; port 5 is the second RGMII, unused here). */
    public static final int PORTS = 7;
    /** LAN1. */
    public static final int LAN1 = 0;
    /** LAN2. */
    public static final int LAN2 = 1;
    /** LAN3. */
    public static final int LAN3 = 2;
    /** LAN4. */
    public static final int LAN4 = 3;
    /** WAN. */
    public static final int WAN = 4;
    /** The CPU port (GMAC0, {@code eth0}). */
    public static final int CPU = 6;
    /** OpenWrt's LAN VLAN ({@code eth0.1}). */
    public static final int VLAN_LAN = 1;
    /** OpenWrt's WAN VLAN ({@code eth0.2}). */
    public static final int VLAN_WAN = 2;

    private static final int MAX_VID = 4096;
    private static final int FDB_SIZE = 1024;
    private static final int FDB_MASK = FDB_SIZE - 1;
    private static final long EMPTY = -1L;

    private final String name;
    private final PacketStore store;
    private final int[] memberMask = new int[MAX_VID];
    private final int[] taggedMask = new int[MAX_VID];
    private final int[] pvid = new int[PORTS];
    private final long[] fdbKey = new long[FDB_SIZE];
    private final byte[] fdbPort = new byte[FDB_SIZE];
    private int fdbCount;
    private final long[] rxPort = new long[PORTS];
    private final long[] txPort = new long[PORTS];
    private final Counters<SwitchCounter> counters = new Counters<>(SwitchCounter.class);
    private final EthernetView eth = new EthernetView();
    private final VlanView vlan = new VlanView();
    private int lastVid;

    /**
     * Creates a switch with no VLAN.
     *
     * @param name a name, e.g. {@code "switch0"}
     * @param store the packet store
     */
    public Mt7530Switch(final String name, final PacketStore store) {
        this.name = name;
        this.store = store;
        java.util.Arrays.fill(fdbKey, EMPTY);
    }

    /**
     * OpenWrt's default ({@code network.@switch_vlan}): VLAN 1 = LAN1-4 untagged + CPU tagged, VLAN 2 = WAN
     * untagged + CPU tagged.
     *
     * @param name a name
     * @param store the packet store
     * @return the switch
     */
    public static Mt7530Switch openWrtDefault(final String name, final PacketStore store) {
        final Mt7530Switch s = new Mt7530Switch(name, store);
        final int cpu = 1 << CPU;
        s.vlan(VLAN_LAN, (1 << LAN1) | (1 << LAN2) | (1 << LAN3) | (1 << LAN4) | cpu, cpu);
        s.vlan(VLAN_WAN, (1 << WAN) | cpu, cpu);
        for (int p = LAN1; p <= LAN4; p++) {
            s.pvid(p, VLAN_LAN);
        }
        s.pvid(WAN, VLAN_WAN);
        return s;
    }

    /**
     * Configures a VLAN ({@code config switch_vlan ... option ports "0 1 2 3 6t"}).
     *
     * @param vid the VLAN id, 1..4094
     * @param members the member ports as a bit mask
     * @param tagged the members that send tagged, a subset of {@code members}
     */
    public void vlan(final int vid, final int members, final int tagged) {
        if (vid < 1 || vid > 4094 || (tagged & ~members) != 0 || members >>> PORTS != 0) {
            throw new IllegalArgumentException("Mt7530Switch " + name + ": VLAN " + vid + " members 0x"
                + Integer.toHexString(members) + " tagged 0x" + Integer.toHexString(tagged)
                + " (vid 1..4094, ports 0..6, tagged a subset of members)");
        }
        memberMask[vid] = members;
        taggedMask[vid] = tagged;
    }

    /**
     * Sets the VLAN of untagged frames entering a port.
     *
     * @param port the port
     * @param vid the VLAN id
     */
    public void pvid(final int port, final int vid) {
        pvid[port] = vid;
    }

    /**
     * @param vid the VLAN id
     * @return its member ports as a mask
     */
    public int members(final int vid) {
        return memberMask[vid];
    }

    /**
     * A frame enters on a port: classify, learn, look up.
     *
     * @param port the ingress port
     * @param packet the frame (Ethernet, possibly 802.1Q tagged)
     * @return the egress ports as a mask, 0 if dropped; the VLAN is {@link #lastVid()}
     */
    public int ingress(final int port, final int packet) {
        counters.increment(SwitchCounter.RX_FRAMES);
        rxPort[port]++;
        final MutableDirectBuffer b = store.buffer();
        final int at = store.frameOffset(packet);
        eth.wrap(b, at);
        int vid;
        if (eth.ethertype() == EthernetView.ETHERTYPE_VLAN) {
            vid = vlan.wrap(b, at + EthernetView.LENGTH).vlanId();
            if ((taggedMask[vid] & (1 << port)) == 0) {
                counters.increment(SwitchCounter.DROPPED);
                lastVid = 0;
                return 0;
            }
        } else {
            vid = pvid[port];
        }
        lastVid = vid;
        if (vid == 0 || (memberMask[vid] & (1 << port)) == 0) {
            counters.increment(SwitchCounter.DROPPED);
            return 0;
        }
        if (port == CPU) {
            counters.increment(SwitchCounter.FROM_CPU);
        }
        final long src = eth.src();
        final long dst = eth.dst();
        learn(src, vid, port);
        final int others = memberMask[vid] & ~(1 << port);
        int out;
        final int known = eth.isMulticast() ? -1 : lookup(dst, vid);
        if (known >= 0 && (others & (1 << known)) != 0) {
            out = 1 << known;
            counters.increment(SwitchCounter.FORWARDED);
        } else if (known == port) {
            out = 0;
        } else {
            out = others;
            counters.increment(SwitchCounter.FLOODED);
        }
        if (out == 0) {
            counters.increment(SwitchCounter.DROPPED);
        } else if ((out & (1 << CPU)) != 0) {
            counters.increment(SwitchCounter.TO_CPU);
        }
        return out;
    }

    /**
     * Makes a frame's tagging right for one egress port of VLAN {@link #lastVid()} (or the given VLAN): pushes
     * an 802.1Q tag for a tagged member, removes it for an untagged one.
     *
     * @param packet the frame (a copy per port when flooding)
     * @param vid the VLAN the frame was classified into
     * @param port the egress port
     * @return false if the frame has no headroom for the tag (counted as dropped)
     */
    public boolean egress(final int packet, final int vid, final int port) {
        final MutableDirectBuffer b = store.buffer();
        final int at = store.frameOffset(packet);
        final boolean tagged = eth.wrap(b, at).ethertype() == EthernetView.ETHERTYPE_VLAN;
        final boolean wantTag = (taggedMask[vid] & (1 << port)) != 0;
        txPort[port]++;
        if (wantTag && !tagged) {
            final long macHi = b.getLong(at);
            final int macLo = b.getInt(at + 8);
            if (!store.push(packet, VlanView.LENGTH)) {
                counters.increment(SwitchCounter.DROPPED);
                return false;
            }
            final int n = store.frameOffset(packet);
            b.putLong(n, macHi);
            b.putInt(n + 8, macLo);
            eth.wrap(b, n).ethertype(EthernetView.ETHERTYPE_VLAN);
            vlan.wrap(b, n + EthernetView.LENGTH).tci(0, vid);
            counters.increment(SwitchCounter.TAG_PUSHED);
        } else if (!wantTag && tagged) {
            final long macHi = b.getLong(at);
            final int macLo = b.getInt(at + 8);
            store.pull(packet, VlanView.LENGTH);
            final int n = store.frameOffset(packet);
            b.putLong(n, macHi);
            b.putInt(n + 8, macLo);
            counters.increment(SwitchCounter.TAG_POPPED);
        }
        return true;
    }

    private static int slot(final long mac, final int vid) {
        long h = (mac ^ ((long) vid << 48)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 54) & FDB_MASK;
    }

    private void learn(final long mac, final int vid, final int port) {
        final long key = mac | ((long) vid << 48);
        int i = slot(mac, vid);
        for (int probe = 0; probe < FDB_SIZE; probe++) {
            final long k = fdbKey[i];
            if (k == key) {
                if (fdbPort[i] != port) {
                    fdbPort[i] = (byte) port;
                    counters.increment(SwitchCounter.LEARNED);
                }
                return;
            }
            if (k == EMPTY) {
                if (fdbCount >= FDB_SIZE / 2) {
                    return;
                }
                fdbKey[i] = key;
                fdbPort[i] = (byte) port;
                fdbCount++;
                counters.increment(SwitchCounter.LEARNED);
                return;
            }
            i = (i + 1) & FDB_MASK;
        }
    }

    /**
     * Looks up a learned address.
     *
     * @param mac the MAC as a 48-bit value
     * @param vid the VLAN
     * @return its port, or -1 if unknown
     */
    public int lookup(final long mac, final int vid) {
        final long key = mac | ((long) vid << 48);
        int i = slot(mac, vid);
        for (int probe = 0; probe < FDB_SIZE; probe++) {
            final long k = fdbKey[i];
            if (k == key) {
                return fdbPort[i];
            }
            if (k == EMPTY) {
                return -1;
            }
            i = (i + 1) & FDB_MASK;
        }
        return -1;
    }

    /** @return the VLAN the last {@link #ingress(int, int)} classified into (0 if dropped untagged) */
    public int lastVid() {
        return lastVid;
    }

    /** @return the counters */
    public Counters<SwitchCounter> counters() {
        return counters;
    }

    /**
     * @param port a port
     * @return frames received on it
     */
    public long rxFrames(final int port) {
        return rxPort[port];
    }

    /**
     * @param port a port
     * @return frames sent out of it
     */
    public long txFrames(final int port) {
        return txPort[port];
    }

    /** @return the name */
    public String name() {
        return name;
    }
}
