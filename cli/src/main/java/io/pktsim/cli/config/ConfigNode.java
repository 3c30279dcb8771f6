package io.pktsim.cli.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a configuration tree: a mapping (keys in file order), a sequence, a scalar (kept as the text
 * written, so that "010" and "0x10" can be read as the reader decides) or null, with the place it stood.
 */
public final class ConfigNode {

    /** The kind of a node. */
    public enum Kind {
        /** A mapping of keys to nodes. */
        MAP,
        /** A sequence of nodes. */
        LIST,
        /** A scalar: number, string or boolean, as text. */
        SCALAR,
        /** An explicit null (or an empty value). */
        NULL
    }

    private final Kind kind;
    private final String text;
    private final String source;
    private final String path;
    private final int line;
    private final int column;
    private final Map<String, ConfigNode> entries;
    private final Map<String, int[]> keyPlaces;
    private final List<ConfigNode> items;

    ConfigNode(final Kind kind, final String text, final String source, final String path,
        final int line, final int column) {
        this.kind = kind;
        this.text = text;
        this.source = source;
        this.path = path;
        this.line = line;
        this.column = column;
        this.entries = kind == Kind.MAP ? new LinkedHashMap<>() : Collections.emptyMap();
        this.keyPlaces = kind == Kind.MAP ? new LinkedHashMap<>() : Collections.emptyMap();
        this.items = kind == Kind.LIST ? new ArrayList<>() : Collections.emptyList();
    }

    void put(final String key, final ConfigNode value, final int keyLine, final int keyColumn) {
        entries.put(key, value);
        keyPlaces.put(key, new int[] {keyLine, keyColumn});
    }

    void add(final ConfigNode item) {
        items.add(item);
    }

    /** @return the kind */
    public Kind kind() {
        return kind;
    }

    /** @return the scalar's text, or null */
    public String text() {
        return text;
    }

    /** @return the file */
    public String source() {
        return source;
    }

    /** @return the dotted path of this node from the root ("topology.dials[2].weight") */
    public String path() {
        return path;
    }

    /** @return the 1-based line */
    public int line() {
        return line;
    }

    /** @return the 1-based column */
    public int column() {
        return column;
    }

    /** @return the entries of a mapping, in file order (empty for other kinds) */
    public Map<String, ConfigNode> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** @return the items of a sequence (empty for other kinds) */
    public List<ConfigNode> items() {
        return Collections.unmodifiableList(items);
    }

    /**
     * The place of a key in a mapping.
     *
     * @param key the key
     * @return {line, column}, or this node's place if the key is absent
     */
    public int[] keyPlace(final String key) {
        final int[] p = keyPlaces.get(key);
        return p == null ? new int[] {line, column} : p.clone();
    }

    /**
     * An error at this node.
     *
     * @param detail what is wrong and what is allowed
     * @return the exception to throw
     */
    public ConfigException error(final String detail) {
        return new ConfigException(source, line, column, detail);
    }

    /** @return a short description of the kind for messages ("a mapping", "a list", "'abc'") */
    public String describe() {
        switch (kind) {
            case MAP:
                return "a mapping";
            case LIST:
                return "a list";
            case NULL:
                return "nothing (null)";
            default:
                return "'" + text + "'";
        }
    }
}
