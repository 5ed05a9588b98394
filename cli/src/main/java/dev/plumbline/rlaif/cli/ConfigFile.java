// Reads a --config JSON file, validates it against a subcommand's options, and supplies defaults.
package dev.plumbline.rlaif.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A subcommand's config file: a flat JSON object whose keys are the subcommand's long option
 * names without the leading dashes and whose values have the option's type.
 *
 * <pre>{@code
 * // label.json: {"judge": "rule", "position-bias": 0.3, "input": "pairs.jsonl"}
 * plumbline label --config label.json --noise 0.1
 * }</pre>
 *
 * Validation collects every problem (unknown key, wrong type, out of range) and reports them
 * together, so a user fixes a config in one round.
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    /** The value of {@code --config FILE} or {@code --config=FILE} in raw arguments, if any. */
    public static Optional<Path> find(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) return Optional.of(Path.of(args[i + 1]));
            if (args[i].startsWith("--config=")) return Optional.of(Path.of(args[i].substring("--config=".length())));
        }
        return Optional.empty();
    }

    /**
     * Reads the file as JSON.
     *
     * @throws IllegalArgumentException naming the file, and line and column for bad JSON
     */
    public static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new IllegalArgumentException(file + ":" + (loc == null ? "?" : loc.getLineNr() + ":" + loc.getColumnNr())
                    + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every problem of {@code root} as a config for {@code spec}; empty when valid. */
    public static List<String> validate(JsonNode root, CommandSpec spec) {
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            problems.add("the config must be a JSON object of option values");
            return problems;
        }
        TreeSet<String> known = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            String k = key(o);
            if (k != null) known.add(k);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            OptionSpec o = known.contains(k) ? spec.findOption("--" + k) : null;
            if (o == null) {
                problems.add("unknown key \"" + k + "\" for '" + spec.qualifiedName() + "'; known keys: " + known);
                continue;
            }
            String p = typeProblem(k, o, e.getValue());
            if (p != null) problems.add(p);
        }
        return problems;
    }

    /** A default-value provider answering from {@code root} (values are validated first). */
    public static CommandLine.IDefaultValueProvider defaults(JsonNode root) {
        return arg -> {
            if (!(arg instanceof OptionSpec o)) return null;
            String k = key(o);
            JsonNode v = k == null ? null : root.get(k);
            return v == null || v.isNull() ? null : v.asText();
        };
    }

    /** The config key of an option, or null for options a config cannot set (help, version, config). */
    private static String key(OptionSpec o) {
        String name = o.longestName();
        if (!name.startsWith("--")) return null;
        String k = name.substring(2);
        return List.of("config", "help", "version").contains(k) ? null : k;
    }

    private static String typeProblem(String k, OptionSpec o, JsonNode v) {
        Class<?> t = o.type();
        String where = "key \"" + k + "\"";
        if (t == boolean.class || t == Boolean.class) {
            return v.isBoolean() ? null : where + " must be true or false, got " + v;
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            if (!v.isIntegralNumber()) return where + " must be a whole number, got " + v;
            if ((t == int.class || t == Integer.class) && !v.canConvertToInt()) return where + " is too large: " + v;
            return rangeProblem(k, o, v.asDouble());
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            if (!v.isNumber()) return where + " must be a number, got " + v;
            return rangeProblem(k, o, v.asDouble());
        }
        if (t.isEnum()) {
            List<String> names = Arrays.stream(t.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
            if (!v.isTextual() || !names.contains(v.asText())) return where + " must be one of " + names + ", got " + v;
            return null;
        }
        if (t == String.class || t == Path.class) {
            return v.isTextual() ? null : where + " must be a string, got " + v;
        }
        return where + " cannot be set from a config file (type " + t.getSimpleName() + ")";
    }

    private static String rangeProblem(String k, OptionSpec o, double value) {
        if (o.userObject() instanceof Field f) {
            String p = InRange.Check.problem(f, "key \"" + k + "\"", value);
            if (p != null) return p;
        }
        return null;
    }
}
