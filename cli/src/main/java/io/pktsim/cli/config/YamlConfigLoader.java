package io.pktsim.cli.config;

import java.io.IOException;
import java.io.Reader;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML into a {@link ConfigNode} tree that remembers the line and column of every key and value.
 * Rejects a syntax error, a duplicate key, more than one document, and a top level that is not a
 * mapping. Uses Jackson's streaming YAML parser (SnakeYAML underneath).
 */
public final class YamlConfigLoader {

    private final YAMLFactory factory = YAMLFactory.builder().build();

    /**
     * Parses a document whose top level must be a mapping.
     *
     * @param source the file name for messages
     * @param reader the text
     * @return the root mapping
     * @throws ConfigException on a syntax error, a duplicate key, or a top level that is not a mapping
     */
    public ConfigNode load(final String source, final Reader reader) throws ConfigException {
        try (JsonParser p = factory.createParser(reader)) {
            final JsonToken first = p.nextToken();
            if (first == null) {
                throw new ConfigException(source, 1, 1, "the file is empty; expected a YAML mapping");
            }
            final ConfigNode root = read(p, source, "");
            if (root.kind() != ConfigNode.Kind.MAP) {
                throw root.error("the top level is " + root.describe() + "; expected a mapping of keys");
            }
            if (p.nextToken() != null) {
                final JsonLocation l = p.currentTokenLocation();
                throw new ConfigException(source, l.getLineNr(), l.getColumnNr(),
                    "more than one YAML document; expected exactly one");
            }
            return root;
        } catch (final JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                throw syntaxError(source, m);
            }
            final JsonLocation l = e.getLocation();
            final String msg = e.getOriginalMessage().replace('\n', ' ').replaceAll("\\s+", " ").trim();
            throw new ConfigException(source, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                "not valid YAML: " + msg);
        } catch (final IOException e) {
            throw new ConfigException(source, 0, 0, "cannot read: " + e.getMessage());
        }
    }

    /**
     * A syntax error at the place SnakeYAML found it (its problem mark, 0-based there), with its problem and, when
     * it gives one, what it was reading and where that started: {@code s.yaml:35:7: not valid YAML: expected <block
     * end>, but found '-' (while parsing a block mapping that starts at line 27, column 7)}. SnakeYAML's own
     * message repeats the places with a snippet of the text over several lines.
     */
    private static ConfigException syntaxError(final String source, final MarkedYAMLException m) {
        final Mark at = m.getProblemMark();
        final StringBuilder text = new StringBuilder("not valid YAML: ").append(m.getProblem());
        if (m.getContext() != null) {
            text.append(" (").append(m.getContext());
            final Mark from = m.getContextMark();
            if (from != null && (from.getLine() != at.getLine() || from.getColumn() != at.getColumn())) {
                text.append(" that starts at line ").append(from.getLine() + 1).append(", column ")
                    .append(from.getColumn() + 1);
            }
            text.append(')');
        }
        return new ConfigException(source, at.getLine() + 1, at.getColumn() + 1, text.toString());
    }

    private ConfigNode read(final JsonParser p, final String source, final String path)
        throws IOException, ConfigException {
        final JsonLocation loc = p.currentTokenLocation();
        final int line = loc.getLineNr();
        final int col = loc.getColumnNr();
        final JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                final ConfigNode map = new ConfigNode(ConfigNode.Kind.MAP, null, source, path, line, col);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String key = p.currentName();
                    final JsonLocation kl = p.currentTokenLocation();
                    if (map.entries().containsKey(key)) {
                        final int[] first = map.keyPlace(key);
                        throw new ConfigException(source, kl.getLineNr(), kl.getColumnNr(),
                            "duplicate key '" + key + "' (first at line " + first[0] + ")");
                    }
                    p.nextToken();
                    final ConfigNode value = read(p, source, path.isEmpty() ? key : path + "." + key);
                    map.put(key, value, kl.getLineNr(), kl.getColumnNr());
                }
                return map;
            }
            case START_ARRAY: {
                final ConfigNode list = new ConfigNode(ConfigNode.Kind.LIST, null, source, path, line, col);
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, source, path + "[" + i + "]"));
                    i++;
                }
                return list;
            }
            case VALUE_NULL:
                return new ConfigNode(ConfigNode.Kind.NULL, null, source, path, line, col);
            default:
                return new ConfigNode(ConfigNode.Kind.SCALAR, p.getText(), source, path, line, col);
        }
    }
}
