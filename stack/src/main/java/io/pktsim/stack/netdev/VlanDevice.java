package io.pktsim.stack.netdev;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.header.VlanView;
import io.pktsim.core.packet.PacketStore;

/**
 * An 802.1Q VLAN device such as {@code eth0.2} (net/8021q/vlan_dev.c, vlan_core.c, Linux 6.18). Receive pops
 * the tag as {@code skb_vlan_untag()} / {@code skb_reorder_vlan_header()} do (the MAC addresses move 4 bytes
 * up, the tag is pulled) and {@code vlan_do_receive()} hands the frame to this device; transmit pushes the tag
 * as {@code vlan_insert_tag()} does ({@code vlan_dev_hard_start_xmit()} with the tag in the frame rather than
 * in {@code skb->vlan_tci}) and hands the frame to the lower device. MTU 1500, the lower device's MAC.
 * Allocation-free.
 */
public final class VlanDevice extends NetDevice {

    /** Bytes of an Ethernet header with its 802.1Q tag: the range the tag's receive and transmit touch. */
    static final int TAGGED_HEADER = EthernetView.LENGTH + VlanView.LENGTH;
    /** Offset of the tag's TCI in a tagged frame; the TPID is the two bytes before it. */
    static final int TCI_AT = EthernetView.LENGTH + VlanView.TCI_OFFSET;

    private final int lowerIfindex;
    private final int vlanId;
    private final int priority;
    /**
     * The tag transmit writes, TPID and TCI as one 32-bit word in network byte order: 0x8100, then what
     * {@link VlanView#tci(int, int)} writes for this device's priority and VLAN id.
     */
    private final int tagWord;

    /**
     * @param name e.g. {@code eth0.2}
     * @param lowerIfindex the real device the tag is on
     * @param lowerMac the lower device's MAC (a VLAN device shares it)
     * @param vlanId the VLAN id, 1..4094
     */
    public VlanDevice(final String name, final int lowerIfindex, final long lowerMac, final int vlanId) {
        super(name, 1500, lowerMac);
        if (vlanId < 1 || vlanId > 4094) {
            throw new IllegalArgumentException("VlanDevice " + name + ": VLAN id " + vlanId + " is not in 1..4094");
        }
        this.lowerIfindex = lowerIfindex;
        this.vlanId = vlanId;
        this.priority = 0;
        this.tagWord = EthernetView.ETHERTYPE_VLAN << 16 | ((priority & 7) << 13 | (vlanId & 0x0FFF));
    }

    /** @return the VLAN id */
    public int vlanId() {
        return vlanId;
    }

    /** @return the lower device's interface index */
    public int lowerIfindex() {
        return lowerIfindex;
    }

    /**
     * The VLAN id of a tagged Ethernet frame.
     *
     * @param store the packets
     * @param handle an Ethernet frame
     * @return the VLAN id, or -1 if the frame carries no 802.1Q tag
     */
    public static int peekVlanId(final PacketStore store, final int handle) {
        final long at = taggedHeader(store, handle);
        return at < 0 ? -1 : FrameBytes.getShort(store.buffer().byteArray(), at + TCI_AT) & 0x0FFF;
    }

    /**
     * The address of a tagged frame's header ({@value #TAGGED_HEADER} bytes, range-checked once: the TPID and the
     * TCI are then read without a check each), for {@link FrameBytes} with the store buffer's byte array.
     *
     * @param store the packets
     * @param handle an Ethernet frame
     * @return the address, or -1 if the frame carries no 802.1Q tag
     */
    static long taggedHeader(final PacketStore store, final int handle) {
        // the stored length and the range with one check of the handle (-1: fewer bytes stored)
        final long at = store.storedFrameAddress(handle, TAGGED_HEADER);
        if (at < 0) {
            return -1;
        }
        return (FrameBytes.getShort(store.buffer().byteArray(), at + EthernetView.ETHERTYPE_OFFSET) & 0xFFFF)
            == EthernetView.ETHERTYPE_VLAN ? at : -1;
    }

    /**
     * Receives a tagged frame: checks the tag, pops it and makes this device the receiving device
     * ({@code vlan_do_receive}). Counts {@link NetDeviceCounter#RX_PACKETS} on success.
     *
     * @param store the packets
     * @param handle an Ethernet frame tagged with this device's VLAN id
     * @return true if the frame is now untagged and received on this device; false if it was not for this
     *     device ({@link NetDeviceCounter#RX_DROPPED_MALFORMED}) or the device is down
     *     ({@link NetDeviceCounter#RX_DROPPED_DOWN}); the caller frees it then
     */
    public boolean receive(final PacketStore store, final int handle) {
        if (peekVlanId(store, handle) != vlanId) {
            counters().increment(NetDeviceCounter.RX_DROPPED_MALFORMED);
            return false;
        }
        return receiveTagged(store, handle);
    }

    /**
     * {@link #receive} for a frame whose tag {@link VlanGroup} has already read as this device's VLAN id.
     *
     * @param store the packets
     * @param handle an Ethernet frame tagged with this device's VLAN id
     * @return as {@link #receive}
     */
    boolean receiveTagged(final PacketStore store, final int handle) {
        if (!isUp()) {
            counters().increment(NetDeviceCounter.RX_DROPPED_DOWN);
            return false;
        }
        return popTag(store, handle, store.buffer().byteArray(), store.frameAddress(handle, TAGGED_HEADER));
    }

    /**
     * {@link #receiveTagged} for a frame whose tagged header {@link VlanGroup} has already range-checked.
     *
     * @param store the packets
     * @param handle an Ethernet frame tagged with this device's VLAN id
     * @param a the buffer's byte array (null off-heap)
     * @param at the frame's first byte's address from {@link FrameBytes#address}, {@value #TAGGED_HEADER} bytes
     *     checked
     * @return as {@link #receive}
     */
    boolean receiveTagged(final PacketStore store, final int handle, final byte[] a, final long at) {
        if (!isUp()) {
            counters().increment(NetDeviceCounter.RX_DROPPED_DOWN);
            return false;
        }
        return popTag(store, handle, a, at);
    }

    /** The tag's pop and the receive on this device (up), at a checked address as {@link #receiveTagged}'s. */
    private boolean popTag(final PacketStore store, final int handle, final byte[] a, final long at) {
        final int inner = FrameBytes.getShort(a, at + EthernetView.LENGTH + VlanView.ETHERTYPE_OFFSET) & 0xFFFF;
        EtherShift.moveMacs(a, at, at + VlanView.LENGTH);
        countRx(store.pullReceived(handle, VlanView.LENGTH, inner, PacketStore.FLAG_VLAN_RX, ifindex()));
        return true;
    }

    /**
     * Transmits an Ethernet frame on this VLAN: pushes the tag and hands the frame to the lower device (sets
     * the egress device to it). Counts {@link NetDeviceCounter#TX_PACKETS} with the tagged length.
     *
     * @param store the packets
     * @param handle an untagged Ethernet frame
     * @return true if tagged; false if the device is down ({@link NetDeviceCounter#TX_DROPPED_DOWN}) or the
     *     headroom is too small ({@link NetDeviceCounter#TX_DROPPED_NO_HEADROOM}); the caller frees it then
     */
    public boolean transmit(final PacketStore store, final int handle) {
        if (!isUp()) {
            counters().increment(NetDeviceCounter.TX_DROPPED_DOWN);
            return false;
        }
        // the tag's room and the tagged header's range with one check of the handle
        final long at = store.pushAddress(handle, VlanView.LENGTH, TAGGED_HEADER);
        if (at < 0) {
            counters().increment(NetDeviceCounter.TX_DROPPED_NO_HEADROOM);
            return false;
        }
        final byte[] a = store.buffer().byteArray();
        EtherShift.moveMacs(a, at + VlanView.LENGTH, at);
        // the TPID and the TCI in one store, in the range checked above
        FrameBytes.putInt(a, at + EthernetView.ETHERTYPE_OFFSET, tagWord);
        countTx(store.sentTo(handle, lowerIfindex));
        return true;
    }
}
