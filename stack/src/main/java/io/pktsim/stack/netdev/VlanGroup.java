package io.pktsim.stack.netdev;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/**
 * The VLAN devices on one real device by VLAN id ({@code struct vlan_group}, net/8021q/vlan.h, Linux 6.18),
 * looked up per frame by {@code vlan_find_dev()}. Allocation-free lookups.
 */
public final class VlanGroup {

    private final VlanDevice[] byId = new VlanDevice[4096];
    private long unknownVlan;

    /**
     * Adds a VLAN device.
     *
     * @param device the device; its VLAN id must be free
     */
    public void add(final VlanDevice device) {
        if (byId[device.vlanId()] != null) {
            throw new IllegalArgumentException("VlanGroup: VLAN " + device.vlanId() + " already has "
                + byId[device.vlanId()].name());
        }
        byId[device.vlanId()] = device;
    }

    /**
     * Delivers a tagged frame to its VLAN device ({@code vlan_do_receive}).
     *
     * @param store the packets
     * @param handle an Ethernet frame
     * @return the receiving device's ifindex ({@code RX_HANDLER_ANOTHER}), {@link RxHandler#PASS} for an
     *     untagged frame, or {@link RxHandler#CONSUMED} if the frame was tagged for no device here (counted in
     *     {@link #unknownVlanDrops()}) or the VLAN device refused it (counted on that device); a consumed frame
     *     has been freed
     */
    public int receive(final PacketStore store, final int handle) {
        // VlanDevice.peekVlanId, with its one range check of the tagged header kept for the device's pop
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(handle);
        if (store.storedLength(handle) < VlanDevice.TAGGED_HEADER) {
            return RxHandler.PASS;
        }
        final byte[] a = b.byteArray();
        final long at = FrameBytes.address(b, f, VlanDevice.TAGGED_HEADER);
        if ((FrameBytes.getShort(a, at + EthernetView.ETHERTYPE_OFFSET) & 0xFFFF) != EthernetView.ETHERTYPE_VLAN) {
            return RxHandler.PASS;
        }
        final VlanDevice dev = byId[FrameBytes.getShort(a, at + VlanDevice.TCI_AT) & 0x0FFF];
        if (dev == null) {
            unknownVlan++;
            store.free(handle);
            return RxHandler.CONSUMED;
        }
        if (!dev.receiveTagged(store, handle, a, at)) {
            store.free(handle);
            return RxHandler.CONSUMED;
        }
        return dev.ifindex();
    }

    /** @return frames dropped because no VLAN device had their id */
    public long unknownVlanDrops() {
        return unknownVlan;
    }
}
