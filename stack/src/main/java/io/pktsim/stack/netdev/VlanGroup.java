package io.pktsim.stack.netdev;

import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.packet.PacketStore;

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
        // the tagged header's one range check, kept for the device's pop
        final long at = VlanDevice.taggedHeader(store, handle);
        if (at < 0) {
            return RxHandler.PASS;
        }
        final byte[] a = store.buffer().byteArray();
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
