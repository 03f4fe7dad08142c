package com.intellidial.gateway.metering;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link UsageSink}: a bounded in-memory buffer written to PostgreSQL in batches (when a batch
 * is full, or every flush interval) by {@link LedgerWriter}, whose statement makes every write
 * idempotent. When the buffer is full or a write fails, events go to the {@link SpillFile}, which
 * is replayed at startup, periodically while it holds events, and deleted segment by segment only
 * after the database committed them. A graceful shutdown flushes everything, to the database or
 * else to the spill file. Nothing is dropped: the {@code gateway.metering.dropped} counter exists
 * so dashboards can prove it stays at zero.
 */
public final class Ledger implements UsageSink, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    /**
     * Stops after the web server finished its graceful shutdown (Boot's web server lifecycles use
     * phases just below {@link SmartLifecycle#DEFAULT_PHASE}), so the last requests' events are in.
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 10_000;

    private final LedgerWriter writer;

    private final SpillFile spill;

    private final MeteringProperties properties;

    private final ConcurrentLinkedQueue<UsageEvent> buffer = new ConcurrentLinkedQueue<>();

    private final AtomicInteger buffered = new AtomicInteger();

    private final AtomicBoolean flushing = new AtomicBoolean();

    private final AtomicBoolean replaying = new AtomicBoolean();

    /** Set when an event was spilled; cleared by a replay that found nothing left. */
    private final AtomicBoolean spillPending = new AtomicBoolean(true);

    /** File I/O happens only here, never on an event loop; one thread keeps appends in order. */
    private final ExecutorService spillExecutor;

    private final Scheduler spillScheduler;

    private final ThrottledLog degradedLog = new ThrottledLog(log, Duration.ofMinutes(1));

    private final Counter flushedCounter;

    private final Counter spilledCounter;

    private final Counter replayedCounter;

    private final Counter duplicateCounter;

    private volatile boolean running;

    /** While PostgreSQL is known to be down, batches go straight to the spill file until a replay succeeds. */
    private volatile boolean degraded;

    private @Nullable Disposable ticker;

    Ledger(LedgerWriter writer, MeteringProperties properties, MeterRegistry registry) {
        this.writer = writer;
        this.properties = properties;
        this.spill = new SpillFile(properties.spillDir());
        this.spillExecutor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "metering-spill");
            thread.setDaemon(true);
            return thread;
        });
        this.spillScheduler = Schedulers.fromExecutorService(this.spillExecutor, "metering-spill");
        Gauge.builder("gateway.metering.buffered", this.buffered, AtomicInteger::get)
            .description("Usage events in memory, not yet written")
            .register(registry);
        this.flushedCounter = counter(registry, "gateway.metering.flushed", "Usage events written to the ledger");
        this.spilledCounter = counter(registry, "gateway.metering.spilled", "Usage events written to the spill file");
        this.replayedCounter = counter(registry, "gateway.metering.replayed", "Usage events replayed from the spill file");
        this.duplicateCounter = counter(registry, "gateway.metering.duplicates",
                "Usage events the ledger had already counted (replays, retried webhooks)");
        counter(registry, "gateway.metering.dropped", "Usage events lost; by design always zero");
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    /**
     * Buffers the event and returns at once. The request path and webhooks never wait on the
     * ledger: a full buffer hands the event to the spill thread instead of blocking the caller.
     */
    @Override
    public void record(UsageEvent event) {
        if (UsageEventCodec.kind(event) == null) {
            log.error("Ignoring usage event of unsupported type {}", event.getClass().getName());
            return;
        }
        if (this.buffered.incrementAndGet() > this.properties.bufferCapacity()) {
            this.buffered.decrementAndGet();
            this.degradedLog.warn("Usage buffer full ({} events); spilling to {}", this.properties.bufferCapacity(),
                    this.properties.spillDir());
            spill(List.of(event)).subscribe();
            return;
        }
        this.buffer.offer(event);
        if (!this.running) {
            // Shutting down or not started: nothing will flush on time, so keep it on disk.
            spill(drain(Integer.MAX_VALUE)).subscribe();
        }
        else if (this.buffered.get() >= this.properties.batchSize()) {
            flushSoon();
        }
    }

    /** Flushes the buffer unless a flush is already running; the running one drains it. */
    void flushSoon() {
        if (this.flushing.compareAndSet(false, true)) {
            flushAll().doFinally(signal -> {
                this.flushing.set(false);
                if (this.buffered.get() >= this.properties.batchSize()) {
                    flushSoon();
                }
            }).subscribe();
        }
    }

    /** Writes every buffered event, batch by batch; completes when the buffer was empty once. */
    Mono<Void> flushAll() {
        return Mono.defer(() -> {
            List<UsageEvent> batch = drain(this.properties.batchSize());
            return batch.isEmpty() ? Mono.just(false) : writeOrSpill(batch).thenReturn(true);
        }).repeat().takeWhile(more -> more).then();
    }

    private Mono<Void> writeOrSpill(List<UsageEvent> batch) {
        if (this.degraded) {
            return spill(batch);
        }
        return this.writer.write(batch)
            .timeout(this.properties.writeTimeout())
            .doOnNext(counted -> {
                this.flushedCounter.increment(batch.size());
                this.duplicateCounter.increment(batch.size() - counted);
            })
            .then()
            .onErrorResume(ex -> {
                // The batch may or may not have committed; replaying it is harmless either way.
                this.degraded = true;
                this.degradedLog.warn("Usage ledger write failed ({}); spilling to {} until PostgreSQL is back",
                        ex.toString(), this.properties.spillDir());
                return spill(batch);
            });
    }

    /** Appends to the spill file on the spill thread; if even that fails, the events go back to memory. */
    private Mono<Void> spill(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        return Mono.fromCallable(() -> {
            this.spill.append(events);
            this.spillPending.set(true);
            this.spilledCounter.increment(events.size());
            return events.size();
        }).subscribeOn(this.spillScheduler).then().onErrorResume(ex -> {
            log.error("Could not spill {} usage events to {}; keeping them in memory", events.size(),
                    this.properties.spillDir(), ex);
            events.forEach(event -> {
                this.buffered.incrementAndGet();
                this.buffer.offer(event);
            });
            return Mono.empty();
        });
    }

    /** Replays the spill file unless a replay is running or there is nothing to replay. */
    void replaySoon() {
        if (this.spillPending.get() && this.replaying.compareAndSet(false, true)) {
            replay().doFinally(signal -> this.replaying.set(false)).subscribe();
        }
    }

    /**
     * Writes every closed segment to the database, oldest first, deleting each once committed.
     * Stops at the first failure and leaves the rest for the next attempt.
     */
    Mono<Void> replay() {
        return onSpillThread(() -> {
            // Segments spilled while this replay runs are picked up by the next one.
            this.spillPending.set(false);
            return this.spill.rotate();
        }).flatMapMany(Flux::fromIterable).concatMap(this::replaySegment).then().doOnSuccess(done -> {
            if (this.degraded) {
                log.info("Usage ledger writes recovered; spill file replayed");
            }
            this.degraded = false;
        }).onErrorResume(ex -> {
            this.spillPending.set(true);
            this.degraded = true;
            this.degradedLog.warn("Replaying the usage spill file failed ({}); retrying in {}", ex.toString(),
                    this.properties.replayInterval());
            return Mono.empty();
        });
    }

    private Mono<Void> replaySegment(Path segment) {
        return onSpillThread(() -> this.spill.read(segment))
            .flatMap(events -> Flux.fromIterable(events)
                .buffer(this.properties.batchSize())
                .concatMap(batch -> this.writer.write(batch)
                    .timeout(this.properties.writeTimeout())
                    .doOnNext(counted -> {
                        this.replayedCounter.increment(batch.size());
                        this.duplicateCounter.increment(batch.size() - counted);
                    }))
                .then(onSpillThread(() -> {
                    this.spill.delete(segment);
                    return segment;
                })))
            .then();
    }

    private <T> Mono<T> onSpillThread(IoCallable<T> task) {
        return Mono.fromCallable(task::call).subscribeOn(this.spillScheduler);
    }

    private List<UsageEvent> drain(int max) {
        List<UsageEvent> batch = new ArrayList<>(Math.min(max, 1024));
        UsageEvent event;
        while (batch.size() < max && (event = this.buffer.poll()) != null) {
            this.buffered.decrementAndGet();
            batch.add(event);
        }
        return batch;
    }

    /** Replays what a previous run left in the spill file, then flushes and replays on a timer. */
    @Override
    public void start() {
        this.running = true;
        replaySoon();
        Duration tick = this.properties.flushInterval();
        long replayEvery = Math.max(1, this.properties.replayInterval().toMillis() / Math.max(1, tick.toMillis()));
        this.ticker = Flux.interval(tick, tick).subscribe(n -> {
            flushSoon();
            if (n % replayEvery == 0) {
                replaySoon();
            }
        });
    }

    /** Flushes everything still in memory: to the database, else to the spill file. */
    @Override
    public void stop() {
        this.running = false;
        Disposable ticker = this.ticker;
        if (ticker != null) {
            ticker.dispose();
        }
        Duration timeout = this.properties.shutdownTimeout();
        try {
            flushAll().block(timeout);
        }
        catch (RuntimeException ex) {
            log.warn("Final usage flush did not finish in {} ({}); spilling the rest", timeout, ex.toString());
        }
        try {
            spill(drain(Integer.MAX_VALUE)).then(onSpillThread(() -> {
                this.spill.close();
                return true;
            })).block(timeout);
        }
        catch (RuntimeException ex) {
            log.error("Could not write the remaining usage events to {}", this.properties.spillDir(), ex);
        }
        this.spillExecutor.shutdown();
        try {
            this.spillExecutor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Like {@link java.util.concurrent.Callable}, for file operations. */
    @FunctionalInterface
    private interface IoCallable<T> {

        T call() throws IOException;
    }
}
