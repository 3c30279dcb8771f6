package io.pktsim.cli.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, validated reading of one mapping of a {@link ConfigNode} tree. Each accessor names a key it
 * knows; {@link #finish()} then rejects any key that no accessor asked for, suggesting the nearest known
 * key. Every failure is a {@link ConfigException} at the offending value's line and column that names the
 * key, the value and what is allowed.
 *
 * <p>Units: durations take {@code ns}, {@code us}, {@code ms}, {@code s}, {@code min} (e.g. {@code 250ms},
 * {@code 1.5s}) and are returned in nanoseconds; rates take tc's units {@code bit}, {@code kbit},
 * {@code mbit}, {@code gbit} (also {@code Kbit/s}, {@code Mbps}, case-insensitive) and are returned in bits
 * per second; integers may be written in decimal or 0x-hex.
 */
public final class ConfigReader {

    private final ConfigNode node;
    private final Set<String> known = new LinkedHashSet<>();

    /**
     * Reads a mapping.
     *
     * @param node the node; must be a mapping
     * @throws ConfigException if it is not a mapping
     */
    public ConfigReader(final ConfigNode node) throws ConfigException {
        if (node.kind() != ConfigNode.Kind.MAP) {
            throw node.error(where(node) + "is " + node.describe() + "; expected a mapping of keys");
        }
        this.node = node;
    }

    /** @return the mapping node */
    public ConfigNode node() {
        return node;
    }

    private static String where(final ConfigNode n) {
        return n.path().isEmpty() ? "the document " : "'" + n.path() + "' ";
    }

    /**
     * The value of a key, null when the key is absent. A key written without a value ({@code duration:} or
     * {@code duration: ~}) is an error, not the default: the file names the key, so it meant some value.
     */
    private ConfigNode value(final String key) throws ConfigException {
        known.add(key);
        final ConfigNode v = node.entries().get(key);
        if (v != null && v.kind() == ConfigNode.Kind.NULL) {
            throw v.error("'" + v.path() + "' has no value (null); expected a value, or leave the key out for its "
                + "default");
        }
        return v;
    }

    private ConfigException missing(final String key, final String expected) {
        return node.error("missing key '" + qualified(key) + "'; expected " + expected);
    }

    private String qualified(final String key) {
        return node.path().isEmpty() ? key : node.path() + "." + key;
    }

    private ConfigNode scalar(final String key, final String expected) throws ConfigException {
        final ConfigNode v = value(key);
        if (v != null && v.kind() != ConfigNode.Kind.SCALAR) {
            throw v.error("'" + v.path() + "' is " + v.describe() + "; expected " + expected);
        }
        return v;
    }

    /**
     * Whether a key is present (with a non-null value). Marks it known.
     *
     * @param key the key
     * @return true if present
     * @throws ConfigException if the key is written without a value
     */
    public boolean has(final String key) throws ConfigException {
        return value(key) != null;
    }

    /**
     * A string.
     *
     * @param key the key
     * @param defaultValue returned when absent; null makes the key required
     * @return the value
     * @throws ConfigException if required and absent, or not a scalar
     */
    public String string(final String key, final String defaultValue) throws ConfigException {
        final ConfigNode v = scalar(key, "a string");
        if (v == null) {
            if (defaultValue == null) {
                throw missing(key, "a string");
            }
            return defaultValue;
        }
        return v.text();
    }

    /**
     * One of a fixed set of words.
     *
     * @param key the key
     * @param defaultValue returned when absent; null makes the key required
     * @param allowed the allowed words
     * @return the value
     * @throws ConfigException if absent and required, or not one of the words
     */
    public String choice(final String key, final String defaultValue, final String... allowed)
        throws ConfigException {
        final ConfigNode v = scalar(key, "one of " + String.join(", ", allowed));
        if (v == null) {
            if (defaultValue == null) {
                throw missing(key, "one of " + String.join(", ", allowed));
            }
            return defaultValue;
        }
        for (final String a : allowed) {
            if (a.equals(v.text())) {
                return a;
            }
        }
        final String near = Suggest.nearest(v.text(), List.of(allowed));
        throw v.error("'" + v.path() + "' is '" + v.text() + "'; expected one of " + String.join(", ", allowed)
            + (near == null ? "" : " (did you mean '" + near + "'?)"));
    }

    /**
     * An integer in a range, decimal or 0x-hex.
     *
     * @param key the key
     * @param defaultValue returned when absent; null makes the key required
     * @param min smallest allowed
     * @param max largest allowed
     * @return the value
     * @throws ConfigException if absent and required, not an integer, or out of range
     */
    public long integer(final String key, final Long defaultValue, final long min, final long max)
        throws ConfigException {
        final String range = "an integer from " + min + " to " + max;
        final ConfigNode v = scalar(key, range);
        if (v == null) {
            if (defaultValue == null) {
                throw missing(key, range);
            }
            return defaultValue;
        }
        final long x;
        try {
            x = parseInteger(v.text());
        } catch (final NumberFormatException e) {
            throw v.error("'" + v.path() + "' is '" + v.text() + "'; expected " + range);
        }
        if (x < min || x > max) {
            throw v.error("'" + v.path() + "' is " + v.text() + "; expected " + range);
        }
        return x;
    }

    /**
     * Parses decimal or 0x-hex.
     *
     * @param text the text
     * @return the value
     * @throws NumberFormatException if it is neither
     */
    public static long parseInteger(final String text) {
        final String t = text.trim().replace("_", "");
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        return Long.parseLong(t);
    }

    /**
     * A decimal number in a range.
     *
     * @param key the key
     * @param defaultValue returned when absent; null makes the key required
     * @param min smallest allowed
     * @param max largest allowed
     * @return the value
     * @throws ConfigException if absent and required, not a number, or out of range
     */
    public double decimal(final String key, final Double defaultValue, final double min, final double max)
        throws ConfigException {
        final String range = "a number from " + trim(min) + " to " + trim(max);
        final ConfigNode v = scalar(key, range);
        if (v == null) {
            if (defaultValue == null) {
                throw missing(key, range);
            }
            return defaultValue;
        }
        final double x;
        try {
            x = Double.parseDouble(v.text().trim());
        } catch (final NumberFormatException e) {
            throw v.error("'" + v.path() + "' is '" + v.text() + "'; expected " + range);
        }
        if (!(x >= min && x <= max)) {
            throw v.error("'" + v.path() + "' is " + v.text() + "; expected " + range);
        }
        return x;
    }

    private static String trim(final double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * A boolean ({@code true}/{@code false}, also {@code on}/{@code off}, {@code yes}/{@code no}).
     *
     * @param key the key
     * @param defaultValue returned when absent; null makes the key required
     * @return the value
     * @throws ConfigException if absent and required, or not a boolean
     */
    public boolean bool(final String key, final Boolean defaultValue) throws ConfigException {
        final ConfigNode v = scalar(key, "true or false");
        if (v == null) {
            if (defaultValue == null) {
                throw missing(key, "true or false");
            }
            return defaultValue;
        }
        switch (v.text().trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "on":
            case "yes":
                return true;
            case "false":
            case "off":
            case "no":
                return false;
            default:
                throw v.error("'" + v.path() + "' is '" + v.text() + "'; expected true or false");
        }
    }

    /**
     * A duration, returned in nanoseconds.
     *
     * @param key the key
     * @param defaultNs returned when absent; null makes the key required
     * @param minNs smallest allowed
     * @param maxNs largest allowed
     * @return nanoseconds
     * @throws ConfigException if absent and required, malformed, or out of range
     */
    public long durationNs(final String key, final Long defaultNs, final long minNs, final long maxNs)
        throws ConfigException {
        final String expected = "a duration such as 10s, 250ms, 50us or 100ns, from " + Units.formatNs(minNs)
            + " to " + Units.formatNs(maxNs);
        final ConfigNode v = scalar(key, expected);
        if (v == null) {
            if (defaultNs == null) {
                throw missing(key, expected);
            }
            return defaultNs;
        }
        final long ns;
        try {
            ns = Units.parseDurationNs(v.text());
        } catch (final IllegalArgumentException e) {
            throw v.error("'" + v.path() + "' is '" + v.text() + "'; expected " + expected);
        }
        if (ns < minNs || ns > maxNs) {
            throw v.error("'" + v.path() + "' is " + v.text() + "; expected " + expected);
        }
        return ns;
    }

    /**
     * A rate, returned in bits per second.
     *
     * @param key the key
     * @param defaultBps returned when absent; null makes the key required
     * @param minBps smallest allowed
     * @param maxBps largest allowed
     * @return bits per second
     * @throws ConfigException if absent and required, malformed, negative or out of range
     */
    public long rateBps(final String key, final Long defaultBps, final long minBps, final long maxBps)
        throws ConfigException {
        final String expected = "a rate such as 100mbit, 1gbit or 500kbit, from " + Units.formatBps(minBps)
            + " to " + Units.formatBps(maxBps);
        final ConfigNode v = scalar(key, expected);
        if (v == null) {
            if (defaultBps == null) {
                throw missing(key, expected);
            }
            return defaultBps;
        }
        final long bps;
        try {
            bps = Units.parseRateBps(v.text());
        } catch (final IllegalArgumentException e) {
            throw v.error("'" + v.path() + "' is '" + v.text() + "'; expected " + expected);
        }
        if (bps < minBps || bps > maxBps) {
            throw v.error("'" + v.path() + "' is " + v.text() + "; expected " + expected);
        }
        return bps;
    }

    /**
     * A nested mapping.
     *
     * @param key the key
     * @param required whether it must be present
     * @return its reader, or null when absent and not required
     * @throws ConfigException if required and absent, or not a mapping
     */
    public ConfigReader object(final String key, final boolean required) throws ConfigException {
        final ConfigNode v = value(key);
        if (v == null) {
            if (required) {
                throw missing(key, "a mapping");
            }
            return null;
        }
        return new ConfigReader(v);
    }

    /**
     * A list of nodes.
     *
     * @param key the key
     * @param required whether it must be present
     * @param minItems the fewest items allowed
     * @return the items (empty when absent and not required)
     * @throws ConfigException if required and absent, not a list, or too short
     */
    public List<ConfigNode> list(final String key, final boolean required, final int minItems)
        throws ConfigException {
        final ConfigNode v = value(key);
        if (v == null) {
            if (required) {
                throw missing(key, "a list");
            }
            return Collections.emptyList();
        }
        if (v.kind() != ConfigNode.Kind.LIST) {
            throw v.error("'" + v.path() + "' is " + v.describe() + "; expected a list");
        }
        if (v.items().size() < minItems) {
            throw v.error("'" + v.path() + "' has " + v.items().size() + " items; expected at least " + minItems);
        }
        return v.items();
    }

    /**
     * A list of mappings.
     *
     * @param key the key
     * @param required whether it must be present
     * @param minItems the fewest items allowed
     * @return a reader per item
     * @throws ConfigException if required and absent, not a list of mappings, or too short
     */
    public List<ConfigReader> objects(final String key, final boolean required, final int minItems)
        throws ConfigException {
        final List<ConfigReader> out = new ArrayList<>();
        for (final ConfigNode n : list(key, required, minItems)) {
            out.add(new ConfigReader(n));
        }
        return out;
    }

    /**
     * Rejects every key no accessor asked for.
     *
     * @throws ConfigException at the first unknown key, with the nearest known key if one is close
     */
    public void finish() throws ConfigException {
        for (final String key : node.entries().keySet()) {
            if (!known.contains(key)) {
                final int[] at = node.keyPlace(key);
                final String near = Suggest.nearest(key, known);
                final String in = node.path().isEmpty() ? "at the top level" : "in '" + node.path() + "'";
                throw new ConfigException(node.source(), at[0], at[1], "unknown key '" + key + "' " + in
                    + (near == null ? "" : "; did you mean '" + near + "'?") + " (known keys: "
                    + String.join(", ", known) + ")");
            }
        }
    }

    /**
     * An error at a key's value (or at the mapping when the key is absent).
     *
     * @param key the key
     * @param detail what is wrong and what is allowed
     * @return the exception to throw
     */
    public ConfigException errorAt(final String key, final String detail) {
        final ConfigNode v = node.entries().get(key);
        return v != null ? v.error(detail) : node.error(detail);
    }
}
