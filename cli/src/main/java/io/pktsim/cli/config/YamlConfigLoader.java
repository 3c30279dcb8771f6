package io.pktsim.cli.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML into a {@link ConfigNode} tree that remembers the line and column of every key and value.
 * Rejects a syntax error, a duplicate key, more than one document, and a top level that is not a
 * mapping. Uses Jackson's streaming YAML parser (SnakeYAML underneath).
 *
 * <p>A file is read with {@link #readFile} and {@link #decode}: at most {@link #MAX_FILE_BYTES} bytes of UTF-8
 * (SnakeYAML takes minutes over a line of tens of megabytes, and a scenario or a profile is a few kilobytes).
 */
public final class YamlConfigLoader {

    /** The largest configuration file read, in bytes (1 MiB; the shipped scenarios are under 3 KiB). */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private final YAMLFactory factory = YAMLFactory.builder().build();

    /**
     * Reads a configuration file's bytes: a regular file (or a pipe) of at most {@link #MAX_FILE_BYTES} bytes.
     *
     * @param file the file
     * @return its bytes
     * @throws ConfigException if it is missing, a directory, unreadable or too large
     */
    public static byte[] readFile(final Path file) throws ConfigException {
        final String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new ConfigException(source, 0, 0, "is a directory; expected a YAML file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            final byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new ConfigException(source, 0, 0, "more than " + MAX_FILE_BYTES + " bytes (1 MiB); expected a "
                    + "YAML file of a few kilobytes");
            }
            return bytes;
        } catch (final NoSuchFileException e) {
            throw new ConfigException(source, 0, 0, "no such file");
        } catch (final AccessDeniedException e) {
            throw new ConfigException(source, 0, 0, "permission denied");
        } catch (final IOException e) {
            throw new ConfigException(source, 0, 0, "cannot read: " + e.getMessage());
        }
    }

    /**
     * Decodes a file's bytes as UTF-8, strictly: a byte sequence that is not UTF-8 (a Latin-1 {@code é}, a binary
     * file) is an error at its line and column, not a replacement character in a name.
     *
     * @param source the file name for messages
     * @param bytes the bytes
     * @return the text
     * @throws ConfigException at the first byte that is not UTF-8
     */
    public static String decode(final String source, final byte[] bytes) throws ConfigException {
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        final CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        out.flip();
        if (r.isError()) {
            int line = 1;
            int col = 1;
            for (int i = 0; i < out.limit(); i++) {
                if (out.get(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            throw new ConfigException(source, line, col, String.format("byte 0x%02X is not UTF-8; expected a "
                + "UTF-8 text file", bytes[in.position()] & 0xff));
        }
        return out.toString();
    }

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
            String msg = e.getOriginalMessage().replace('\n', ' ').replaceAll("\\s+", " ").trim();
            if (msg.contains("nesting depth")) {
                msg = "nested more than 1000 levels deep; expected a few levels of mappings and lists";
            } else if (msg.startsWith("Expected a field name")) {
                msg = "a key that is a list or a mapping; expected a plain key";
            } else {
                msg = msg.replaceAll("<org\\.yaml\\.snakeyaml\\.events\\.(\\w+)Event\\([^>]*\\)>", "$1");
            }
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
        final String what = path.isEmpty() ? "the document" : "'" + path + "'";
        final Object tag = p.getTypeId();
        if (tag != null) {
            throw new ConfigException(source, line, col, what + " has the YAML tag '"
                + tag.toString().replace("tag:yaml.org,2002:", "!!") + "'; tags are not read, expected a plain value");
        }
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
            throw new ConfigException(source, line, col, what + " is the YAML alias '*" + p.getText()
                + "'; aliases are not read, expected the value written out");
        }
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
