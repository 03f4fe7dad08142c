package com.intellidial.gateway.scheduling;

import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a database chore every interval while the application runs: releasing the estimates of
 * calls whose end-of-call report never came, purging old idempotency records. Each chore is safe on
 * any number of instances; a run that fails is logged and the next tick tries again.
 */
public final class PeriodicChore implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicChore.class);

    private final String name;

    private final Duration interval;

    private final Supplier<Mono<Long>> chore;

    private volatile @Nullable Disposable running;

    /**
     * @param name what the chore does, for the log ("released expired budget reservations")
     * @param interval how often it runs; the first run is one interval after start
     * @param chore one run, emitting how many rows it handled
     */
    public PeriodicChore(String name, Duration interval, Supplier<Mono<Long>> chore) {
        this.name = name;
        this.interval = interval;
        this.chore = chore;
    }

    @Override
    public void start() {
        this.running = Flux.interval(this.interval)
            .concatMap(tick -> Mono.defer(this.chore).onErrorResume(ex -> {
                log.warn("Periodic chore failed ({}): {}", this.name, ex.toString());
                return Mono.empty();
            }))
            .subscribe(count -> {
                if (count > 0) {
                    log.info("{}: {}", this.name, count);
                }
            });
    }

    @Override
    public void stop() {
        Disposable running = this.running;
        if (running != null) {
            running.dispose();
        }
        this.running = null;
    }

    @Override
    public boolean isRunning() {
        return this.running != null;
    }

    @Override
    public String toString() {
        return "PeriodicChore[" + this.name + " every " + this.interval + "]";
    }
}
