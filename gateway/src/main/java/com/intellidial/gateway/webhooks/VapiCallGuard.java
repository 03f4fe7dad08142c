package com.intellidial.gateway.webhooks;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Decides whether a server message belongs to the tenant whose webhook URL it was sent to. A call
 * the tenant owns passes; a call another tenant owns is refused. A call nobody owns yet (an inbound
 * call) passes only when every resource it names that has an owner (assistant, phone number, squad)
 * is the tenant's, and at least one does; it is then recorded as the tenant's call. A message naming
 * no call passes on the same resource rule. Everything else is a 404 problem, so nothing is metered
 * or relayed, and the answer is the same whether the call exists or is someone else's.
 */
class VapiCallGuard {

    private static final Logger log = LoggerFactory.getLogger(VapiCallGuard.class);

    private final VapiOwnership ownership;

    VapiCallGuard(VapiOwnership ownership) {
        this.ownership = ownership;
    }

    /** Completes when the message is the tenant's; else fails with a 404 problem. */
    Mono<Void> check(String tenantId, VapiServerMessage message) {
        String callId = message.callId();
        if (callId == null) {
            return resourcesOwnedBy(tenantId, message).flatMap(owned -> owned ? Mono.empty() : Mono.error(notOwned()));
        }
        return this.ownership.ownerOf("call", callId)
            .map(owner -> owner.equals(tenantId))
            .switchIfEmpty(Mono.defer(() -> resourcesOwnedBy(tenantId, message).flatMap(owned -> owned
                    ? this.ownership.claim(tenantId, "call", callId).thenReturn(true) : Mono.just(false))))
            .flatMap(owned -> {
                if (!owned) {
                    log.debug("Refused {} for tenant {}: the call is not the tenant's", message, tenantId);
                    return Mono.error(notOwned());
                }
                return Mono.empty();
            });
    }

    /** True when at least one referenced resource is the tenant's and none is another tenant's. */
    private Mono<Boolean> resourcesOwnedBy(String tenantId, VapiServerMessage message) {
        List<Ref> refs = new ArrayList<>();
        addRef(refs, "assistant", message.assistantId());
        addRef(refs, "phone-number", message.phoneNumberId());
        addRef(refs, "squad", message.squadId());
        return Flux.fromIterable(refs)
            .concatMap(ref -> this.ownership.ownerOf(ref.type(), ref.id()))
            .collectList()
            .map(owners -> !owners.isEmpty() && owners.stream().allMatch(tenantId::equals));
    }

    private static void addRef(List<Ref> refs, String type, @Nullable String id) {
        if (id != null) {
            refs.add(new Ref(type, id));
        }
    }

    private static GatewayException notOwned() {
        return new GatewayException(ProblemType.NOT_FOUND, "No such call for this tenant.");
    }

    private record Ref(String type, String id) {
    }
}
