package com.intellidial.gateway.metering;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Releases the estimates of calls whose end-of-call report never came, every sweep interval. Safe
 * on any number of instances: each expired reservation is deleted, and released, exactly once.
 */
final class ReservationSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReservationSweeper.class);

    private final Budgets budgets;

    private final BudgetProperties properties;

    private volatile @Nullable Disposable sweeping;

    ReservationSweeper(Budgets budgets, BudgetProperties properties) {
        this.budgets = budgets;
        this.properties = properties;
    }

    @Override
    public void start() {
        this.sweeping = Flux.interval(this.properties.sweepInterval())
            .concatMap(tick -> this.budgets.releaseExpired().onErrorResume(ex -> {
                log.debug("Releasing expired budget reservations failed: {}", ex.toString());
                return Mono.empty();
            }))
            .subscribe(released -> {
                if (released > 0) {
                    log.info("Released {} budget reservations whose calls never reported their end", released);
                }
            });
    }

    @Override
    public void stop() {
        Disposable sweeping = this.sweeping;
        if (sweeping != null) {
            sweeping.dispose();
        }
        this.sweeping = null;
    }

    @Override
    public boolean isRunning() {
        return this.sweeping != null;
    }
}
