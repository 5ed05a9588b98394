// Declares the allowed range of a numeric CLI option; checked for config values and flags alike.
package dev.plumbline.rlaif.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Inclusive bounds of a numeric option field.
 *
 * <pre>{@code
 * @InRange(min = 0, max = 1)
 * @Option(names = "--noise") double noise;
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InRange {
    /** Smallest allowed value. */
    double min() default Double.NEGATIVE_INFINITY;

    /** Largest allowed value. */
    double max() default Double.POSITIVE_INFINITY;

    /** Range checks over fields and values. */
    final class Check {
        private Check() {
        }

        /** A problem message if {@code value} is outside the field's range, else null. */
        public static String problem(Field field, String optionName, double value) {
            InRange r = field.getAnnotation(InRange.class);
            if (r == null || (value >= r.min() && value <= r.max())) return null;
            return optionName + " must be in [" + fmt(r.min()) + ", " + fmt(r.max()) + "], got " + fmt(value);
        }

        /** Problems of every {@code @InRange} numeric field of {@code command}. */
        public static List<String> all(Object command) {
            List<String> problems = new ArrayList<>();
            for (Field f : command.getClass().getDeclaredFields()) {
                if (f.getAnnotation(InRange.class) == null) continue;
                picocli.CommandLine.Option o = f.getAnnotation(picocli.CommandLine.Option.class);
                String name = o == null ? f.getName() : o.names()[0];
                try {
                    f.setAccessible(true);
                    Object v = f.get(command);
                    if (v instanceof Number n) {
                        String p = problem(f, name, n.doubleValue());
                        if (p != null) problems.add(p);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read option field " + f, e);
                }
            }
            return problems;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
