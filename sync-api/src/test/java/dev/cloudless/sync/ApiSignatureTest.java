package dev.cloudless.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the public surface of sync-api in a checked-in file, {@code sync-api/api/sync-api.api},
 * so that any change to it shows as a diff in review. After an intended change, regenerate with
 * {@code mvn -pl sync-api test -Dapi.update=true} and commit the file.
 */
class ApiSignatureTest {
    private static final Path API_FILE = Path.of("api", "sync-api.api");

    @Test
    void publicSurfaceMatchesTheCheckedInSignatureFile() throws Exception {
        String actual = render();
        if (Boolean.getBoolean("api.update")) {
            Files.createDirectories(API_FILE.getParent());
            Files.writeString(API_FILE, actual);
        }
        String expected = Files.exists(API_FILE) ? Files.readString(API_FILE) : "";
        assertEquals(expected, actual, "The public API of sync-api changed. If intended, run "
                + "`mvn -pl sync-api test -Dapi.update=true` and commit sync-api/api/sync-api.api");
    }

    static String render() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(SyncKey.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names;
        try (Stream<Path> files = Files.walk(root)) {
            names = files.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .sorted().toList();
        }
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            Class<?> c = Class.forName(name, false, ApiSignatureTest.class.getClassLoader());
            if (!isExported(c)) {
                continue;
            }
            sb.append(Modifier.toString(c.getModifiers() & ~Modifier.INTERFACE)).append(' ')
                    .append(kind(c)).append(' ').append(c.getName());
            if (c.getSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum() && !c.isRecord()) {
                sb.append(" extends ").append(c.getSuperclass().getName());
            }
            if (c.getGenericInterfaces().length > 0) {
                sb.append(c.isInterface() ? " extends " : " implements ").append(Arrays.stream(c.getGenericInterfaces())
                        .map(t -> t.getTypeName()).collect(Collectors.joining(", ")));
            }
            sb.append(" {\n");
            List<String> members = new ArrayList<>();
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers()) && !f.isSynthetic()) {
                    members.add(f.toGenericString());
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers()) && !k.isSynthetic()) {
                    members.add(k.toGenericString());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    members.add(m.toGenericString());
                }
            }
            members.stream().sorted().forEach(m -> sb.append("  ").append(m).append('\n'));
            sb.append("}\n\n");
        }
        return sb.toString();
    }

    private static boolean isExported(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return !c.isSynthetic() && !c.isAnonymousClass();
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String kind(Class<?> c) {
        if (c.isAnnotation()) {
            return "@interface";
        }
        if (c.isInterface()) {
            return "interface";
        }
        if (c.isEnum()) {
            return "enum";
        }
        return c.isRecord() ? "record" : "class";
    }
}
