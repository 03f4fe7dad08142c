package com.intellidial.gateway.metering;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local append-only file that holds usage events while PostgreSQL cannot take them: a
 * directory of JSON-lines segments ({@code spill-<millis>-<id>.jsonl}). Appends go to the current
 * segment and are forced to disk ({@code fsync}) before {@link #append} returns, so a spilled event
 * survives a crash or {@code kill -9}. Replay reads closed segments only and deletes one only after
 * its events were committed. Not thread-safe: the ledger calls it from one dedicated thread.
 */
final class SpillFile {

    private static final Logger log = LoggerFactory.getLogger(SpillFile.class);

    /** A segment is closed once it holds this much, so a replay never reads a huge file at once. */
    private static final long MAX_SEGMENT_BYTES = 8L * 1024 * 1024;

    private static final String PREFIX = "spill-";

    private static final String SUFFIX = ".jsonl";

    private final Path directory;

    private @Nullable FileChannel current;

    SpillFile(Path directory) {
        this.directory = directory;
    }

    /** Appends the events as one write and forces it to disk. */
    void append(List<UsageEvent> events) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (UsageEvent event : events) {
            lines.append(UsageEventCodec.encode(event)).append('\n');
        }
        FileChannel channel = open();
        ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        channel.force(false);
        if (channel.size() >= MAX_SEGMENT_BYTES) {
            closeCurrent();
        }
    }

    /** Closes the current segment, so that it can be replayed; returns every closed segment, oldest first. */
    List<Path> rotate() throws IOException {
        closeCurrent();
        if (!Files.isDirectory(this.directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(this.directory)) {
            return files.filter(SpillFile::isSegment).sorted().toList();
        }
    }

    /** Whether any segment, open or closed, holds events. */
    boolean hasSegments() throws IOException {
        if (this.current != null) {
            return true;
        }
        if (!Files.isDirectory(this.directory)) {
            return false;
        }
        try (Stream<Path> files = Files.list(this.directory)) {
            return files.anyMatch(SpillFile::isSegment);
        }
    }

    /**
     * The events of a closed segment. A line that does not parse can only be the last one, torn by
     * a crash in the middle of an append that therefore never returned: it is skipped.
     */
    List<UsageEvent> read(Path segment) throws IOException {
        List<UsageEvent> events = new ArrayList<>();
        List<String> lines = Files.readAllLines(segment, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                events.add(UsageEventCodec.decode(line));
            }
            catch (RuntimeException ex) {
                log.warn("Skipping unreadable line {} of {} (torn by a crash while it was written)", i + 1, segment);
            }
        }
        return events;
    }

    /** Deletes a segment whose events are committed. */
    void delete(Path segment) throws IOException {
        Files.deleteIfExists(segment);
    }

    /** Closes the current segment (forced on every append already). */
    void close() throws IOException {
        closeCurrent();
    }

    private FileChannel open() throws IOException {
        FileChannel channel = this.current;
        if (channel == null) {
            Files.createDirectories(this.directory);
            Path path = this.directory.resolve(PREFIX + String.format("%015d", System.currentTimeMillis()) + "-"
                    + UUID.randomUUID() + SUFFIX);
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            this.current = channel;
            log.debug("Spilling usage events to {}", path);
        }
        return channel;
    }

    private void closeCurrent() throws IOException {
        FileChannel channel = this.current;
        this.current = null;
        if (channel != null) {
            channel.close();
        }
    }

    private static boolean isSegment(Path path) {
        String name = path.getFileName().toString();
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
    }
}
