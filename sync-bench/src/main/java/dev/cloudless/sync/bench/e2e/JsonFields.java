package dev.cloudless.sync.bench.e2e;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks single scalar fields out of Syncthing's REST answers. The module has no JSON library and
 * needs only a handful of flat fields, each looked up after the key of the object holding it.
 */
final class JsonFields {
    private JsonFields() {}

    /** The first value of {@code "field"} after {@code "scope"} (or from the start if scope is null). */
    static Optional<String> raw(String json, String scope, String field) {
        int from = 0;
        if (scope != null) {
            from = json.indexOf('"' + scope + '"');
            if (from < 0) {
                return Optional.empty();
            }
        }
        Matcher m = Pattern.compile('"' + Pattern.quote(field) + "\"\\s*:\\s*(\"[^\"]*\"|[-0-9.eE+]+|true|false|null)")
                .matcher(json);
        if (!m.find(from)) {
            return Optional.empty();
        }
        String v = m.group(1);
        return Optional.of(v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
    }

    static long number(String json, String scope, String field) {
        String v = raw(json, scope, field).orElseThrow(() -> new IllegalStateException("no " + field + " in " + json));
        return (long) Double.parseDouble(v);
    }
}
