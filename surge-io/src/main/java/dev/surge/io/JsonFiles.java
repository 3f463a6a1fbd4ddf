package dev.surge.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the project's JSON files (run configurations, metrics, model files) so that every problem is one
 * {@link FormatException} naming the file: missing, unreadable, not JSON (with line and column), nested deeper than
 * Jackson's limit of 1000 levels, or not the object expected.
 */
public final class JsonFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFiles() {
    }

    /** The JSON tree of {@code file}. */
    public static JsonNode read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FormatException(file, "no such file");
        } catch (IOException e) {
            throw new FormatException(file, "cannot read: " + e.getMessage(), e);
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || n.isMissingNode()) {
                throw new FormatException(file, "empty file");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new FormatException(file, problem(e), e);
        } catch (IOException e) {
            // bytes that Jackson's encoding detection cannot decode (e.g. taken for UTF-32)
            throw new FormatException(file, "not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The JSON object in {@code file}. */
    public static ObjectNode readObject(Path file) throws IOException {
        JsonNode n = read(file);
        if (!n.isObject()) {
            throw new FormatException(file, "expected a JSON object, got " + kind(n));
        }
        return (ObjectNode) n;
    }

    /** The JSON objects of a file with one per line (blank lines skipped); a bad line is named by its number. */
    public static List<ObjectNode> readObjectLines(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FormatException(file, "no such file");
        } catch (IOException e) {
            throw new FormatException(file, "cannot read: " + e.getMessage(), e);
        }
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (JsonProcessingException e) {
                throw new FormatException(file, "line " + (i + 1) + ": " + problem(e), e);
            } catch (IOException e) {
                throw new FormatException(file, "line " + (i + 1) + ": not valid JSON: " + e.getMessage(), e);
            }
            if (n == null || !n.isObject()) {
                throw new FormatException(file, "line " + (i + 1) + ": expected a JSON object, got " + kind(n));
            }
            out.add((ObjectNode) n);
        }
        return out;
    }

    /** What is wrong with unparsable JSON, with line and column where the parser knows them. */
    public static String problem(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        int cut = msg.indexOf('\n');
        return "not valid JSON" + where + ": " + (cut >= 0 ? msg.substring(0, cut) : msg);
    }

    private static String kind(JsonNode n) {
        return n == null ? "nothing" : n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
