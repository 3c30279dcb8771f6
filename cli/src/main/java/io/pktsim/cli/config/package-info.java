/**
 * Strict configuration input: YAML read into a tree that remembers where every value stood, and typed,
 * validated access to it. Every problem is one {@link io.pktsim.cli.config.ConfigException} naming the
 * file, line and column, the key, the value and what is allowed ("did you mean ..." for unknown keys),
 * raised at load time, before anything runs (STYLE.md, errors at the edges).
 */
package io.pktsim.cli.config;
