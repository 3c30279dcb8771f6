package io.pktsim.cli.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and rates as people write them, parsed exactly (no floating point): {@code 1.5s} is
 * 1,500,000,000 ns, {@code 100mbit} is 100,000,000 bit/s (decimal prefixes, as tc uses them).
 */
public final class Units {

    private static final Pattern NUMBER_UNIT = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z/]*)\\s*");

    private Units() {
    }

    /** A number without unit that is zero ({@code 0}, {@code 0.0}): the one value that needs none. */
    private static boolean isBareZero(final Matcher m) {
        return m.group(2).isEmpty() && m.group(1).chars().allMatch(c -> c == '0' || c == '.');
    }

    /**
     * Parses a duration.
     *
     * @param text e.g. {@code 10s}, {@code 250ms}, {@code 1.5us}, {@code 100ns}, {@code 2min}
     * @return nanoseconds
     * @throws IllegalArgumentException if malformed, negative, unitless (but 0), or not a whole number of ns
     */
    public static long parseDurationNs(final String text) {
        final Matcher m = NUMBER_UNIT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        if (isBareZero(m)) {
            return 0L; // 0 needs no unit
        }
        final long scale;
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ns":
                scale = 1L;
                break;
            case "us":
            case "µs":
                scale = 1_000L;
                break;
            case "ms":
                scale = 1_000_000L;
                break;
            case "s":
                scale = 1_000_000_000L;
                break;
            case "min":
                scale = 60_000_000_000L;
                break;
            default:
                throw new IllegalArgumentException("unknown duration unit in " + text);
        }
        return exactProduct(m.group(1), scale, text);
    }

    /**
     * Parses a rate.
     *
     * @param text e.g. {@code 100mbit}, {@code 1gbit}, {@code 940Mbps}, {@code 500kbit/s}, {@code 64000bit}
     * @return bits per second
     * @throws IllegalArgumentException if malformed, negative or unitless (but 0)
     */
    public static long parseRateBps(final String text) {
        final Matcher m = NUMBER_UNIT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a rate: " + text);
        }
        if (isBareZero(m)) {
            return 0L;
        }
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        if (unit.endsWith("/s")) {
            unit = unit.substring(0, unit.length() - 2);
        }
        final long scale;
        switch (unit) {
            case "bit":
            case "bps":
                scale = 1L;
                break;
            case "kbit":
            case "kbps":
                scale = 1_000L;
                break;
            case "mbit":
            case "mbps":
                scale = 1_000_000L;
                break;
            case "gbit":
            case "gbps":
                scale = 1_000_000_000L;
                break;
            default:
                throw new IllegalArgumentException("unknown rate unit in " + text);
        }
        return exactProduct(m.group(1), scale, text);
    }

    private static long exactProduct(final String number, final long scale, final String text) {
        final BigDecimal v = new BigDecimal(number).multiply(BigDecimal.valueOf(scale));
        try {
            return v.longValueExact();
        } catch (final ArithmeticException e) {
            throw new IllegalArgumentException("not a whole number of base units: " + text, e);
        }
    }

    /**
     * Formats nanoseconds in the largest unit that keeps it whole.
     *
     * @param ns nanoseconds
     * @return text such as {@code 250ms}
     */
    public static String formatNs(final long ns) {
        if (ns == Long.MAX_VALUE) {
            return "unlimited";
        }
        if (ns != 0 && ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns != 0 && ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        if (ns != 0 && ns % 1_000L == 0) {
            return ns / 1_000L + "us";
        }
        return ns + "ns";
    }

    /**
     * Formats bits per second in the largest unit that keeps it whole.
     *
     * @param bps bits per second
     * @return text such as {@code 100mbit}
     */
    public static String formatBps(final long bps) {
        if (bps == Long.MAX_VALUE) {
            return "unlimited";
        }
        if (bps != 0 && bps % 1_000_000_000L == 0) {
            return bps / 1_000_000_000L + "gbit";
        }
        if (bps != 0 && bps % 1_000_000L == 0) {
            return bps / 1_000_000L + "mbit";
        }
        if (bps != 0 && bps % 1_000L == 0) {
            return bps / 1_000L + "kbit";
        }
        return bps + "bit";
    }
}
