package io.pktsim.cli.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * A device preset: a built-in profile plus the board's ports. The K2P's MT7621A drives an MT7530 switch with
 * 4 LAN and 1 WAN gigabit ports; the Newifi Y1's MT7620A has a built-in Fast Ethernet switch (100 Mbit/s
 * ports, portmap "llllw"); the x86 preset is a server with one LAN and one WAN port (router-facts.md, 4).
 */
public enum Preset {
    /** Phicomm K2P: mt7621, 4 LAN + 1 WAN gigabit ports through the MT7530. */
    K2P("k2p", "mt7621", 4, 1_000_000_000L, 1_000_000_000L, "Phicomm K2P: MT7621A, MT7530 switch, 4 LAN + 1 WAN GbE"),
    /** Lenovo Newifi Y1 (mini): mt7620, 4 LAN + 1 WAN 100 Mbit/s ports. */
    NEWIFI_Y1("newifi-y1", "mt7620", 4, 100_000_000L, 100_000_000L,
        "Lenovo Newifi Y1: MT7620A, built-in FE switch, 4 LAN + 1 WAN 100 Mbit/s"),
    /** An x86 router: the x86 profile, up to 8 LAN ports, gigabit by default. */
    X86("x86", "x86", 8, 1_000_000_000L, 1_000_000_000L, "x86 server: 1 WAN port, up to 8 LAN ports");

    private final String label;
    private final String profile;
    private final int maxLanPorts;
    private final long lanPortRateBps;
    private final long wanPortRateBps;
    private final String description;

    Preset(final String label, final String profile, final int maxLanPorts, final long lanPortRateBps,
        final long wanPortRateBps, final String description) {
        this.label = label;
        this.profile = profile;
        this.maxLanPorts = maxLanPorts;
        this.lanPortRateBps = lanPortRateBps;
        this.wanPortRateBps = wanPortRateBps;
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

    /** @return the most LAN ports the board has */
    public int maxLanPorts() {
        return maxLanPorts;
    }

    /** @return the LAN ports' line rate, bits/s */
    public long lanPortRateBps() {
        return lanPortRateBps;
    }

    /** @return the WAN port's line rate, bits/s */
    public long wanPortRateBps() {
        return wanPortRateBps;
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
