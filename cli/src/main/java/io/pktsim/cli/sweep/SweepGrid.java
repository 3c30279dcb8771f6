package io.pktsim.cli.sweep;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.config.ConfigNode;
import io.pktsim.cli.scenario.Scenario;
import io.pktsim.cli.scenario.ScenarioLoader;

/**
 * The points of a sweep: the cross product of the {@code --set KEY=V1,V2,...} options (the first option outermost,
 * the seeds of {@code --seeds} innermost), each the scenario file's tree with those values put in and then read by
 * the same strict {@link ScenarioLoader} as {@code pktsim run}. A value is put in as the text written, exactly as
 * if it had been typed in the YAML file at that key; a missing mapping on the way is created.
 */
public final class SweepGrid {

    /** The key {@code --seeds} sweeps. */
    public static final String SEED_KEY = "seed";

    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_-]*)((?:\\[[0-9]{1,6}\\])*)");
    private static final Pattern INDEX = Pattern.compile("\\[([0-9]{1,6})\\]");

    /**
     * One swept key.
     *
     * @param option the option as given ({@code --set KEY=V1,V2}, or {@code --seeds N}), for messages
     * @param key the dotted key
     * @param path the key's steps: a String for a mapping key, an Integer for a list index
     * @param values the values in order, as written
     */
    public record Dimension(String option, String key, List<Object> path, List<String> values) {
    }

    /**
     * One point.
     *
     * @param index the point's index, from 0, in grid order
     * @param values the value of each dimension, in dimension order
     * @param scenario the validated scenario of this point
     */
    public record Point(int index, List<String> values, Scenario scenario) {
    }

    private SweepGrid() {
    }

    /**
     * Parses one {@code --set} option.
     *
     * @param spec the text after {@code --set}: {@code KEY=V1,V2,...}
     * @return the dimension
     * @throws SweepException (usage) with the option, the key and what is wrong
     */
    public static Dimension parseSet(final String spec) throws SweepException {
        final String option = "--set " + spec;
        final int eq = spec.indexOf('=');
        if (eq < 0) {
            throw new SweepException(option + ": expected KEY=V1,V2,... such as wan.dialsPerLine=1,2,4");
        }
        final String key = spec.substring(0, eq).strip();
        final List<Object> path = parseKey(option, key);
        final String list = spec.substring(eq + 1);
        if (list.isBlank()) {
            throw new SweepException(option + ": no values for '" + key + "'; expected one or more values "
                + "separated by commas, such as " + key + "=1,2");
        }
        final List<String> values = new ArrayList<>();
        for (final String v : list.split(",", -1)) {
            final String t = v.strip();
            if (t.isEmpty()) {
                throw new SweepException(option + ": an empty value in '" + list + "'; expected values separated "
                    + "by single commas");
            }
            if (values.contains(t)) {
                throw new SweepException(option + ": the value '" + t + "' is listed twice");
            }
            values.add(t);
        }
        return new Dimension(option, key, path, List.copyOf(values));
    }

    /**
     * The dimension of {@code --seeds N}: seeds 1 to N.
     *
     * @param seeds N, 1 or more
     * @return the dimension
     */
    public static Dimension seeds(final int seeds) {
        final List<String> values = new ArrayList<>();
        for (int i = 1; i <= seeds; i++) {
            values.add(Integer.toString(i));
        }
        return new Dimension("--seeds " + seeds, SEED_KEY, List.of(SEED_KEY), List.copyOf(values));
    }

    private static List<Object> parseKey(final String option, final String key) throws SweepException {
        final List<Object> path = new ArrayList<>();
        for (final String segment : key.split("\\.", -1)) {
            final Matcher m = SEGMENT.matcher(segment);
            if (!m.matches()) {
                throw new SweepException(option + ": '" + key + "' is not a dotted scenario key; expected a key "
                    + "such as wan.dialsPerLine, balancing.mode or workload.apps[0].connections");
            }
            path.add(m.group(1));
            final Matcher i = INDEX.matcher(m.group(2));
            while (i.find()) {
                path.add(Integer.valueOf(i.group(1)));
            }
        }
        return List.copyOf(path);
    }

    /**
     * The number of points of a grid.
     *
     * @param dims the dimensions
     * @return the product of their sizes
     * @throws SweepException (usage) above {@code max}
     */
    static int size(final List<Dimension> dims, final int max) throws SweepException {
        long n = 1;
        for (final Dimension d : dims) {
            n *= d.values().size();
            if (n > max) {
                throw new SweepException("the sweep has more than " + max + " points; expected at most " + max);
            }
        }
        return (int) n;
    }

    /**
     * The values of one point: the last dimension varies fastest.
     *
     * @param dims the dimensions
     * @param index the point's index
     * @return one value per dimension
     */
    static List<String> valuesOf(final List<Dimension> dims, final int index) {
        final String[] out = new String[dims.size()];
        int rest = index;
        for (int d = dims.size() - 1; d >= 0; d--) {
            final List<String> v = dims.get(d).values();
            out[d] = v.get(rest % v.size());
            rest /= v.size();
        }
        return List.of(out);
    }

    /**
     * Builds and validates every point, before anything runs.
     *
     * @param file the scenario file's name, as given (messages and the default scenario name)
     * @param base the scenario file's tree
     * @param dims the dimensions
     * @param max the most points allowed
     * @return the points in grid order
     * @throws SweepException (usage) naming the option, the key, the value and what is allowed
     */
    public static List<Point> points(final String file, final ConfigNode base, final List<Dimension> dims,
        final int max) throws SweepException {
        final int n = size(dims, max);
        final ScenarioLoader loader = new ScenarioLoader();
        final Object tree = toTree(base);
        final List<Point> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final List<String> values = valuesOf(dims, i);
            Object t = copy(tree);
            for (int d = 0; d < dims.size(); d++) {
                t = put(t, dims.get(d), values.get(d));
            }
            try {
                out.add(new Point(i, values, loader.parse(file, bytes(t))));
            } catch (final ConfigException e) {
                throw blame(file, loader, tree, dims, values, i, e);
            }
        }
        return List.copyOf(out);
    }

    /** The message of a point the loader rejected: the one option to blame if one value alone is wrong. */
    private static SweepException blame(final String file, final ScenarioLoader loader, final Object tree,
        final List<Dimension> dims, final List<String> values, final int index, final ConfigException e)
        throws SweepException {
        for (int d = 0; d < dims.size(); d++) {
            final Dimension dim = dims.get(d);
            try {
                loader.parse(file, bytes(put(copy(tree), dim, values.get(d))));
            } catch (final ConfigException alone) {
                return new SweepException(dim.option() + ": " + dim.key() + "=" + values.get(d) + ": "
                    + alone.detail());
            }
        }
        return new SweepException("point " + index + " (" + describe(dims, values) + "): " + e.detail());
    }

    /**
     * @param dims the dimensions
     * @param values one point's values
     * @return e.g. {@code wan.dialsPerLine=2, seed=1}
     */
    public static String describe(final List<Dimension> dims, final List<String> values) {
        final StringBuilder sb = new StringBuilder();
        for (int d = 0; d < dims.size(); d++) {
            sb.append(d == 0 ? "" : ", ").append(dims.get(d).key()).append('=').append(values.get(d));
        }
        return sb.toString();
    }

    /** A mutable copy of a node: LinkedHashMap, ArrayList, String (a scalar's text) or null. */
    private static Object toTree(final ConfigNode n) {
        switch (n.kind()) {
            case MAP: {
                final Map<String, Object> m = new LinkedHashMap<>();
                for (final Map.Entry<String, ConfigNode> e : n.entries().entrySet()) {
                    m.put(e.getKey(), toTree(e.getValue()));
                }
                return m;
            }
            case LIST: {
                final List<Object> l = new ArrayList<>();
                for (final ConfigNode i : n.items()) {
                    l.add(toTree(i));
                }
                return l;
            }
            case SCALAR:
                return n.text();
            default:
                return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static Object copy(final Object o) {
        if (o instanceof Map) {
            final Map<String, Object> m = new LinkedHashMap<>();
            for (final Map.Entry<String, Object> e : ((Map<String, Object>) o).entrySet()) {
                m.put(e.getKey(), copy(e.getValue()));
            }
            return m;
        }
        if (o instanceof List) {
            final List<Object> l = new ArrayList<>();
            for (final Object i : (List<Object>) o) {
                l.add(copy(i));
            }
            return l;
        }
        return o;
    }

    /** Puts a value at a dimension's key, creating missing mappings on the way. */
    @SuppressWarnings("unchecked")
    private static Object put(final Object root, final Dimension dim, final String value) throws SweepException {
        Object cur = root;
        final List<Object> path = dim.path();
        final StringBuilder at = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            final Object step = path.get(i);
            final boolean last = i == path.size() - 1;
            final Object next = last ? null : path.get(i + 1);
            if (step instanceof String) {
                final String key = (String) step;
                if (!(cur instanceof Map)) {
                    throw notA(dim, at, cur, "a mapping");
                }
                final Map<String, Object> m = (Map<String, Object>) cur;
                at.append(at.length() == 0 ? "" : ".").append(key);
                if (last) {
                    m.put(key, value);
                } else {
                    if (m.get(key) == null && next instanceof String) {
                        m.put(key, new LinkedHashMap<String, Object>());
                    }
                    cur = m.get(key);
                }
            } else {
                final int index = (Integer) step;
                if (!(cur instanceof List)) {
                    throw notA(dim, at, cur, "a list");
                }
                final List<Object> l = (List<Object>) cur;
                if (index >= l.size()) {
                    throw new SweepException(dim.option() + ": '" + at + "' has " + l.size() + " item"
                        + (l.size() == 1 ? "" : "s") + " in the scenario; [" + index + "] is out of range (expected "
                        + "[0] to [" + (l.size() - 1) + "])");
                }
                at.append('[').append(index).append(']');
                if (last) {
                    l.set(index, value);
                } else {
                    cur = l.get(index);
                }
            }
        }
        return root;
    }

    private static SweepException notA(final Dimension dim, final CharSequence at, final Object found,
        final String expected) {
        final String what = found == null ? "absent or null" : found instanceof List ? "a list"
            : found instanceof Map ? "a mapping" : "the value '" + found + "'";
        return new SweepException(dim.option() + ": '" + at + "' is " + what + " in the scenario; '" + dim.key()
            + "' needs " + expected + " there");
    }

    /** The tree as one line of flow YAML, every scalar double-quoted (the loader keeps a scalar's text). */
    static byte[] bytes(final Object tree) {
        final StringBuilder sb = new StringBuilder(1024);
        emit(tree, sb);
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static void emit(final Object o, final StringBuilder sb) {
        if (o instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (final Map.Entry<String, Object> e : ((Map<String, Object>) o).entrySet()) {
                sb.append(first ? "" : ", ");
                first = false;
                quote(e.getKey(), sb);
                sb.append(": ");
                emit(e.getValue(), sb);
            }
            sb.append('}');
        } else if (o instanceof List) {
            sb.append('[');
            boolean first = true;
            for (final Object i : (List<Object>) o) {
                sb.append(first ? "" : ", ");
                first = false;
                emit(i, sb);
            }
            sb.append(']');
        } else if (o == null) {
            sb.append("null");
        } else {
            quote((String) o, sb);
        }
    }

    /**
     * Writes a YAML double-quoted scalar.
     *
     * @param s the text
     * @param sb where to write
     */
    static void quote(final String s, final StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
