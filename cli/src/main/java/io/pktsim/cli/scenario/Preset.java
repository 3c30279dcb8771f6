package io.pktsim.cli.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * A device preset: a built-in profile plus the board's ports. The K2P's MT7621A drives an MT7530 switch with
 * 4 LAN and 1 WAN gigabit ports; the Newifi Y1's MT7620A has a built-in Fast Ethernet switch (100 Mbit/s
 * ports, portmap "llllw") (router-facts.md, 4). Multi-line setups use switch ports as WAN lines, one VLAN each,
 * keeping one port for the LAN; the x86 preset has 9 ports.
 */
public enum Preset {
    /** Phicomm K2P: mt7621, 5 gigabit ports (4 LAN + 1 WAN) through the MT7530. */
    K2P("k2p", "mt7621", 5, 1_000_000_000L, "Phicomm K2P: MT7621A, MT7530 switch, 4 LAN + 1 WAN GbE"),
    /** Lenovo Newifi Y1 (mini): mt7620, 5 ports of 100 Mbit/s (4 LAN + 1 WAN). */
    NEWIFI_Y1("newifi-y1", "mt7620", 5, 100_000_000L,
        "Lenovo Newifi Y1: MT7620A, built-in FE switch, 4 LAN + 1 WAN 100 Mbit/s"),
    /** An x86 router: the x86 profile, 9 gigabit ports (1 LAN + up to 8 WAN lines). */
    X86("x86", "x86", 9, 1_000_000_000L, "x86 server: 9 GbE ports (1 LAN, up to 8 WAN lines)");

    /** The most WAN lines the router engine models. */
    public static final int ENGINE_MAX_LINES = 8;

    private final String label;
    private final String profile;
    private final int ports;
    private final long portRateBps;
    private final String description;

    Preset(final String label, final String profile, final int ports, final long portRateBps,
        final String description) {
        this.label = label;
        this.profile = profile;
        this.ports = ports;
        this.portRateBps = portRateBps;
        this.description = description;
    }

    /** @return the name written in scenarios ({@code k2p}, {@code newifi-y1}, {@code x86}) */
    public String label() {
        return label;
    }

    /** @return the built-in profile's name ({@code mt7621}, {@code mt7620}, {@code x86}) */
    public String profile() {
        return profile;
    }

    /** @return whether the board's ports are a switch's (k2p, newifi-y1), which {@code device.switch} drives */
    public boolean hasSwitch() {
        return this != X86;
    }

    /**
     * @return whether, under DSA, the WAN port is on the SoC's second GMAC rather than a switch port: the K2P
     *     (OpenWrt's mt7621_phicomm_k2p.dts labels gmac1 {@code wan}, with the switch's PHY 4); the MT7620's
     *     switch has every port as a DSA user port (openwrt/openwrt pull request #24493)
     */
    public boolean wanOnOwnGmac() {
        return this == K2P;
    }

    /** @return the board's Ethernet ports (switch ports) */
    public int ports() {
        return ports;
    }

    /** @return the most WAN lines: every port but the LAN port, at most {@link #ENGINE_MAX_LINES} */
    public int maxLines() {
        return Math.min(ENGINE_MAX_LINES, ports - 1);
    }

    /** @return the ports' line rate (PHY speed), bits/s */
    public long portRateBps() {
        return portRateBps;
    }

    /** @return one line about the board */
    public String description() {
        return description;
    }

    /** @return the labels, in declaration order */
    public static List<String> labels() {
        final List<String> out = new ArrayList<>();
        for (final Preset p : values()) {
            out.add(p.label);
        }
        return out;
    }

    /**
     * @param label a label
     * @return the preset, or null
     */
    public static Preset byLabel(final String label) {
        for (final Preset p : values()) {
            if (p.label.equals(label)) {
                return p;
            }
        }
        return null;
    }
}
